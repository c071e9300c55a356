"""Schema-driven fuzzing of the real endpoint: no 5xx, every error coded.

hypothesis-graphql generates queries from the schema itself: valid ones
(every root field, argument and nested selection, with random literal values)
and invalid ones (wrong types, missing arguments). 1,500 + 500 = 2,000
generated queries per database run, bounded and derandomised so CI is
repeatable. It writes literals only, so ``operations_with_variables`` adds 400
operations that pass every argument of a root field as a variable, declared
with the argument's type or a wrong one, and sent with fitting or random JSON
values: none may be an ``INTERNAL_SERVER_ERROR`` (issue 12).
"""

import json

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    get_named_type,
    is_composite_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from cms.api.schema import schema

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
CUSTOM_SCALARS = {
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


def assert_well_behaved(client, query, variables=None):
    response = client.post(
        ENDPOINT,
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
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


ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)
FITTING_SCALARS = {
    "Int": st.integers(min_value=-5, max_value=500),
    "Float": st.floats(min_value=-5, max_value=500),
    "Boolean": st.booleans(),
    "ID": st.integers(min_value=-2, max_value=200).map(str) | st.text(max_size=6),
}
WRONG_DECLARATIONS = [
    "String",
    "Int",
    "Boolean",
    "[String!]",
    "ID!",
    "PublicationSort",
    "PageSort",
]


def fitting_value(input_type):
    """A JSON value of ``input_type``'s shape (the contents may still be refused)."""
    if isinstance(input_type, GraphQLNonNull):
        return fitting_value(input_type.of_type)
    if isinstance(input_type, GraphQLList):
        return st.lists(fitting_value(input_type.of_type), max_size=3)
    if isinstance(input_type, GraphQLEnumType):
        return st.sampled_from(sorted(input_type.values))
    if isinstance(input_type, GraphQLInputObjectType):
        return st.fixed_dictionaries(
            {}, optional={name: fitting_value(f.type) for name, f in input_type.fields.items()}
        )
    return FITTING_SCALARS.get(input_type.name, st.text(max_size=30))


@st.composite
def operations_with_variables(draw):
    """``query($v0: T, …) { field(arg: $v0, …) { __typename } }`` and its variables."""
    fields = sorted(
        (name, field)
        for name, field in schema.graphql_schema.query_type.fields.items()
        if field.args
    )
    name, field = draw(st.sampled_from(fields))
    arguments = draw(
        st.lists(st.sampled_from(sorted(field.args.items())), min_size=1, unique_by=lambda a: a[0])
    )
    declarations, uses, variables = [], [], {}
    for number, (argument_name, argument) in enumerate(arguments):
        declared = draw(st.sampled_from([str(argument.type)] * 3 + WRONG_DECLARATIONS))
        declarations.append(f"$v{number}: {declared}")
        uses.append(f"{argument_name}: $v{number}")
        value = draw(st.sampled_from(["fitting", "random", "missing", "null"]))
        if value == "fitting":
            variables[f"v{number}"] = draw(fitting_value(argument.type))
        elif value == "random":
            variables[f"v{number}"] = draw(ANY_JSON)
        elif value == "null":
            variables[f"v{number}"] = None
    if draw(st.booleans()):
        variables["undeclared"] = draw(ANY_JSON)
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    query = f"query({', '.join(declarations)}) {{ {name}({', '.join(uses)}){selection} }}"
    return query, variables


@fuzz_settings(400)
@given(operation=operations_with_variables())
def test_generated_variables_get_coded_errors_never_internal_ones(client, operation):
    query, variables = operation
    body = assert_well_behaved(client, query, variables)
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, (query, variables, body["errors"])
