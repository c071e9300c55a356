"""Shared fixtures: the demo content is loaded once per test database.

Every test then runs inside a transaction that is rolled back, so each one
sees exactly the seed content, on SQLite or PostgreSQL (``DATABASE_URL``).

The browser tests (``tests/frontend``) are different: the live server answers
from another thread, which sees only committed data, so they run as
transactional tests with ``serialized_rollback``. Django empties the database
after each of them and restores the serialized copy before the next; that copy
is taken again here once the demo content is in, so it holds the demo content.

Mutation runs (``make mutation``) start a test session per planted bug. Seeding a
database each time would cost most of the hour, so there ``CMS_TEST_DB_TEMPLATE``
names a seeded SQLite file (made by the first session, kept by ``--reuse-db``) and
every later session works on its own copy of it.
"""

import io
import json
import os
import shutil
import sqlite3
from functools import partial
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from cms.ratelimit import forget_memory_counts
from home.roles import EDITORS, MARKETING

MUTATION_DB_TEMPLATE = os.environ.get("CMS_TEST_DB_TEMPLATE")

#: Time limits (seconds) above the default 120 s (``pyproject.toml``) for the tests whose
#: body waits on something slow on a busy machine: a fresh Django process, a private
#: server stack, thousands of generated queries, a browser.
SLOW_TESTS = {
    "tests/cms/test_fuzz.py": 1200,
    "tests/cms/test_fault_stack.py": 900,
    "tests/cms/test_health.py": 600,
    "tests/cms/test_database_outage.py": 600,
    "tests/cms/test_cache_outage.py": 600,
    "tests/cms/test_deploy_check.py": 600,
    "tests/home/test_demo_loader.py": 600,
    "tests/frontend/": 600,
}


#: Tests to run before all others, in this order, one node id per line
#: (``benchmarks/mutation.py``: the tests that killed a function's other mutants, and the
#: committed-schema test, which kills most import-time mutants and which pytest-django
#: would run last, as it needs no database).
TESTS_FIRST = os.environ.get("CMS_TESTS_FIRST", "").splitlines()


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering by database use
def pytest_collection_modifyitems(items):
    for item in items:
        for prefix, seconds in SLOW_TESTS.items():
            if item.nodeid.startswith(prefix) and not item.get_closest_marker("timeout"):
                item.add_marker(pytest.mark.timeout(seconds))
    if TESTS_FIRST:
        rank = {node_id: index for index, node_id in enumerate(TESTS_FIRST)}
        items.sort(key=lambda item: rank.get(item.nodeid, len(rank)))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """In a mutation run, point the test database at this session's copy of the template
    (or at the template itself, which this session then creates and seeds)."""
    if not MUTATION_DB_TEMPLATE:
        yield
        return
    template = Path(MUTATION_DB_TEMPLATE)
    name = template.with_name(f"{template.name}.{os.getpid()}") if template.exists() else template
    if name == template:
        settings.DATABASES["default"]["TEST"]["NAME"] = str(name)
        yield
        return
    # The backup API copies a consistent state, write-ahead log included. The media too:
    # a test that deletes an image deletes its file, which the next session still needs.
    with sqlite3.connect(template) as source, sqlite3.connect(name) as copy:
        source.backup(copy)
    media = Path(f"{settings.MEDIA_ROOT}.{os.getpid()}")
    shutil.copytree(settings.MEDIA_ROOT, media, dirs_exist_ok=True)
    settings.DATABASES["default"]["TEST"]["NAME"] = str(name)
    creation = connections["default"].creation
    creation.create_test_db = partial(_open_migrated_copy, creation)
    with override_settings(MEDIA_ROOT=str(media)):
        yield
    del creation.create_test_db
    shutil.rmtree(media, ignore_errors=True)
    for leftover in name.parent.glob(f"{name.name}*"):
        leftover.unlink()


def _open_migrated_copy(creation, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    """``create_test_db`` for a copy of the template: it is migrated and seeded already.

    Django's own would run ``migrate`` all the same, which finds nothing to apply but
    loads every migration and sends ``post_migrate`` (0.8 s of the ~1.5 s a one-test
    mutant session costs)."""
    connection = creation.connection
    name = creation._get_test_db_name()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    connection.ensure_connection()
    return name


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not _seeded():
            call_command("load_initial_data", stdout=io.StringIO())
        for connection in connections.all():
            # Set by Django only when a collected test asks for serialized_rollback.
            if hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = _without_derived_rows(
                    connection.creation.serialize_db_to_string()
                )


def _without_derived_rows(serialized):
    """The serialized copy without the rows database triggers derive from others
    (``research.models.MaintainedByTriggers``), and with content types first.

    Restoring the publications rebuilds the derived rows, and restoring them as well
    collides with what the triggers just wrote (Django restores with
    ``Model.save_base`` itself, so no model can skip its own rows). The search-vector
    triggers (research migrations 0002 and 0004) recognise a publication's index entry
    by its content type, which Django would restore after Wagtail's apps."""
    from research.models import MaintainedByTriggers

    derived = {
        model._meta.label_lower
        for model in django_apps.get_models()
        if issubclass(model, MaintainedByTriggers)
    }
    rows = [row for row in json.loads(serialized) if row["model"] not in derived]
    rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")
    return json.dumps(rows)


def _seeded():
    """Whether the demo content is already in (a database kept by ``--reuse-db``)."""
    from home.models import HomePage

    return bool(MUTATION_DB_TEMPLATE) and HomePage.objects.exists()


def clear_cache():
    """Empty this test process's keys (``delete_pattern`` honours the key prefix)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """The database rolls back after each test; the real Redis does not, so empty it
    (and the rate limits' per-process fallback counts)."""
    clear_cache()
    forget_memory_counts()
    yield
    clear_cache()
    forget_memory_counts()


#: Every test user's password (``make_user``).
PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(username, group_name=None, superuser=False):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        is_superuser=superuser,
        is_staff=superuser,
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return make_user("eddie", EDITORS)


@pytest.fixture
def marketer(db):
    return make_user("marge", MARKETING)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def marketing_client(client, marketer):
    client.force_login(marketer)
    return client
