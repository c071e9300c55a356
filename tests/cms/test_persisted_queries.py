"""Automatic persisted queries: registration is bounded so nobody can fill Redis with it.

Only valid queries are stored, after validation; not over 16 KiB; at most so many new
ones per client IP and hour; and for a day after their last use. A query that is not
stored still runs, so an Apollo client keeps working (it sends the query again).
"""

import hashlib
import json
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
#: Valid GraphQL, eleven levels deep: refused by the query limits (the limit is 10).
TOO_DEEP = (
    "{ publications(first: 1) { edges { node { authors { person { team { members { team "
    "{ members { team { name } } } } } } } } } } }"
)


def api_settings(**overrides):
    return override_settings(CMS_API={**settings.CMS_API, **overrides})


def extensions(query):
    sha256_hash = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256_hash}}


def register(client, query, **extra):
    """POST the query with its hash, as an Apollo client does after PERSISTED_QUERY_NOT_FOUND."""
    payload = {"query": query, "extensions": extensions(query)}
    return client.post(
        ENDPOINT, data=json.dumps(payload), content_type="application/json", **extra
    )


def by_hash(client, query):
    response = client.get(
        ENDPOINT,
        {"extensions": json.dumps(extensions(query))},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    return response.json()


def is_stored(client, query):
    body = by_hash(client, query)
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    if codes == ["PERSISTED_QUERY_NOT_FOUND"]:
        return False
    assert "errors" not in body, body
    return True


def domains_query(alias="domains"):
    return f"{{ {alias}: researchDomains {{ edges {{ node {{ slug }} }} }} }}"


def test_a_valid_query_is_registered_and_answered_by_hash(client):
    query = domains_query()
    assert register(client, query).status_code == 200
    assert is_stored(client, query)


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("{ researchDomains { slug", 400, "GRAPHQL_PARSE_FAILED"),
        ("{ researchDomains { noSuchField } }", 400, "GRAPHQL_VALIDATION_FAILED"),
        (TOO_DEEP, 400, "QUERY_TOO_DEEP"),
    ],
    ids=["does-not-parse", "does-not-validate", "over-the-query-limits"],
)
def test_only_queries_that_parse_and_validate_are_registered(client, query, status, code):
    # Asked as Apollo Client 4 asks: refused before execution is then a 400.
    response = register(client, query, HTTP_ACCEPT="application/graphql-response+json")
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert not is_stored(client, query)


def test_a_query_over_16_kib_runs_but_is_not_stored(client):
    padding = "# " + "x" * 100 + "\n"
    big = domains_query() + "\n" + padding * 170  # about 17 KiB of comments
    assert 16 * 1024 < len(big.encode()) < settings.CMS_API.get("MAX_BODY_BYTES", 64 * 1024)
    small = domains_query("small") + "\n" + padding * 150  # about 15 KiB

    answered = register(client, big)
    assert answered.status_code == 200
    assert answered.json()["data"]["domains"]  # it ran
    assert not is_stored(client, big)
    assert register(client, small).status_code == 200
    assert is_stored(client, small)


def test_registrations_per_client_ip_are_limited_and_the_query_still_runs(client):
    queries = [domains_query(f"d{n}") for n in range(4)]
    with api_settings(PERSISTED_QUERY_REGISTRATIONS=3, PERSISTED_QUERY_REGISTRATION_WINDOW=3600):
        answers = [register(client, query) for query in queries[:3]]
        known_again = register(client, queries[0])  # a known query costs no registration
        over = register(client, queries[3])
        assert [is_stored(client, query) for query in queries] == [True, True, True, False]
        elsewhere = register(client, queries[3], REMOTE_ADDR="198.51.100.7")
        assert is_stored(client, queries[3])

    assert [answer.status_code for answer in answers] == [200] * 3
    assert known_again.status_code == 200
    assert over.status_code == 200
    assert over.json()["data"]["d3"]  # over the limit: answered, only not stored
    assert elsewhere.status_code == 200


@pytest.mark.parametrize("counted_in", ["default", "memory"])
def test_a_registration_limit_of_0_stores_nothing(client, settings, counted_in):
    """0 is a limit like any other (none), in Redis and in the per-process fallback."""
    settings.CACHES = {
        **settings.CACHES,
        "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    query = domains_query()
    with api_settings(PERSISTED_QUERY_REGISTRATIONS=0, RATE_LIMIT_CACHE=counted_in):
        answer = register(client, query)
        assert not is_stored(client, query)
    assert answer.status_code == 200  # answered, only not stored


def test_a_persisted_query_lives_a_day_after_its_last_use(client):
    query = domains_query()
    register(client, query)
    key = f"cms:api:apq:{extensions(query)['persistedQuery']['sha256Hash']}"
    assert 24 * 3600 - 60 < cache.ttl(key) <= 24 * 3600

    with api_settings(PERSISTED_QUERY_SECONDS=2):  # real Redis expiry, in real seconds
        other = domains_query("other")
        register(client, other)
        time.sleep(1.2)
        assert is_stored(client, other)  # used: two more seconds
        time.sleep(1.2)
        assert is_stored(client, other)  # 2.4 s after registration, alive by its use
        time.sleep(2.5)
        assert not is_stored(client, other)  # unused for longer than its lifetime
