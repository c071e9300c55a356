"""Response caching in Redis, ETags, persisted queries, and invalidation on publish."""

import hashlib
import json
import re
import time
from datetime import date, timedelta

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from wagtail.models import PageViewRestriction

from careers.models import StoryPage
from cms.api.cache import (
    CHANGES_KEY,
    GENERATION_KEY,
    TAG_PREFIX,
    bump_content_generation,
)
from research.models import Publication
from tests.graphql import create_publication

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
QUERY = "{ publications(first: 3) { totalCount edges { node { title } } } }"


def get(client, query=QUERY, **params):
    payload = {"query": query} if query is not None else {}
    payload.update({k: json.dumps(v) for k, v in params.items()})
    return client.get(ENDPOINT, payload, HTTP_ACCEPT="application/json")


def post(client, payload, **extra):
    body = json.dumps(payload)
    return client.post(ENDPOINT, data=body, content_type="application/json", **extra)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_repeated_query_is_served_from_the_cache_without_sql(client, django_assert_num_queries):
    first = get(client)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = get(client)
    assert second.content == first.content


@pytest.fixture
def redis_commands(monkeypatch):
    """The Redis commands this process sends, in order (each one a round trip)."""
    sent = []
    send = redis.Redis.execute_command

    def counted(connection, *args, **options):
        sent.append(args[0])
        return send(connection, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


@pytest.mark.parametrize("search, budget", [(None, 6), ("zaharia", 7)])
def test_an_uncached_page_of_a_known_list_costs_a_few_redis_round_trips(
    client, redis_commands, search, budget
):
    # Like SQL queries, Redis round trips per answer stay few and constant: the cached
    # answer and the change counter; the list's versions with the next expiry (started
    # only when missing); the search's remembered counts; the versions again, to store
    # the answer only if nothing changed meanwhile; the answer; and the next expiry
    # twice more, for the answer's lifetime and the edge's.
    query = (
        "query($search: String, $first: Int) { publications(search: $search, first: $first)"
        " { totalCount startPosition edges { cursor node { title } } } }"
    )
    # The versions of the list and its rows and the counts are started by a first answer.
    get(client, query, variables={"search": search, "first": 6})
    redis_commands.clear()

    answer = get(client, query, variables={"search": search, "first": 5})  # not cached yet

    assert len(answer.json()["data"]["publications"]["edges"]) == 5
    assert len(redis_commands) <= budget, redis_commands


def test_get_answers_carry_an_etag_and_cdn_cache_headers(client):
    response = get(client)
    assert response["ETag"].startswith('"')
    assert "public" in response["Cache-Control"]
    assert "s-maxage=" in response["Cache-Control"]

    not_modified = client.get(
        ENDPOINT,
        {"query": QUERY},
        HTTP_ACCEPT="application/json",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert not_modified.status_code == 304
    assert not_modified.content == b""


def test_errors_are_never_cached(client, django_assert_max_num_queries):
    bad = "{ publications(first: 0) { totalCount } }"
    first = get(client, bad)
    assert first["Cache-Control"] == "no-store"
    assert "ETag" not in first
    assert first.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_preview_requests_are_never_cached(client):
    response = get(client, '{ page(token: "whatever") { title } }')
    assert response["Cache-Control"] == "no-store"
    response = client.get(
        ENDPOINT, {"query": QUERY}, HTTP_ACCEPT="application/json", HTTP_X_PREVIEW_TOKEN="t"
    )
    assert response["Cache-Control"] == "no-store"


def test_publishing_is_visible_on_the_next_read(client):
    before = get(client).json()["data"]["publications"]["totalCount"]
    create_publication("0-Day Lakes: A New First Paper", domain="applications", year=2024)
    after = get(client).json()["data"]["publications"]
    assert after["totalCount"] == before + 1
    assert after["edges"][0]["node"]["title"] == "0-Day Lakes: A New First Paper"


def test_unpublishing_and_deleting_are_visible_on_the_next_read(client):
    total = get(client).json()["data"]["publications"]["totalCount"]
    first = Publication.objects.live().order_by("sort_title").first()
    first.unpublish(log_action=False)
    assert get(client).json()["data"]["publications"]["totalCount"] == total - 1
    Publication.objects.live().order_by("sort_title").first().delete()
    assert get(client).json()["data"]["publications"]["totalCount"] == total - 2


def test_page_changes_invalidate_too(client):
    query = "{ stories { totalCount } }"
    assert get(client, query).json()["data"]["stories"]["totalCount"] == 1
    story = StoryPage.objects.get()
    PageViewRestriction.objects.create(page=story, restriction_type="password", password="x")
    assert get(client, query).json()["data"]["stories"]["totalCount"] == 0


@pytest.mark.parametrize("model", ["publication", "story"])
def test_an_expiry_passing_refreshes_cached_answers_with_no_edit_and_no_scheduler(
    client, django_capture_on_commit_callbacks, django_assert_num_queries, model
):
    # Given: live content that expires in an hour, saved as an editor would (the
    # transaction commits), and answers cached while it is still public.
    expires = timezone.now() + timedelta(hours=1)
    field = f"{model}s" if model == "publication" else "stories"
    if model == "publication":
        query = "{ publications(first: 100) { totalCount edges { node { title } } } }"
        with django_capture_on_commit_callbacks(execute=True):
            create_publication("A Paper That Expires", expire_at=expires)
    else:
        query = "{ stories { totalCount edges { node { title } } } }"
        with django_capture_on_commit_callbacks(execute=True):
            story = StoryPage.objects.get()
            story.expire_at = expires
            story.save_revision(log_action=False).publish(log_action=False)
    connection = get(client, query).json()["data"][field]
    total = connection["totalCount"]
    assert len(connection["edges"]) == total
    with django_assert_num_queries(0):
        cached = get(client, query)
    assert cached.json()["data"][field]["totalCount"] == total

    # Half a minute before the expiry, a CDN may keep an answer for half a minute.
    with time_machine.travel(expires - timedelta(seconds=30), tick=False):
        cache_control = get(client, query)["Cache-Control"]
    seconds = int(re.fullmatch(r"public, max-age=0, s-maxage=(\d+)", cache_control).group(1))
    assert 29 <= seconds <= 30  # whole seconds, rounded down
    # Under a second before it, not even for one second: it would outlive the expiry.
    with time_machine.travel(expires - timedelta(milliseconds=500), tick=False):
        assert get(client, query)["Cache-Control"] == "public, max-age=0, s-maxage=0"

    # When: the expiry time passes; nobody edits, the scheduler has not run.
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        after = get(client, query)

    # Then: the next read no longer has it, in the list or in the count.
    connection = after.json()["data"][field]
    assert connection["totalCount"] == total - 1
    assert len(connection["edges"]) == total - 1
    assert after["Cache-Control"] == "public, max-age=0, s-maxage=60"  # nothing else expires


def stored_answers(before=()):
    """Milliseconds Redis still keeps each answer this process cached (its ``PTTL``; -1
    for no limit), read back from the test Redis, leaving out the keys in ``before``."""
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = set(server.scan_iter(match=cache.make_key("cms:api:response:*"))) - set(before)
    return {key: server.pttl(key) for key in keys}


def test_an_answer_is_kept_in_redis_no_longer_than_response_cache_seconds(client, settings):
    settings.CMS_API = {**settings.CMS_API, "RESPONSE_CACHE_SECONDS": 120}
    before = stored_answers()
    assert get(client).status_code == 200
    (kept,) = stored_answers(before).values()
    assert 110_000 <= kept <= 120_000


@pytest.mark.parametrize("model", ["publication", "story"])
def test_an_answer_showing_content_that_expires_is_kept_and_served_only_until_then(
    client, django_capture_on_commit_callbacks, model
):
    """One item, no list: its own expiry time bounds the answer, in Redis (how long the
    entry is kept) and when it is read back (it is not served once that time passed)."""
    expires = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        if model == "publication":
            item = create_publication("A Paper That Expires", expire_at=expires)
            query = f'{{ publication(slug: "{item.slug}") {{ title }} }}'
        else:
            item = StoryPage.objects.get()
            item.expire_at = expires
            item.save_revision(log_action=False).publish(log_action=False)
            query = f'{{ story(slug: "{item.slug}") {{ title }} }}'
    with time_machine.travel(expires - timedelta(seconds=30), tick=False):
        before = stored_answers()
        assert get(client, query).json()["data"][model]["title"] == item.title
        (kept,) = stored_answers(before).values()
        assert 25_000 <= kept <= 30_000
    bump_content_generation()  # forgotten: the next answer is computed and stored afresh
    with time_machine.travel(expires - timedelta(milliseconds=500), tick=False):
        get(client, query)
        (kept,) = stored_answers(before).values()  # kept a second, not two
        assert 0 < kept <= 1_000
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        assert get(client, query).json()["data"][model] is None


def test_an_unknown_persisted_query_hash_asks_for_the_query(client):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(QUERY)}}
    response = get(client, None, extensions=extensions)
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_a_registered_persisted_query_runs_by_hash_over_get(client):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256(QUERY)}}
    registered = post(client, {"query": QUERY, "extensions": extensions})
    assert registered.status_code == 200
    by_hash = get(client, None, extensions=extensions)
    assert by_hash.status_code == 200
    assert by_hash.json() == registered.json()
    assert "public" in by_hash["Cache-Control"]


def test_a_persisted_query_whose_hash_does_not_match_is_refused(client):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256("{ other }")}}
    response = post(client, {"query": QUERY, "extensions": extensions})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # …and nothing was stored under the wrong hash.
    again = get(client, None, extensions=extensions)
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_an_answer_computed_while_content_changed_is_cached_nowhere(client):
    """An editor publishes while the answer is being computed (at its first SQL query):
    it may show the old state, and the edge's purge has gone out before it arrives, so
    neither the response cache nor the edge may keep it (``make bench-edge`` saw such
    answers served stale until the next publish)."""
    published = []

    def publish_meanwhile(execute, sql, params, many, context):
        if not published:
            published.append("publishing")  # before: the publish runs SQL too
            create_publication("Published Meanwhile")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(publish_meanwhile):
        during = get(client)
    assert during.status_code == 200 and "errors" not in during.json()
    assert published
    # Stale at once for browsers and CDNs (not no-store: an edge would then send each
    # request for it to the origin for a while); Varnish, which checks when its content
    # was read against its latest purge, may keep it as long as any other answer.
    assert during["Cache-Control"] == "public, max-age=0, s-maxage=0"
    assert "ETag" not in during
    assert during["X-Edge-Max-Age"] == "60"
    assert "xkey" in during and "X-Content-Read-At" in during
    after = get(client)
    assert after["Cache-Control"].startswith("public, max-age=")
    assert "s-maxage=0" not in after["Cache-Control"]
    assert "xkey" in after and "X-Edge-Max-Age" not in after


def test_an_answer_for_the_edge_says_when_its_content_was_read(client):
    """``X-Content-Read-At``, in milliseconds: the edge keeps it only if no purge came
    after that moment (``deploy/varnish/default.vcl``). Read before the cached state was
    looked up, so a cached answer says when it was found valid, not when it was built."""
    for _ in range(2):  # computed, then from the response cache
        before = time.time() * 1000
        response = get(client)
        after = time.time() * 1000
        assert "xkey" in response
        assert before - 1 <= int(response["X-Content-Read-At"]) <= after


def test_the_same_variables_in_another_order_are_the_same_cached_answer(
    client, django_assert_num_queries
):
    query = (
        "query Page($first: Int, $domains: [String!]) "
        "{ publications(first: $first, domains: $domains) { edges { node { title } } } }"
    )
    first = get(client, query, variables={"first": 3, "domains": ["applications"]}).json()
    with django_assert_num_queries(0):
        again = get(client, query, variables={"domains": ["applications"], "first": 3})
    assert again.json() == first


def test_the_versions_answers_are_stored_against_never_expire(client, settings):
    """An answer, and a cursor's remembered position, stay valid for as long as nothing
    they were built from changes: the versions they remember must not lapse with the
    cache's default timeout, which would start them afresh and drop both."""
    assert get(client).status_code == 200
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    versions = [
        *server.scan_iter(match=cache.make_key(TAG_PREFIX + "*")),
        cache.make_key(GENERATION_KEY),
        cache.make_key(CHANGES_KEY),
    ]
    assert len(versions) >= 3
    assert {key: server.pttl(key) for key in versions} == dict.fromkeys(versions, -1)


STORY_PAGE = """
query($after: String) {
  stories(first: 1, after: $after) { startPosition edges { cursor node { title } } }
}
"""


def test_a_cursor_from_before_the_cache_was_emptied_counts_its_position_afresh(
    client, django_capture_on_commit_callbacks
):
    """An emptied Redis (flushed, restarted, evicted) starts every version afresh from the
    clock in milliseconds, never at a value an earlier counter held, even within the same
    second: a cursor issued before cannot pass off its remembered position as current."""
    from tests.conftest import clear_cache
    from tests.graphql import create_story

    # Within one second of a clock: fresh versions in whole seconds would repeat.
    with time_machine.travel(timezone.now().replace(microsecond=0), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            for day in (1, 2):
                create_story(f"Older Story {day}", date=date(2001, 1, day))
        first = get(client, STORY_PAGE).json()["data"]["stories"]
        assert first["startPosition"] == 1
        clear_cache()
        with django_capture_on_commit_callbacks(execute=True):  # a story before the cursor
            create_story("Newest Story", date=date(2099, 1, 1))
        after = first["edges"][0]["cursor"]
        second = get(client, STORY_PAGE, variables={"after": after}).json()["data"]["stories"]
    assert second["startPosition"] == 3  # the newest, the cursor's, then this one


def test_each_operation_of_a_document_is_a_cached_answer_of_its_own(
    client, django_assert_num_queries
):
    document = (
        "query Titles { publications(first: 2) { edges { node { title } } } } "
        "query Count { publications { totalCount } }"
    )

    def run(operation):
        params = {"query": document, "operationName": operation}
        response = client.get(ENDPOINT, params, HTTP_ACCEPT="application/json")
        return response.json()["data"]["publications"]

    titles, count = run("Titles"), run("Count")
    assert list(titles) == ["edges"] and list(count) == ["totalCount"]
    with django_assert_num_queries(0):
        assert (run("Titles"), run("Count")) == (titles, count)
