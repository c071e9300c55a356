"""Query analysis (depth, aliases, cost) takes time linear in the document (issue 12).

A fragment spread costs what its fragment costs, every time it is spread, so a
query is refused for its size whether or not it is wrapped in fragments; but
each fragment is analysed once, so a 725-byte fragment bomb no longer burns
70 s of CPU before it is refused. The issue asks for a bound of one second on
the refusal. It is measured as the CPU time of the thread that serves the request
(the test client runs the view in the test's thread), so a machine busy with
other work cannot make the test flaky; the refusals take milliseconds.
"""

import json
import re
import time

import pytest
from django.conf import settings
from django.test import override_settings

from tests.graphql import measure_queries

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
SECONDS = 1.0
PUBLICATIONS = """
query Publications {
  publications(first: 50) {
    totalCount
    edges { node { title authors { name person { name slug } } domain { name } } }
  }
}
"""
# The same selections through nested named fragments and inline fragments.
PUBLICATIONS_IN_FRAGMENTS = """
query Publications { ...List }
fragment List on Query { publications(first: 50) { totalCount ...Edges } }
fragment Edges on PublicationConnection { edges { node { ... on Publication { ...Item } } } }
fragment Item on Publication { title ...Authors domain { ... { name } } }
fragment Authors on Publication { authors { name ... on PublicationAuthor { ...Person } } }
fragment Person on PublicationAuthor { person { name slug } }
"""


def post(client, query):
    """POST as Apollo Client 4 does: a query refused before execution is then a 400."""
    return client.post(
        ENDPOINT,
        data=json.dumps({"query": query}),
        content_type="application/json",
        HTTP_ACCEPT="application/graphql-response+json",
    )


def refused_within_a_second(client, query):
    """Post ``query``, check it was refused in under a CPU second: ``(code, message)``."""
    started = time.thread_time()
    response = post(client, query)
    assert time.thread_time() - started < SECONDS
    assert response.status_code == 400
    [error] = response.json()["errors"]
    return error["extensions"]["code"], error["message"]


def api_settings(**overrides):
    return override_settings(CMS_API={**settings.CMS_API, **overrides})


def codes(response):
    return [error["extensions"]["code"] for error in response.json()["errors"]]


def estimated_cost(client, query):
    """The cost the API estimates for ``query``, read from its refusal at budget 0."""
    with api_settings(MAX_QUERY_COST=0):
        response = post(client, query)
    assert codes(response) == ["QUERY_TOO_COMPLEX"], response.content
    return int(re.search(r"estimated cost is (\d+)", response.json()["errors"][0]["message"])[1])


def fragment_bomb(levels, spreads=10, name_length=0):
    """``{ ...F8 } fragment F0 on Query { __typename } fragment F1 … { ...F0 ×10 } …``"""

    def name(level):
        return f"F{level}".ljust(name_length, "_")

    fragments = [f"fragment {name(0)} on Query {{ __typename }}"]
    for level in range(1, levels):
        body = " ".join([f"...{name(level - 1)}"] * spreads)
        fragments.append(f"fragment {name(level)} on Query {{ {body} }}")
    return f"{{ ...{name(levels - 1)} }} " + " ".join(fragments)


def wide_fragment_web(levels, width, name_length):
    """Each fragment spreads every fragment of the level below: ``width**levels`` fields."""

    def name(level, index):
        return f"L{level}x{index}".ljust(name_length, "_")

    fragments = [f"fragment {name(0, i)} on Query {{ __typename }}" for i in range(width)]
    for level in range(1, levels):
        spreads = " ".join(f"...{name(level - 1, i)}" for i in range(width))
        fragments += [f"fragment {name(level, i)} on Query {{ {spreads} }}" for i in range(width)]
    top = " ".join(f"...{name(levels - 1, i)}" for i in range(width))
    return f"{{ {top} }} " + " ".join(fragments)


def test_a_query_costs_the_same_in_nested_named_and_inline_fragments(client):
    plain = estimated_cost(client, PUBLICATIONS)
    assert plain > 1_000
    assert estimated_cost(client, PUBLICATIONS_IN_FRAGMENTS) == plain


def test_a_query_over_the_budget_is_refused_in_fragments_too(client):
    plain = estimated_cost(client, PUBLICATIONS)
    with api_settings(MAX_QUERY_COST=plain - 1):
        refused = [post(client, PUBLICATIONS), post(client, PUBLICATIONS_IN_FRAGMENTS)]
    assert [codes(response) for response in refused] == [["QUERY_TOO_COMPLEX"]] * 2
    with api_settings(MAX_QUERY_COST=plain):
        accepted = post(client, PUBLICATIONS_IN_FRAGMENTS)
    assert accepted.status_code == 200
    assert "errors" not in accepted.json()
    assert len(accepted.json()["data"]["publications"]["edges"]) == 46


def test_each_spread_of_a_fragment_adds_its_cost(client):
    once = estimated_cost(client, PUBLICATIONS_IN_FRAGMENTS)
    twice = PUBLICATIONS_IN_FRAGMENTS.replace(
        "query Publications { ...List }", "query Publications { ...List ... { ...List } }"
    )
    assert estimated_cost(client, twice) == 2 * once
    with api_settings(MAX_QUERY_COST=once):
        assert codes(post(client, twice)) == ["QUERY_TOO_COMPLEX"]


def test_relations_selected_in_fragments_are_prefetched_like_plain_ones(
    client, django_assert_max_num_queries
):
    # Each fragment is planned once however often it is spread; the plan is the same.
    twice = PUBLICATIONS_IN_FRAGMENTS.replace("...Authors", "...Authors ...Authors")
    post(client, PUBLICATIONS)  # warm-up (see ``measure_queries``)
    plain, plain_queries = measure_queries(client, django_assert_max_num_queries, 6, PUBLICATIONS)
    wrapped, wrapped_queries = measure_queries(client, django_assert_max_num_queries, 6, twice)
    assert wrapped_queries == plain_queries
    assert wrapped == plain
    assert any(
        author["person"]
        for edge in plain["publications"]["edges"]
        for author in edge["node"]["authors"]
    )


def test_depth_and_aliases_count_through_fragments(client):
    # Eleven levels, seven of them in nested fragments, are refused like eleven plain ones.
    deep = """
    { publications(first: 1) { edges { node { ...Authors } } } }
    fragment Authors on Publication { authors { person { ...Team } } }
    fragment Team on Person { team { members { team { ... on Team { ...Members } } } } }
    fragment Members on Team { members { team { name } } }
    """
    response = post(client, deep)
    assert codes(response) == ["QUERY_TOO_DEEP"]
    assert "nested 11 levels deep" in response.json()["errors"][0]["message"]
    aliased = "{ ...A ...A ...B } fragment A on Query { " + " ".join(
        f"a{i}: researchDomains {{ edges {{ node {{ slug }} }} }}" for i in range(10)
    )
    aliased += " } fragment B on Query { b: researchDomains { edges { node { slug } } } }"
    response = post(client, aliased)
    assert codes(response) == ["BAD_USER_INPUT"]
    assert "under 21 aliases" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("levels", [9, 10])
def test_the_fragment_bomb_is_refused_within_a_second(client, levels):
    query = fragment_bomb(levels)
    assert len(query.encode()) < 900
    code, message = refused_within_a_second(client, query)
    assert code == "QUERY_TOO_COMPLEX"
    assert f"estimated cost is {10 ** (levels - 1)}," in message


NEAR_THE_BODY_LIMIT = [
    # 190 levels (graphql-core allows 200) of 4 spreads each: 4**189 fields once
    # expanded, in about 2,700 tokens and 64 KB (under the 5,000-token and 64 KiB limits).
    pytest.param(
        fragment_bomb(levels=190, spreads=4, name_length=60),
        ("QUERY_TOO_COMPLEX",),
        f"estimated cost is {4**189},",
        id="deep-bomb",
    ),
    # 19 levels of 10 fragments, each spreading the 10 below it: 10**19 fields once
    # expanded, in 4,772 tokens and 63.7 KB. Spec validation's field-merging rule gives
    # up on it first (after 0.66 s with graphql-core's own budget, 0.07 s with ours).
    pytest.param(
        wide_fragment_web(levels=19, width=10, name_length=26),
        ("GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX"),
        "",
        id="wide-web",
    ),
]


@pytest.mark.parametrize("query, expected_codes, expected_message", NEAR_THE_BODY_LIMIT)
def test_fragment_webs_near_the_body_limit_are_refused_within_a_second(
    client, query, expected_codes, expected_message
):
    assert 60_000 < len(query.encode()) < 64 * 1024
    code, message = refused_within_a_second(client, query)
    assert code in expected_codes
    assert expected_message in message


def test_thousands_of_same_named_fields_are_refused_within_a_second(client):
    # Spec validation compares every pair of fields sharing a response name;
    # graphql-core's own budget let 4,900 of them run for about a second.
    query = "{ " + " ".join(["__typename"] * 4_900) + " }"
    assert len(query.encode()) > 50_000
    code, _message = refused_within_a_second(client, query)
    assert code == "GRAPHQL_VALIDATION_FAILED"


def test_validation_spends_at_most_its_configured_budget(client):
    # The field-merging rule spends 2 units per pair of same-named fields: 90 for 10.
    # (Validated documents are cached by their text, so each check sends a new one.)
    def same_named(count):
        return "{ " + " ".join(["__typename"] * count) + " }"

    assert "errors" not in post(client, same_named(10)).json()
    with api_settings(VALIDATION_BUDGET=100):
        assert "errors" not in post(client, same_named(9)).json()  # 72 units
        response = post(client, same_named(11))
    assert response.status_code == 400
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
