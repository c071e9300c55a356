"""Every client mistake in variables is a coded request error, never a server error.

The GraphQL spec makes a variable coercion failure a request error: nothing runs,
and the answer is ``BAD_USER_INPUT`` (HTTP 400, like validation errors), where
``{"f": "abc"}`` for ``$f: Int`` used to be an ``INTERNAL_SERVER_ERROR``.
"""

import json

import pytest

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
FIRST = "query($f: Int) { publications(first: $f) { totalCount } }"
SLUG = "query($s: String!) { publication(slug: $s) { title } }"
PAGE = "query($i: ID) { page(id: $i) { title } }"
DOMAINS = "query($d: [String!]) { publications(domains: $d) { totalCount } }"
SORT = "query($o: PublicationSort) { publications(sort: $o) { totalCount } }"


def post(client, query, variables):
    """POST as Apollo Client 4 does: a request refused before execution is then a 400."""
    return client.post(
        ENDPOINT,
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_ACCEPT="application/graphql-response+json",
    )


@pytest.mark.parametrize(
    "query, variables, message",
    [
        pytest.param(FIRST, {"f": "abc"}, "Int cannot represent", id="string-for-int"),
        pytest.param(FIRST, {"f": [1]}, "Int cannot represent", id="list-for-int"),
        pytest.param(FIRST, {"f": 1.5}, "Int cannot represent", id="float-for-int"),
        pytest.param(FIRST, {"f": 2**40}, "32-bit", id="int-too-large"),
        pytest.param(SLUG, {}, "was not provided", id="missing-required"),
        pytest.param(SLUG, {"s": None}, "must not be null", id="null-for-required"),
        pytest.param(SLUG, {"s": {"a": 1}}, "String cannot represent", id="object-for-string"),
        pytest.param(PAGE, {"i": {"x": 1}}, "ID cannot represent", id="object-for-id"),
        pytest.param(DOMAINS, {"d": [None]}, "non-nullable", id="null-in-list"),
        pytest.param(SORT, {"o": "NOPE"}, "does not exist", id="unknown-enum-value"),
        pytest.param(SORT, {"o": 3}, "Enum", id="number-for-enum"),
    ],
)
def test_variables_that_do_not_fit_are_refused_with_bad_user_input(
    client, django_assert_max_num_queries, query, variables, message
):
    with django_assert_max_num_queries(2):  # the cache key's expiry lookup at most: no execution
        response = post(client, query, variables)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/graphql-response+json; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
    assert message in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "query, variables",
    [
        pytest.param("{ publications(first: $f) { totalCount } }", {"f": 1}, id="undeclared"),
        pytest.param(FIRST.replace("first: $f", "first: 2"), {"f": 1}, id="declared-unused"),
        pytest.param(
            "query($f: String) { publications(first: $f) { totalCount } }",
            {"f": "1"},
            id="wrong-declared-type",
        ),
    ],
)
def test_variables_that_do_not_fit_the_query_fail_validation(client, query, variables):
    response = post(client, query, variables)
    assert response.status_code == 400
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"GRAPHQL_VALIDATION_FAILED"}


def test_malformed_ids_are_bad_user_input(client):
    for variables in ({"i": "abc"}, {"i": "-1x"}):
        body = post(client, PAGE, variables).json()
        assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]


def test_variables_the_operation_does_not_declare_are_ignored(client):
    response = post(client, FIRST, {"f": 2, "unused": "x"})
    assert response.status_code == 200
    assert response.json()["data"]["publications"]["totalCount"] == 46
