"""Schema-driven fuzzing of the real endpoint: no 5xx, every error coded.

hypothesis-graphql generates queries from the schema itself: valid ones
(every root field, argument and nested selection, with random literal values)
and invalid ones (wrong types, missing arguments). 1,500 + 500 = 2,000
generated queries per database run, bounded and derandomised so CI is
repeatable.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from cms.api.schema import schema

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
CUSTOM_SCALARS = {
    "PositiveInt": st.integers(min_value=-5, max_value=500).map(nodes.Int),
    "UUID": st.uuids().map(str).map(nodes.String),
    "Date": st.dates().map(str).map(nodes.String),
    "DateTime": st.datetimes().map(lambda value: value.isoformat()).map(nodes.String),
    "JSONString": st.just("{}").map(nodes.String),
}


def fuzz_settings(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def assert_well_behaved(client, query):
    response = client.post(
        ENDPOINT, data=json.dumps({"query": query}), content_type="application/json"
    )
    assert response.status_code < 500, (query, response.content[:500])
    body = response.json()
    for error in body.get("errors", []):
        assert error.get("message"), (query, error)
        assert error.get("extensions", {}).get("code"), (query, error)
    return body


def strategy(mode):
    return from_schema(schema.graphql_schema, custom_scalars=CUSTOM_SCALARS, mode=mode)


@fuzz_settings(1500)
@given(query=strategy(Mode.POSITIVE))
def test_generated_valid_queries_never_break_the_server(client, query):
    assert_well_behaved(client, query)


@fuzz_settings(500)
@given(query=strategy(Mode.NEGATIVE))
def test_generated_invalid_queries_get_coded_errors(client, query):
    body = assert_well_behaved(client, query)
    assert body.get("errors"), query
