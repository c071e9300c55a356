"""The public endpoint refuses abuse with clear, coded errors (never a 5xx)."""

import base64
import json
import re
from datetime import date

import pytest
from django.conf import settings
from django.test import override_settings

from tests.graphql import create_portrait, create_story

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
SEED_QUERY = """
query Seed($first: Int) {
  publications(first: $first) {
    totalCount startPosition endPosition
    domainFacets { slug count }
    edges { node { title authors { name person { name } } domain { name } } }
  }
}
"""


def post(client, payload, **extra):
    body = json.dumps(payload)
    return client.post(ENDPOINT, data=body, content_type="application/json", **extra)


def post_strict(client, payload):
    """POST as Apollo Client 4 does: a query refused before execution is then a 400
    (with ``application/json`` it is a 200 with the same errors; see test_graphql_over_http)."""
    return post(client, payload, HTTP_ACCEPT="application/graphql-response+json")


def api_settings(**overrides):
    return override_settings(CMS_API={**settings.CMS_API, **overrides})


def codes(response):
    return [error["extensions"]["code"] for error in response.json()["errors"]]


def nested(depth):
    """A valid, cheap query ``depth`` fields deep, through person → team → members → …"""
    fields = ["publications(first: 1)", "edges", "node", "authors", "person"]
    while len(fields) < depth - 1:
        fields += ["team", "members"][: depth - 1 - len(fields)]
    query = "name"
    for field in reversed(fields):
        query = f"{field} {{ {query} }}"
    return "{ " + query + " }"


def test_a_query_ten_levels_deep_runs(client):
    response = post(client, {"query": nested(10)})
    assert response.status_code == 200
    assert "errors" not in response.json()


def test_a_query_eleven_levels_deep_is_refused(client):
    response = post_strict(client, {"query": nested(11)})
    assert response.status_code == 400
    assert codes(response) == ["QUERY_TOO_DEEP"]
    assert response.json()["errors"][0]["message"] == (
        "The query is nested 11 levels deep; the limit is 10."
    )


def test_a_costly_query_is_refused_with_its_cost_in_the_message(client):
    with api_settings(MAX_QUERY_COST=1000):
        response = post_strict(client, {"query": SEED_QUERY, "variables": {"first": 12}})
    assert response.status_code == 400
    assert codes(response) == ["QUERY_TOO_COMPLEX"]
    message = response.json()["errors"][0]["message"]
    refusal = re.fullmatch(
        r"The query's estimated cost is (\d+), over the budget of 1000\. Ask for smaller "
        r"pages \(`first`/`last`\) or fewer nested lists\.",
        message,
    )
    assert refusal, message
    assert int(refusal.group(1)) > 1000


def test_cost_grows_with_the_page_size_given_by_a_variable(client):
    with api_settings(MAX_QUERY_COST=5000):
        small = post(client, {"query": SEED_QUERY, "variables": {"first": 12}})
        large = post(client, {"query": SEED_QUERY, "variables": {"first": 100}})
    assert small.status_code == 200 and "errors" not in small.json()
    assert codes(large) == ["QUERY_TOO_COMPLEX"]


def test_twenty_aliases_of_one_field_run_and_twenty_one_are_refused(client):
    def aliased(count):
        return (
            "{ "
            + " ".join(
                f"a{i}: researchDomains {{ edges {{ node {{ slug }} }} }}" for i in range(count)
            )
            + " }"
        )

    assert "errors" not in post(client, {"query": aliased(20)}).json()
    response = post_strict(client, {"query": aliased(21)})
    assert response.status_code == 400
    assert codes(response) == ["BAD_USER_INPUT"]
    assert response.json()["errors"][0]["message"] == (
        "The field `researchDomains` is requested under 21 aliases; the limit is 20."
    )


def test_a_batch_of_ten_runs_and_eleven_are_refused(client):
    operation = {"query": "{ researchDomains { edges { node { slug } } } }"}
    response = post(client, [operation] * 10)
    assert response.status_code == 200
    assert len(response.json()) == 10
    assert all(item["data"]["researchDomains"] for item in response.json())

    response = post(client, [operation] * 11)
    assert response.status_code == 400
    assert codes(response) == ["BAD_USER_INPUT"]


def test_a_body_over_64_kib_gets_413_with_a_json_error(client):
    padding = " " * (64 * 1024)
    response = post(client, {"query": "{ researchDomains { edges { node { slug } } } }" + padding})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert codes(response) == ["PAYLOAD_TOO_LARGE"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("[]", "application/json"),
        ('"a string"', "application/json"),
        ('{"query": 42}', "application/json"),
        (
            '{"query": "{ researchDomains { edges { node { slug } } } }", "variables": [1]}',
            "application/json",
        ),
        ("query=x", "text/plain"),
    ],
)
def test_malformed_requests_get_a_coded_400(client, body, content_type):
    response = client.post(ENDPOINT, data=body, content_type=content_type)
    assert response.status_code == 400
    assert codes(response) == ["BAD_USER_INPUT"]


def test_parse_and_validation_errors_carry_codes(client):
    parse_error = post_strict(client, {"query": "{ publications { "})
    assert parse_error.status_code == 400
    assert codes(parse_error) == ["GRAPHQL_PARSE_FAILED"]
    unknown = post_strict(client, {"query": "{ publicationz { totalCount } }"})
    assert unknown.status_code == 400
    assert codes(unknown) == ["GRAPHQL_VALIDATION_FAILED"]


def test_only_get_and_post_are_allowed(client):
    response = client.put(ENDPOINT, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert codes(response) == ["METHOD_NOT_ALLOWED"]


def test_unexpected_errors_are_masked_and_carry_the_request_id(client, caplog):
    # A real server-side failure: a portrait whose file has vanished from storage
    # cannot be resized, so the story's portrait cannot be served.
    portrait = create_portrait("Vanished File")
    portrait.file.storage.delete(portrait.file.name)
    story = create_story("A story with a lost portrait", date=date(2024, 1, 2), portrait=portrait)
    response = post(
        client,
        {"query": f'{{ story(slug: "{story.slug}") {{ title portrait {{ url }} }} }}'},
        HTTP_X_REQUEST_ID="test-request-0001",
    )
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "test-request-0001",
    }
    assert "vanished" not in response.content.decode().lower()  # no file names or paths
    assert response["X-Request-ID"] == "test-request-0001"
    logged = [r for r in caplog.records if r.name == "cms.api"]
    assert logged and "test-request-0001" in logged[0].getMessage()
    assert logged[0].exc_info is not None


def test_rate_limit_per_client_ip_with_retry_after(client):
    query = {"query": "{ researchDomains { edges { node { slug } } } }"}
    with api_settings(RATE_LIMIT_REQUESTS=3, RATE_LIMIT_WINDOW=60):
        statuses = [post(client, query).status_code for _ in range(3)]
        limited = post(client, query)
        other_client = post(client, query, REMOTE_ADDR="198.51.100.7")
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert codes(limited) == ["RATE_LIMITED"]
    assert 1 <= int(limited["Retry-After"]) <= 65  # the window and at most one 5 s slot
    assert other_client.status_code == 200


def test_introspection_can_be_switched_off_but_typename_still_works(client):
    with api_settings(INTROSPECTION=False):
        refused = post_strict(client, {"query": "{ __schema { types { name } } }"})
        typename = post(
            client,
            {"query": "{ __typename researchDomains { __typename edges { node { slug } } } }"},
        )
    assert refused.status_code == 400
    assert set(codes(refused)) == {"GRAPHQL_VALIDATION_FAILED"}
    assert typename.json()["data"]["__typename"] == "Query"
    assert "errors" not in post(client, {"query": "{ __schema { queryType { name } } }"}).json()


@pytest.mark.parametrize("enabled", [True, False])
def test_graphiql_only_where_the_setting_allows(client, enabled):
    with override_settings(GRAPHIQL=enabled):
        response = client.get(ENDPOINT, HTTP_ACCEPT="text/html")
    if enabled:
        assert response.status_code == 200
        assert b"graphiql" in response.content.lower()
    else:
        # A client that takes only HTML gets neither GraphiQL nor JSON it cannot read.
        assert response.status_code == 406
        assert codes(response) == ["NOT_ACCEPTABLE"]


def estimated_cost(client, query):
    """The cost the API estimates for ``query``, as its refusal reports it when the
    budget is 1."""
    with api_settings(MAX_QUERY_COST=1):
        response = post_strict(client, {"query": query})
    assert codes(response) == ["QUERY_TOO_COMPLEX"], response.json()
    message = response.json()["errors"][0]["message"]
    return int(re.match(r"The query's estimated cost is (\d+),", message).group(1))


LIST = "{ publications%s { edges { node { title authors { name } } } } }"


def test_a_page_costs_its_size_whatever_arguments_come_before_it(client):
    hundred = estimated_cost(client, LIST % "(first: 100)")
    assert hundred > estimated_cost(client, LIST % "(first: 12)")
    for arguments in ('(search: "quokka", first: 100)', '(domains: ["applications"], last: 100)'):
        assert estimated_cost(client, LIST % arguments) == hundred, arguments


def test_a_page_costs_one_per_field_of_each_of_its_items(client):
    # 1 for the connection, then for each of the page's 100 items its edge, its node and
    # its title: the edges are the page itself, not a list inside each item.
    page = "{ publications(first: 100) { edges { node { title } } } }"
    assert estimated_cost(client, page) == 1 + 100 * 3


def test_a_connection_without_a_size_costs_its_default_page(client):
    assert estimated_cost(client, LIST % "") == estimated_cost(client, LIST % "(first: 12)")


def test_nodes_cost_one_object_per_id(client):
    ids = [base64.b64encode(f"PublicationNode:{pk}".encode()).decode() for pk in (1, 2, 3)]
    costs = [
        estimated_cost(client, f"{{ nodes(ids: {json.dumps(ids[:count])}) {{ id }} }}")
        for count in (1, 2, 3)
    ]
    assert costs[0] < costs[1] < costs[2]
    assert costs[2] - costs[1] == costs[1] - costs[0]
