"""Two requests writing to the embedded SQLite database at once both succeed.

`make run` and the browser tests serve on several threads, each with its own SQLite
connection. A transaction that reads first and writes later (Wagtail's publish: read the
page, then insert the revision) was BEGUN DEFERRED: if another connection committed a
write in between, SQLite refuses the upgrade to a writer at once with "database is
locked", without waiting out the busy timeout, and the editor's publish was a 500 (it
failed CI once, in tests/frontend/test_publish_a_story.py). Transactions now begin
IMMEDIATE: the writer lock is taken up front and the other writer waits its turn.
"""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from home.models import HomePage

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own locking"),
]


def test_a_publish_that_read_first_is_not_refused_when_another_request_writes():
    home = HomePage.objects.get()
    editor_has_read = threading.Event()
    failures = []

    def other_request_writes():
        try:
            editor_has_read.wait(timeout=10)
            get_user_model().objects.create_user("someone-else")
        except Exception as error:  # reported below, in the test's own thread
            failures.append(("other request", error))
        finally:
            connections.close_all()

    def editor_publishes():
        try:
            with transaction.atomic():
                page = HomePage.objects.get(pk=home.pk)  # the read that pins a snapshot
                editor_has_read.set()
                other.join(timeout=0.5)  # the other request's write lands (or waits)
                page.save_revision().publish()
        except Exception as error:
            failures.append(("editor", error))
        finally:
            connections.close_all()

    other = threading.Thread(target=other_request_writes)
    editor = threading.Thread(target=editor_publishes)
    other.start()
    editor.start()
    editor.join(timeout=30)
    other.join(timeout=30)

    assert failures == []
    assert get_user_model().objects.filter(username="someone-else").exists()
    assert HomePage.objects.get(pk=home.pk).live_revision is not None


def test_sqlite_connections_begin_immediate_and_wait_for_the_lock():
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
