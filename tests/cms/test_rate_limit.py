"""The API's per-client rate limit: a sliding window in the real Redis, batches counted per
operation, the client address behind trusted proxies, and a per-process fallback when
Redis is unreachable. Time is moved with time-machine across window boundaries."""

import json
import shutil
import time

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings

from benchmarks.stack import PrivateRedis
from cms import cache_guard, ratelimit

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
QUERY = {"query": "{ researchDomains { edges { node { slug } } } }"}
#: A whole minute (divisible by the 60 s window and its 5 s slots): fixed windows start here.
MINUTE = 1_800_000_000


def limited(requests=10, window=60, **more):
    return override_settings(
        CMS_API={
            **settings.CMS_API,
            "RATE_LIMIT_REQUESTS": requests,
            "RATE_LIMIT_WINDOW": window,
            **more,
        }
    )


def post(client, payload=QUERY, **extra):
    return client.post(
        ENDPOINT, data=json.dumps(payload), content_type="application/json", **extra
    )


def statuses(client, count, payload=QUERY, **extra):
    return [post(client, payload, **extra).status_code for _ in range(count)]


def at(seconds):
    """Freeze the clock ``seconds`` after the start of a fixed minute."""
    return time_machine.travel(MINUTE + seconds, tick=False)


@pytest.fixture(params=["redis", "memory"])
def counted_in(request, settings):
    """Where the counts live: the real Redis, or this process's memory, the fallback taken
    when the cache is not a Redis (local memory in development) or Redis is down. The
    window's rules are the same in both, so the window tests run against both."""
    if request.param == "redis":
        return {}
    settings.CACHES = {
        **settings.CACHES,
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    return {"RATE_LIMIT_CACHE": "memory"}


def test_the_boundary_burst_of_a_fixed_window_is_refused(client, counted_in):
    with limited(requests=10, window=60, **counted_in):
        with at(59):  # the last second of one fixed minute
            assert statuses(client, 10) == [200] * 10
        with at(61):  # a fixed window would start counting afresh here
            refused = post(client)
        with at(119):
            still_refused = post(client)
        with at(120):  # the slot of the burst has left the last 60 s
            assert statuses(client, 10) == [200] * 10
            assert post(client).status_code == 429

    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused["Retry-After"] == "59"  # exactly when it fits again: at 120
    assert still_refused.status_code == 429
    assert still_refused["Retry-After"] == "1"


def test_no_sixty_seconds_ever_admit_more_than_the_limit(client, counted_in):
    admitted = []
    with limited(requests=10, window=60, **counted_in):
        for second in range(30, 330, 2):  # a steady request every 2 s for 5 minutes
            with at(second):
                if post(client).status_code == 200:
                    admitted.append(second)
    most_in_any_window = max(
        sum(1 for t in admitted if start <= t < start + 60) for start in range(-60, 330)
    )
    assert most_in_any_window == 10
    # The conservative slots cost little throughput: 5 minutes at 10 a minute is 50.
    assert len(admitted) >= 45


def test_each_operation_of_a_batch_counts_and_a_batch_that_does_not_fit_is_refused_whole(
    client, counted_in
):
    batch = [QUERY] * 10
    with limited(requests=15, window=60, **counted_in), at(10):
        first = post(client, batch)
        second = post(client, batch)
        singles = statuses(client, 6)

    assert first.status_code == 200
    assert len(first.json()) == 10
    assert second.status_code == 429
    assert second.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(second["Retry-After"]) >= 1
    assert singles == [200] * 5 + [429]  # the refused batch charged nothing


@pytest.mark.parametrize(
    ("earlier", "cost", "retry_after"),
    [
        # 1 request at 0:00 and 9 at 0:30: one more fits once the 0:00-0:05 slot has left
        # the last minute (at 1:05), not once every earlier request has.
        ({0: 1, 30: 9}, 1, 25),
        # 2 at 0:00 and 8 at 0:30: a batch of 5 fits only when both slots have left.
        ({0: 2, 30: 8}, 5, 55),
        # 3 at 0:30: a batch of the whole limit fits once that slot has left, not a whole
        # window from now.
        ({30: 3}, 10, 55),
    ],
)
def test_retry_after_is_when_the_refused_request_fits_again(
    client, counted_in, earlier, cost, retry_after
):
    with limited(requests=10, window=60, **counted_in):
        for second, count in earlier.items():
            with at(second):
                assert statuses(client, count) == [200] * count
        with at(40):
            refused = post(client, [QUERY] * cost if cost > 1 else QUERY)
        with at(40 + retry_after - 1):
            still_refused = post(client, [QUERY] * cost if cost > 1 else QUERY)
        with at(40 + retry_after):
            admitted = post(client, [QUERY] * cost if cost > 1 else QUERY)

    assert refused.status_code == 429
    assert refused["Retry-After"] == str(retry_after)
    assert still_refused.status_code == 429
    assert admitted.status_code == 200


def test_the_per_process_counts_forget_the_least_recently_seen_client_first(
    client, counted_in, monkeypatch
):
    """The fallback remembers a bounded number of clients (``MEMORY_IDENTITIES``, here 2):
    a new one pushes out the client seen least recently, never one seen since."""
    monkeypatch.setattr(ratelimit, "MEMORY_IDENTITIES", 2)

    def ask(address):
        return post(client, REMOTE_ADDR=address).status_code

    with limited(requests=1, **counted_in), at(10):
        assert [ask("192.0.2.1"), ask("192.0.2.1")] == [200, 429]
        assert ask("192.0.2.2") == 200
        assert ask("192.0.2.1") == 429  # two clients: both remembered
        assert ask("192.0.2.3") == 200  # pushes out .2, seen before .1's last request
        if counted_in:  # in memory; Redis keeps every client
            assert [ask("192.0.2.1"), ask("192.0.2.3"), ask("192.0.2.2")] == [429, 429, 200]


def test_refused_requests_count_too(client):
    with limited(requests=3), at(10):
        bad = [
            client.post(ENDPOINT, data="not json", content_type="application/json").status_code
            for _ in range(3)
        ]
        assert bad == [400] * 3
        assert post(client).status_code == 429


def test_trusted_proxy_client_address_ignores_what_the_client_wrote(client):
    """Behind one trusted proxy the client is the last X-Forwarded-For entry; a client
    inventing a leftmost entry on every request must not get a bucket per invention."""
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    with limited(requests=3, TRUSTED_PROXIES=1), at(10):
        forged = [
            post(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9", **proxy).status_code
            for n in range(1, 5)
        ]
        other_client = post(client, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7", **proxy)
        no_forgery = post(client, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert forged == [200, 200, 200, 429]
    assert other_client.status_code == 200
    assert no_forgery.status_code == 429


def test_two_trusted_proxies_take_the_second_address_from_the_right(client):
    proxies = {"REMOTE_ADDR": "10.0.0.3"}  # client -> CDN -> load balancer -> app
    with limited(requests=2, TRUSTED_PROXIES=2), at(10):
        forged = [
            post(
                client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9, 10.0.0.1", **proxies
            ).status_code
            for n in range(1, 4)
        ]
    assert forged == [200, 200, 429]


def test_behind_a_trusted_proxy_entries_without_spaces_and_a_missing_header_are_read_right(
    client,
):
    # "a,b" is two entries like "a, b"; a request that reached the app without the
    # proxy's header (a health check from the proxy itself) counts as the proxy's.
    with limited(requests=1, TRUSTED_PROXIES=1), at(10):
        first = post(client, HTTP_X_FORWARDED_FOR="192.0.2.1,203.0.113.9", REMOTE_ADDR="10.0.0.2")
        same_client = post(client, HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")
        proxy_itself = post(client, REMOTE_ADDR="10.0.0.2")
        other_without_header = post(client, REMOTE_ADDR="10.0.0.4")
    assert [first.status_code, same_client.status_code] == [200, 429]
    assert [proxy_itself.status_code, other_without_header.status_code] == [200, 200]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    with limited(requests=2), at(10):
        forged = [
            post(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(1, 4)
        ]
    assert forged == [200, 200, 429]


def test_addresses_of_one_ipv6_64_share_a_bucket(client):
    with limited(requests=2), at(10):
        rotating = [
            post(client, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code for n in range(1, 4)
        ]
        neighbour = post(client, REMOTE_ADDR="2001:db8:1:3::1")
    assert rotating == [200, 200, 429]
    assert neighbour.status_code == 200


def test_an_ipv4_mapped_ipv6_address_counts_as_its_ipv4_address(client):
    # A dual-stack server sees an IPv4 client as ::ffff:a.b.c.d: the same client either way,
    # and each mapped address is a client of its own (not one bucket for all of them).
    with limited(requests=2), at(10):
        mapped = statuses(client, 2, REMOTE_ADDR="::ffff:203.0.113.5")
        plain = post(client, REMOTE_ADDR="203.0.113.5")
        other_mapped = post(client, REMOTE_ADDR="::ffff:203.0.113.6")
    assert mapped == [200, 200]
    assert plain.status_code == 429
    assert other_mapped.status_code == 200


def test_redis_keeps_a_clients_counts_for_the_window_and_one_slot(client):
    """A count stays in the window until its slot's end leaves it: Redis may drop the hash
    only after ``window`` plus one slot, or a charge still inside the window would be
    forgotten (the clock here is Redis's own, so this reads the expiry it was given)."""
    from django.core.cache import cache

    with limited(requests=5, window=60):
        assert post(client, REMOTE_ADDR="203.0.113.5").status_code == 200
    redis = cache.client.get_client(write=True)
    left = redis.pttl(cache.make_key("cms:ratelimit:api:203.0.113.5"))
    assert 60_000 < left <= 65_000  # 60 s and one 5 s slot


# --- Redis unreachable ---------------------------------------------------------------


@pytest.fixture
def private_redis(settings):
    """A redis-server of this test's own, which it may stop; the shared one is never touched."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    settings.CACHE_BREAKER_SECONDS = 0.3
    cache_guard.reset()
    yield server
    server.stop()
    cache_guard.reset()


def test_with_redis_down_the_limit_falls_back_to_this_process_and_recovers(
    client, private_redis, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        },
    }
    with limited(requests=3, RATE_LIMIT_CACHE="ratelimit"):
        with at(10):
            assert statuses(client, 3) == [200] * 3
            assert post(client).status_code == 429  # counted in the private Redis
        private_redis.stop()
        with at(100):  # the Redis counts have left the window; Redis is down
            assert statuses(client, 4) == [200, 200, 200, 429]  # still limited, not a 500
        private_redis.start()  # empty: its counts were not saved
        time.sleep(settings.CACHE_BREAKER_SECONDS + 0.1)  # the guard probes again
        with at(110):
            # Counted in Redis again: the per-process counts (3 at 100) are not consulted.
            assert statuses(client, 4) == [200, 200, 200, 429]
        assert cache_guard.available("ratelimit")
