"""GraphQL over HTTP as the spec says: media types, status codes, caching headers.

Apollo Client 4 sends ``Accept: application/graphql-response+json,application/json;q=0.9``
and reads the body of a 4xx only in that media type; clients that ask for
``application/json`` (or send no Accept) must get every GraphQL error in a 200,
or they report "Response not successful" and hide the message.
"""

import hashlib
import json

import pytest

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
GRAPHQL_RESPONSE = "application/graphql-response+json"
APOLLO_ACCEPT = "application/graphql-response+json,application/json;q=0.9"
QUERY = "{ researchDomains { edges { node { slug } } } }"


def post(client, payload, accept=None, **extra):
    if accept is not None:
        extra["HTTP_ACCEPT"] = accept
    return client.post(ENDPOINT, json.dumps(payload), content_type="application/json", **extra)


def codes(response):
    return [error["extensions"]["code"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    "accept, media_type",
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json"),
        (APOLLO_ACCEPT, GRAPHQL_RESPONSE),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        # The spec's recommended header, with charsets.
        (f"{GRAPHQL_RESPONSE}; charset=utf-8, application/json; charset=utf-8", GRAPHQL_RESPONSE),
        # Equally acceptable: the one listed first.
        (f"application/json, {GRAPHQL_RESPONSE}", "application/json"),
        # q=0 means "not this one", even when a wildcard would allow it.
        ("application/json;q=0, */*", GRAPHQL_RESPONSE),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE};q=0.6", GRAPHQL_RESPONSE),
    ],
)
def test_the_answer_comes_in_the_media_type_the_client_prefers(client, accept, media_type):
    response = post(client, {"query": QUERY}, accept)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response.json()["data"]["researchDomains"]


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", f"{GRAPHQL_RESPONSE}; charset=utf-16"]
)
def test_a_client_that_accepts_neither_json_type_gets_406(client, accept):
    response = post(client, {"query": QUERY}, accept)
    assert response.status_code == 406
    assert codes(response) == ["NOT_ACCEPTABLE"]
    assert "Accept" in response["Vary"]


#: Well-formed requests refused before execution, and the code of the refusal.
REFUSED_BEFORE_EXECUTION = {
    "parse error": ({"query": "{ researchDomains { "}, "GRAPHQL_PARSE_FAILED"),
    "validation error": ({"query": "{ researchDomainz { slug } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "too deep": (
        {
            "query": "{ a: publications(first: 1) { edges { node { authors { person { team { "
            "members { team { members { team { members { name } } } } } } } } } } } }"
        },
        "QUERY_TOO_DEEP",
    ),
    "variable of the wrong type": (
        {
            "query": "query Q($first: Int) { publications(first: $first) { totalCount } }",
            "variables": {"first": "ten"},
        },
        "BAD_USER_INPUT",
    ),
    "required variable missing": (
        {"query": "query Q($slug: String!) { publication(slug: $slug) { title } }"},
        "BAD_USER_INPUT",
    ),
    "unknown operation name": (
        {"query": "query A { __typename }", "operationName": "B"},
        "BAD_USER_INPUT",
    ),
}


@pytest.mark.parametrize("case", REFUSED_BEFORE_EXECUTION)
def test_a_request_refused_before_execution_is_a_400_without_data_for_apollo(client, case):
    payload, code = REFUSED_BEFORE_EXECUTION[case]
    response = post(client, payload, APOLLO_ACCEPT)
    assert response.status_code == 400
    assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert codes(response) == [code]
    assert body["errors"][0]["message"]


@pytest.mark.parametrize("case", REFUSED_BEFORE_EXECUTION)
@pytest.mark.parametrize("accept", [None, "application/json"])
def test_a_request_refused_before_execution_is_a_200_for_json_clients(client, case, accept):
    payload, code = REFUSED_BEFORE_EXECUTION[case]
    response = post(client, payload, accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "data" not in response.json()
    assert codes(response) == [code]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("accept", [None, APOLLO_ACCEPT])
def test_a_field_error_during_execution_is_a_200_with_data(client, accept):
    response = post(client, {"query": "{ publications(first: 500) { totalCount } }"}, accept)
    assert response.status_code == 200
    body = response.json()
    assert "data" in body
    assert codes(response) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        '{"notquery": "{ __typename }"}',
        '{"query": 42}',
        '{"query": "{ __typename }", "variables": [7]}',
        '{"query": "{ __typename }", "extensions": false}',
        '{"query": "{ __typename }", "operationName": 0}',
    ],
)
@pytest.mark.parametrize("accept", [None, APOLLO_ACCEPT])
def test_a_malformed_request_is_a_400_in_either_media_type(client, body, accept):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.post(ENDPOINT, body, content_type="application/json", **extra)
    assert response.status_code == 400
    assert codes(response) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize("accept", [None, APOLLO_ACCEPT])
def test_a_mutation_by_get_is_405(client, accept):
    extra = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(ENDPOINT, {"query": "mutation { __typename }"}, **extra)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert codes(response) == ["METHOD_NOT_ALLOWED"]


def test_an_unknown_persisted_query_is_404_for_apollo_and_200_for_json_clients(client):
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": "a" * 64}}
    params = {"extensions": json.dumps(extensions)}
    strict = client.get(ENDPOINT, params, HTTP_ACCEPT=APOLLO_ACCEPT)
    legacy = client.get(ENDPOINT, params, HTTP_ACCEPT="application/json")
    assert (strict.status_code, legacy.status_code) == (404, 200)
    assert codes(strict) == codes(legacy) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_request_level_refusals_keep_their_status_in_either_media_type(client):
    too_large = post(client, {"query": QUERY + " " * (65 * 1024)}, APOLLO_ACCEPT)
    put = client.put(ENDPOINT, "{}", content_type="application/json", HTTP_ACCEPT=APOLLO_ACCEPT)
    assert [too_large.status_code, put.status_code] == [413, 405]
    for response in (too_large, put):
        assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"


def test_a_batch_answers_in_the_negotiated_media_type(client):
    response = post(client, [{"query": QUERY}, {"query": "{ __typename }"}], APOLLO_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert [item["data"] is not None for item in response.json()] == [True, True]


def test_cached_answers_vary_by_accept_and_each_media_type_has_its_own_etag(client):
    params = {"query": QUERY}
    as_json = client.get(ENDPOINT, params, HTTP_ACCEPT="application/json")
    as_graphql = client.get(ENDPOINT, params, HTTP_ACCEPT=APOLLO_ACCEPT)
    for response in (as_json, as_graphql):
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "Accept" in [v.strip() for v in response["Vary"].split(",")]
    assert as_json.content == as_graphql.content
    assert as_json["ETag"] != as_graphql["ETag"]

    # A CDN revalidating the Apollo representation gets a 304 that still varies by Accept.
    not_modified = client.get(
        ENDPOINT, params, HTTP_ACCEPT=APOLLO_ACCEPT, HTTP_IF_NONE_MATCH=as_graphql["ETag"]
    )
    assert not_modified.status_code == 304
    assert "Accept" in not_modified["Vary"]
    # The JSON representation's ETag does not validate the other one.
    other = client.get(
        ENDPOINT, params, HTTP_ACCEPT=APOLLO_ACCEPT, HTTP_IF_NONE_MATCH=as_json["ETag"]
    )
    assert other.status_code == 200


def test_a_persisted_query_by_hash_runs_in_either_media_type(client):
    sha256 = hashlib.sha256(QUERY.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    post(client, {"query": QUERY, "extensions": extensions}, APOLLO_ACCEPT)
    by_hash = client.get(
        ENDPOINT, {"extensions": json.dumps(extensions)}, HTTP_ACCEPT=APOLLO_ACCEPT
    )
    assert by_hash.status_code == 200
    assert by_hash["Content-Type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert by_hash.json()["data"]["researchDomains"]
