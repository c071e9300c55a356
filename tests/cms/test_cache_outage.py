"""Redis unreachable or hung: the API answers from the database, and recovers by itself.

The app's real Redis client talks over real sockets to a port where nothing
listens, to a server that never answers, or through a proxy to the test Redis
that can be cut and restored (``tests.network_faults``). The gunicorn stack with
a private redis-server that is stopped and restarted is in ``test_fault_stack``.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms import cache_guard
from cms.settings.base import cache_settings
from research.models import Publication
from tests.graphql import create_publication, data_of, gql
from tests.network_faults import CuttableProxy, SilentServer, unused_port

pytestmark = pytest.mark.django_db

SEED_QUERY = "{ publications(first: 3) { totalCount edges { node { title } } } }"


@pytest.fixture(autouse=True)
def fresh_breakers(settings):
    settings.CACHE_BREAKER_SECONDS = 0.3
    cache_guard.reset()
    yield
    cache_guard.reset()


def redis_cache(url, settings, prefix="outage"):
    """Point the app's cache at ``url`` with the production settings (timeouts included)."""
    caches = cache_settings(url)
    caches["default"]["KEY_PREFIX"] = f"{settings.CACHES['default']['KEY_PREFIX']}-{prefix}"
    settings.CACHES = caches


def titles(client):
    edges = data_of(gql(client, SEED_QUERY))["publications"]["edges"]
    return [edge["node"]["title"] for edge in edges]


def sql_count(client):
    with CaptureQueriesContext(connection) as queries:
        data_of(gql(client, SEED_QUERY))
    return len(queries)


def test_with_redis_unreachable_every_request_is_answered_from_the_database(
    client, settings, caplog
):
    expected = titles(client)  # with the real test Redis
    redis_cache(f"redis://127.0.0.1:{unused_port()}/0", settings)
    with caplog.at_level(logging.WARNING, logger="cms.cache"):
        for _ in range(3):
            assert titles(client) == expected
            assert sql_count(client) > 0  # nothing came from a cache
    warnings = [r for r in caplog.records if r.name == "cms.cache"]
    assert len(warnings) == 1, "one warning per interval, not one per request"
    assert "unavailable" in warnings[0].getMessage()


def test_a_hung_redis_costs_one_short_timeout_then_is_left_alone(client, settings):
    hung = SilentServer()
    # Without socket timeouts the first request would wait forever: end that after 20 s.
    safety = threading.Timer(20, hung.stop)
    safety.start()
    try:
        redis_cache(f"redis://127.0.0.1:{hung.port}/0", settings)
        settings.CACHE_BREAKER_SECONDS = 60
        durations = []
        for _ in range(5):
            started = time.monotonic()
            assert len(titles(client)) == 3
            durations.append(time.monotonic() - started)
        assert len(hung.connections) == 1, "the open breaker must keep later calls off Redis"
    finally:
        safety.cancel()
        hung.stop()
    # The first request waits for one read timeout (0.5 s; redis-py's own default is 5 s),
    # the others not at all: compare it with them, not with a clock on a busy machine.
    waited = durations[0] - max(durations[1:])
    assert waited < 2.5, f"the first request waited {waited:.1f} s on a hung Redis"


def test_the_rate_limit_counts_in_this_process_while_redis_is_unreachable(client, settings):
    settings.CMS_API = {**settings.CMS_API, "RATE_LIMIT_REQUESTS": 2}
    redis_cache(f"redis://127.0.0.1:{unused_port()}/0", settings)
    for _ in range(2):
        assert len(titles(client)) == 3
    refused = client.post("/graphql/", {"query": SEED_QUERY}, content_type="application/json")
    assert refused.status_code == 429  # limited (per process), not an error
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def test_cursors_issued_while_redis_is_unreachable_count_positions_afresh(client, settings):
    """A cursor remembers its row's position only under a known content version; with the
    cache down there is none, so a publish in between cannot shift the next page's numbers."""
    redis_cache(f"redis://127.0.0.1:{unused_port()}/0", settings)
    page = """query($after: String) {
      publications(first: 3, after: $after) { startPosition pageInfo { endCursor } }
    }"""
    first = data_of(gql(client, page))["publications"]
    create_publication("0-Day Lakes: A New First Paper", domain="applications", year=2024)
    second = data_of(gql(client, page, {"after": first["pageInfo"]["endCursor"]}))
    assert second["publications"]["startPosition"] == 5  # 4 rows now come before it


@pytest.fixture
def redis_proxy(settings):
    """The test Redis, reached through a proxy the test can cut (Redis keeps its data)."""
    target = urlsplit(settings.CACHES["default"]["LOCATION"])
    proxy = CuttableProxy(target.hostname, target.port or 6379)
    redis_cache(f"redis://127.0.0.1:{proxy.port}{target.path}", settings)
    yield proxy
    proxy.stop()


def wait_for_breaker(settings):
    time.sleep(settings.CACHE_BREAKER_SECONDS + 0.1)


def test_a_publish_during_an_outage_is_not_hidden_by_an_old_cached_answer(
    client, settings, redis_proxy
):
    before = titles(client)
    assert sql_count(client) == 0  # cached in Redis

    redis_proxy.cut()
    first = Publication.objects.live().order_by("sort_title").first()
    first.title = "0 Renamed during the outage"
    first.save_revision(log_action=False).publish(log_action=False)  # its bump cannot reach Redis
    assert titles(client)[0] == "0 Renamed during the outage"  # answered from the database

    # Redis comes back with its old entries, the old answer among them.
    redis_proxy.restore()
    wait_for_breaker(settings)
    after = titles(client)
    assert after[0] == "0 Renamed during the outage", "a stale cached answer was served"
    assert after != before
    assert sql_count(client) == 0  # and caching works again


def test_healthz_reports_redis_degraded_then_recovers_by_itself(client, settings, redis_proxy):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }
    redis_proxy.cut()
    degraded = client.get("/healthz")
    assert degraded.status_code == 200  # the API still answers, from the database
    assert degraded.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }
    redis_proxy.restore()
    assert client.get("/healthz").json()["status"] == "ok"  # probed for real, breaker or not
    assert sql_count(client) > 0  # then the first answer is computed and cached
    assert sql_count(client) == 0
