"""The README's GraphQL examples run, with the variables it suggests, on the demo content."""

import re
from pathlib import Path

import pytest

from tests.graphql import data_of, gql

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_graphql_blocks():
    return re.findall(r"```graphql\n(.*?)```", README.read_text(), re.DOTALL)


@pytest.fixture
def seed_query():
    blocks = readme_graphql_blocks()
    assert blocks, "the README has no ```graphql example"
    return blocks[0]


def slugs(page):
    return [edge["node"]["slug"] for edge in page["edges"]]


@pytest.mark.parametrize("query", readme_graphql_blocks())
def test_every_readme_example_runs(client, query):
    data_of(gql(client, query))


@pytest.mark.parametrize(
    "variables", [{}, {"first": 24}, {"search": "spark sql"}, {"domains": ["ai-and-ml"]}]
)
def test_the_seed_query_with_the_suggested_variables(client, seed_query, variables):
    page = data_of(gql(client, seed_query, variables))["publications"]
    assert page["edges"]


def next_page(client, query, page):
    return data_of(gql(client, query, {"after": page["pageInfo"]["endCursor"]}))["publications"]


def test_forward_then_back_returns_the_previous_page(client, seed_query):
    """From page 3 back to page 2: page 1 (what an ignored `before` gives) would be wrong."""
    first = data_of(gql(client, seed_query, {}))["publications"]
    second = next_page(client, seed_query, first)
    third = next_page(client, seed_query, second)
    assert third["startPosition"] == 25
    back = data_of(
        gql(client, seed_query, {"last": 12, "before": third["pageInfo"]["startCursor"]})
    )["publications"]
    assert back["startPosition"] == 13
    assert slugs(back) == slugs(second)
