"""A request that runs past its budget ends with a coded TIMEOUT error (issue 12).

Two bounds, both set small here: the wall-clock budget of a request
(``REQUEST_BUDGET_SECONDS``), checked before every resolver, and on PostgreSQL
the statement timeout of the API's SQL (``STATEMENT_TIMEOUT_MS``). To make a
statement slow deterministically, another connection holds a lock on the
publications table, so the API's SELECT waits until PostgreSQL cancels it.
"""

import json
import threading
import time
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from research.models import Publication, PublicationAuthor

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
QUERY = "{ publications(first: 5) { totalCount edges { node { title } } } }"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


def post(client, query=QUERY):
    return client.post(
        ENDPOINT, data=json.dumps({"query": query}), content_type="application/json"
    )


def api_settings(**overrides):
    return override_settings(CMS_API={**settings.CMS_API, **overrides})


def assert_timed_out(response):
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "TIMEOUT"
    assert "took longer than this API allows" in error["message"]


def statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@contextmanager
def table_locked(seconds, model=Publication):
    """Another session holds an exclusive lock on ``model``'s table for ``seconds``."""
    other = connection.get_new_connection(connection.get_connection_params())
    other.execute(f"LOCK TABLE {model._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    release = threading.Timer(seconds, other.rollback)
    release.start()
    try:
        yield
    finally:
        release.cancel()
        other.rollback()
        other.close()


def post_while_locked(client, query=QUERY, model=Publication):
    """``post`` with a 300 ms statement timeout while ``model``'s table is locked for 3 s
    (no response cache: its key reads the next expiry time from the publications table,
    before the operation runs); returns the response and the seconds it took."""
    with (
        api_settings(STATEMENT_TIMEOUT_MS=300, RESPONSE_CACHE_SECONDS=0),
        table_locked(seconds=3, model=model),
    ):
        started = time.monotonic()
        response = post(client, query)
        return response, time.monotonic() - started


def test_a_request_past_its_wall_clock_budget_stops_with_timeout(
    client, django_assert_max_num_queries
):
    # (No response cache: its key reads the next expiry time from the database.)
    no_time = api_settings(REQUEST_BUDGET_SECONDS=1e-9, RESPONSE_CACHE_SECONDS=0)
    with no_time, django_assert_max_num_queries(0):  # stopped before its first resolver
        response = post(client)
    assert_timed_out(response)
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]
    # Not cached: the same query within the default budget is answered.
    answered = post(client).json()
    assert "errors" not in answered
    assert answered["data"]["publications"]["totalCount"] == 46


def test_a_batch_shares_one_budget(client):
    operation = {"query": QUERY}
    with api_settings(REQUEST_BUDGET_SECONDS=1e-9):
        response = client.post(
            ENDPOINT, data=json.dumps([operation] * 3), content_type="application/json"
        )
    assert [item["errors"][0]["extensions"]["code"] for item in response.json()] == ["TIMEOUT"] * 3


@postgresql_only
def test_a_cancelled_statement_ends_the_request_with_timeout(client):
    default = statement_timeout()
    savepoint = transaction.savepoint()
    response, waited = post_while_locked(client)
    assert_timed_out(response)
    assert waited < 3  # cancelled, not answered once the lock was released
    # The cancelled statement aborted the test's transaction; once rolled back, the
    # connection is back to its own timeout.
    transaction.savepoint_rollback(savepoint)
    assert statement_timeout() == default


@postgresql_only
def test_the_statement_timeout_stays_with_the_api_request(client):
    # The same connection serves whatever comes next (an admin request, say): it must
    # not keep the API's timeout.
    default = statement_timeout()
    with api_settings(STATEMENT_TIMEOUT_MS=1234):
        assert "errors" not in post(client).json()
    assert statement_timeout() == default != "1234ms"


@postgresql_only
def test_a_request_whose_budget_runs_out_midway_stops_at_the_next_resolver(client):
    # The root field's statement waits up to 3 s for the lock (no statement timeout); the
    # budget of 1 s has passed when it returns, so its fields are never resolved.
    savepoint = transaction.savepoint()
    with (
        api_settings(REQUEST_BUDGET_SECONDS=1, STATEMENT_TIMEOUT_MS=0, RESPONSE_CACHE_SECONDS=0),
        table_locked(seconds=3),
    ):
        response = post(client)
    assert_timed_out(response)
    transaction.savepoint_rollback(savepoint)


# How requests run in production: in autocommit, outside any transaction. The tests above
# run inside the test's transaction, where the timeout is set and reset around the request.
outside_a_transaction = pytest.mark.django_db(transaction=True, serialized_rollback=True)
AUTHORS_QUERY = "{ publications(first: 5) { edges { node { title authors { name } } } } }"


@postgresql_only
@outside_a_transaction
def test_outside_a_transaction_each_statement_is_sent_with_the_timeout(client):
    default = statement_timeout()
    with (
        api_settings(STATEMENT_TIMEOUT_MS=1234, RESPONSE_CACHE_SECONDS=0),
        CaptureQueriesContext(connection) as queries,
    ):
        body = post(client, AUTHORS_QUERY).json()
    assert "errors" not in body
    assert len(body["data"]["publications"]["edges"]) == 5
    assert all(edge["node"]["authors"] for edge in body["data"]["publications"]["edges"])
    # Every statement of the request, in the same message as the timeout (so no SET or
    # RESET of its own), and nothing left on the connection after it.
    sent = [query["sql"] for query in queries.captured_queries]
    assert len(sent) >= 3
    assert all(sql.startswith("SET LOCAL statement_timeout = 1234; SELECT") for sql in sent)
    assert statement_timeout() == default != "1234ms"


@postgresql_only
@outside_a_transaction
def test_outside_a_transaction_a_later_statement_is_cancelled_too(client):
    # Only the request's last statement (the authors) reads the locked table: the timeout
    # holds for every statement, not only the first.
    default = statement_timeout()
    response, waited = post_while_locked(client, AUTHORS_QUERY, model=PublicationAuthor)
    assert_timed_out(response)
    assert waited < 3
    assert statement_timeout() == default
    # The connection serves the next request as usual.
    assert "errors" not in post(client, AUTHORS_QUERY).json()
