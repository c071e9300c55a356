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


def test_forward_then_back_returns_the_previous_page(client, seed_query):
    first = data_of(gql(client, seed_query, {}))["publications"]
    second = data_of(gql(client, seed_query, {"after": first["pageInfo"]["endCursor"]}))[
        "publications"
    ]
    assert second["startPosition"] == 13
    back = data_of(
        gql(client, seed_query, {"last": 12, "before": second["pageInfo"]["startCursor"]})
    )["publications"]
    assert slugs(back) == slugs(first)
    assert back["startPosition"] == 1
