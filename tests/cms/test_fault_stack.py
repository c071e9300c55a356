"""Faults on the production stack: gunicorn with a private redis-server and PostgreSQL.

One stack for the module (``benchmarks.stack``): redis-server and a PostgreSQL
cluster of their own on free ports, migrated and loaded with the demo content,
and gunicorn on production settings. The tests stop, hang and restart those
private services (never the shared ones) and check what clients see. Without
the binaries the module is skipped, except under ``CI=true``, where it fails.
"""

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from benchmarks.stack import SEED_QUERY, ProductionStack, missing_binaries

BREAKER_SECONDS = 1

_missing = missing_binaries()
if _missing and os.environ.get("CI", "").lower() != "true":
    pytest.skip(
        f"the fault tests need redis-server and PostgreSQL 15's initdb/pg_ctl: missing {_missing}",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def stack():
    assert not _missing, f"CI=true: the fault tests must run, but {_missing} are missing"
    production = ProductionStack(
        workers=1,  # one worker: it sees every outage the test makes, so the checks are exact
        extra_environment={
            "CACHE_BREAKER_SECONDS": str(BREAKER_SECONDS),
            # Persistent connections: a connection broken by a restart must not be reused.
            "DATABASE_CONN_MAX_AGE": "60",
        },
    )
    production.start()
    yield production
    production.stop()


def request(stack, path, params=None):
    """``(status, headers, parsed JSON)`` of a GET to the private gunicorn."""
    url = stack.gunicorn.url + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def seed(stack, **variables):
    return request(stack, "/graphql/", {"query": SEED_QUERY, "variables": json.dumps(variables)})


def first_title(answer):
    status, _headers, body = answer
    assert status == 200, body
    assert "errors" not in body, body
    return body["data"]["publications"]["edges"][0]["node"]["title"]


def eventually(check, timeout=60):
    """Retry ``check`` until it passes (services take a moment to come back)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_seed_query_is_answered_while_redis_is_stopped_and_after_it_restarts(stack):
    expected = first_title(seed(stack))
    stack.redis.stop()
    try:
        for _ in range(3):
            assert first_title(seed(stack)) == expected
        status, _headers, health = request(stack, "/healthz")
        assert (status, health["status"], health["checks"]["cache"]) == (
            200,
            "degraded",
            "unavailable",
        )
    finally:
        stack.redis.start()  # empty: it keeps nothing on disk
    time.sleep(BREAKER_SECONDS + 0.2)
    assert first_title(seed(stack)) == expected
    assert request(stack, "/healthz")[2]["status"] == "ok"


def publish_new_title(stack, title):
    """Rename the first publication A-Z and publish it, from another process (as an editor's)."""
    stack.manage(
        "shell",
        "-c",
        "from research.models import Publication\n"
        "first = Publication.objects.live().order_by('sort_title').first()\n"
        f"first.title = {title!r}\n"
        "first.save_revision(log_action=False).publish(log_action=False)\n",
    )


def test_a_publish_while_redis_hangs_is_not_hidden_by_its_old_entries(stack):
    before = first_title(seed(stack))
    first_title(seed(stack))  # now cached in Redis
    stack.redis.pause()  # hung, not restarted: its entries survive
    try:
        assert first_title(seed(stack)) == before  # from the database, after one short timeout
        publish_new_title(stack, "0 Published while Redis hung")  # its invalidation times out
        assert first_title(seed(stack)) == "0 Published while Redis hung"
    finally:
        stack.redis.resume()
    time.sleep(BREAKER_SECONDS + 0.2)
    assert first_title(seed(stack)) == "0 Published while Redis hung", "stale answer after Redis"


def test_postgres_stopped_cached_answers_still_served_others_503_then_recovery(stack):
    pid_before = stack.gunicorn.process.pid
    workers_before = stack.gunicorn.worker_pids()
    cached = seed(stack)
    assert seed(stack)[2] == cached[2]
    stack.postgres.stop()
    try:
        assert seed(stack)[2] == cached[2]  # from the response cache: no database needed
        status, headers, body = seed(stack, search="lake")  # not cached: needs the database
        assert status == 503, body
        assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert int(headers["Retry-After"]) > 0
        assert request(stack, "/healthz")[0] == 503
    finally:
        stack.postgres.start()

    def recovered():
        status, _headers, body = seed(stack, search="lake")
        assert status == 200, body
        assert body["data"]["publications"]["totalCount"] > 0

    eventually(recovered)
    assert request(stack, "/healthz")[2]["status"] == "ok"
    # Without a restart: the same master and workers answered throughout.
    assert stack.gunicorn.process.pid == pid_before
    assert stack.gunicorn.worker_pids() == workers_before
