"""Fragments cost what their fields cost: wrapping a query in fragments does not get it
under the budget."""

import json
import re

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
FIELDS = """
    totalCount startPosition endPosition
    domainFacets { slug count }
    edges { node { title authors { name person { name } } domain { name } } }
"""
PLAIN = "query Seed { publications(first: 12) { " + FIELDS + " } }"
PAGE_FRAGMENT = "fragment Page on PublicationConnection { " + FIELDS + " }"
NAMED_FRAGMENT = "query Seed { publications(first: 12) { ...Page } } " + PAGE_FRAGMENT
NESTED_FRAGMENTS = """
query Seed { ...Everything }
fragment Everything on Query { publications(first: 12) { ...Counts edges { ...Edge } } }
fragment Counts on PublicationConnection {
  totalCount startPosition endPosition domainFacets { slug count }
}
fragment Edge on PublicationEdge { node { ...Paper } }
fragment Paper on Publication { title authors { name person { name } } domain { name } }
"""
INLINE_FRAGMENT = (
    "query Seed { publications(first: 12) { ... on PublicationConnection { " + FIELDS + " } } }"
)
#: Between the seed query's cost for one row and for twelve: twelve rows are over it.
BUDGET = 1000


def cost_refused(client, query):
    """The estimated cost in the refusal of ``query``, or fail if it was not refused."""
    with override_settings(CMS_API={**settings.CMS_API, "MAX_QUERY_COST": BUDGET}):
        response = client.post(
            ENDPOINT,
            data=json.dumps({"query": query}),
            content_type="application/json",
            HTTP_ACCEPT="application/graphql-response+json",  # refusals are then 400
        )
    body = response.json()
    assert [error["extensions"]["code"] for error in body.get("errors", [])] == [
        "QUERY_TOO_COMPLEX"
    ], body
    assert response.status_code == 400
    return int(re.search(r"estimated cost is (\d+)", body["errors"][0]["message"]).group(1))


@pytest.mark.parametrize(
    "wrapped",
    [NAMED_FRAGMENT, NESTED_FRAGMENTS, INLINE_FRAGMENT],
    ids=["named", "nested", "inline"],
)
def test_a_query_over_budget_is_refused_however_it_is_wrapped_in_fragments(client, wrapped):
    assert cost_refused(client, wrapped) == cost_refused(client, PLAIN) > BUDGET


def test_each_field_that_spreads_a_fragment_pays_for_it(client):
    both = (
        "query Seed { a: publications(first: 12) { ...Page } "
        "b: publications(first: 12) { ...Page } } " + PAGE_FRAGMENT
    )
    assert cost_refused(client, both) == 2 * cost_refused(client, PLAIN)
