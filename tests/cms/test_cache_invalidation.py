"""When a cached answer must stop being served: the earliest of several expiries, and a
publish whose transaction commits after a reader cached the old state."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection
from django.utils import timezone

from careers.models import StoryPage
from cms.api import cache as response_cache
from research.models import Publication
from tests.graphql import create_publication

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
PUBLICATIONS = "{ publications(first: 100) { edges { node { title } } } }"


def get(client, query):
    response = client.get(ENDPOINT, {"query": query}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:2000]
    return response


def titles(response):
    return {edge["node"]["title"] for edge in response.json()["data"]["publications"]["edges"]}


def s_maxage(response):
    match = re.fullmatch(r"public, max-age=0, s-maxage=(\d+)", response["Cache-Control"])
    return int(match.group(1))


def test_the_earliest_of_several_expiries_ends_cached_answers(
    client, django_capture_on_commit_callbacks
):
    # Given: live content expiring at three different times, in two tables (a story page,
    # publications), the earliest one neither first nor last created.
    now = timezone.now()
    earliest = now + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        create_publication("Expires Third", expire_at=now + timedelta(hours=4))
        create_publication("Expires First", expire_at=earliest)
        create_publication("Expires Second", expire_at=now + timedelta(hours=3))
        story = StoryPage.objects.get()
        story.expire_at = now + timedelta(hours=5)
        story.save_revision(log_action=False).publish(log_action=False)
    assert {"Expires First", "Expires Second", "Expires Third"} <= titles(
        get(client, PUBLICATIONS)
    )

    # Half a minute before the earliest expiry, a CDN may keep an answer half a minute.
    with time_machine.travel(earliest - timedelta(seconds=30), tick=False):
        assert 29 <= s_maxage(get(client, PUBLICATIONS)) <= 30

    # Just after it, the cached answer is not served: the expired one is gone, the rest stay.
    with time_machine.travel(earliest + timedelta(seconds=1), tick=False):
        after = titles(get(client, PUBLICATIONS))
    assert "Expires First" not in after
    assert {"Expires Second", "Expires Third"} <= after


def read_on_another_connection(client, query):
    """``query`` as a concurrent reader sends it: from another thread, which has its own
    database connection and so sees only committed data."""
    answers = []

    def read():
        try:
            answers.append(titles(get(client, query)))
        finally:
            connection.close()  # this thread's connection

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=60)
    assert answers, "the concurrent read failed"
    return answers[0]


def test_an_answer_cached_while_a_publish_commits_is_not_served_after_it(
    client, django_capture_on_commit_callbacks
):
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    old_title = photon.title
    assert old_title in titles(get(client, PUBLICATIONS))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        # The editor publishes; the transaction has not committed yet.
        photon.title = "Photon, Renamed"
        photon.save_revision(log_action=False).publish(log_action=False)
        # A reader now still sees the committed state and caches that answer.
        assert old_title in read_on_another_connection(client, PUBLICATIONS)
    assert callbacks, "the publish must act again when its transaction commits"

    # After the commit, readers get the new title, not the answer cached in between.
    after = titles(get(client, PUBLICATIONS))
    assert "Photon, Renamed" in after
    assert old_title not in after


def test_an_expiry_time_that_cannot_be_looked_up_after_a_save_is_forgotten_not_kept(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    # Given: answers capped by a publication that expires in half a minute (set without
    # signals, so no commit callback is pending yet; the first read looks the time up).
    paper = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    paper.expire_at = timezone.now() + timedelta(seconds=30)
    Publication.objects.filter(pk=paper.pk).update(expire_at=paper.expire_at)
    assert s_maxage(get(client, PUBLICATIONS)) <= 30

    # When: its expiry time is removed while the lookup of the next one fails (as during
    # `migrate`, before every table exists).
    def lookup_fails(now):
        raise DatabaseError("no such table")

    with monkeypatch.context() as patched:
        patched.setattr(response_cache, "earliest_expiry", lookup_fails)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            paper.expire_at = None
            paper.save()
    assert callbacks

    # Then: the old time was forgotten, not kept: the next answer looks again and finds
    # nothing that expires.
    assert s_maxage(get(client, PUBLICATIONS)) == 60
