"""The committed SDL matches the code, and the contract is fully described."""

from pathlib import Path

from django.conf import settings
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from cms.api.schema import schema

SDL_FILE = Path(settings.BASE_DIR) / "cms" / "api" / "schema.graphql"

#: Root fields this project owns (grapple's generic page/image queries are its own).
CONTRACT_ROOT_FIELDS = [
    "publications",
    "publication",
    "researchDomains",
    "organizations",
    "teams",
    "stories",
    "story",
]

#: Types grapple generates (StreamField blocks, images, its search operator): not ours to describe.
GRAPPLE_OWNED = {"StreamFieldInterface", "ImageObjectType", "Page", "SearchOperatorEnum"}


def test_committed_schema_matches_the_code():
    assert SDL_FILE.read_text().strip() == str(schema).strip(), (
        "cms/api/schema.graphql is out of date: run `make schema` and commit the result."
    )


def reachable_types(graphql_schema):
    query = graphql_schema.query_type
    pending = [get_named_type(query.fields[name].type) for name in CONTRACT_ROOT_FIELDS]
    for name in CONTRACT_ROOT_FIELDS:
        for arg in query.fields[name].args.values():
            pending.append(get_named_type(arg.type))
    seen = {}
    while pending:
        named = pending.pop()
        if named.name in seen or named.name in GRAPPLE_OWNED or named.name.startswith("__"):
            continue
        seen[named.name] = named
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field in named.fields.values():
                pending.append(get_named_type(field.type))
                for arg in getattr(field, "args", {}).values():
                    pending.append(get_named_type(arg.type))
        if isinstance(named, GraphQLUnionType):
            pending.extend(named.types)
    return seen


def test_every_contract_type_field_and_argument_is_described():
    graphql_schema = schema.graphql_schema
    missing = []
    query = graphql_schema.query_type
    for name in CONTRACT_ROOT_FIELDS:
        field = query.fields[name]
        if not field.description:
            missing.append(f"Query.{name}")
        missing += [f"Query.{name}({a})" for a, arg in field.args.items() if not arg.description]
    types = reachable_types(graphql_schema)
    assert {"Publication", "PublicationConnection", "StoryPage", "Portrait"} <= set(types)
    for type_name, named in types.items():
        if named.name in {"String", "Int", "Boolean", "ID", "Float"}:
            continue
        if not named.description:
            missing.append(type_name)
        if isinstance(named, GraphQLEnumType):
            undescribed = [value for value, val in named.values.items() if not val.description]
            missing += [f"{type_name}.{value}" for value in undescribed]
        for field_name, field in getattr(named, "fields", {}).items():
            if not field.description:
                missing.append(f"{type_name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{type_name}.{field_name}({arg_name})")
    assert missing == []
