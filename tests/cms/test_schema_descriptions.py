"""Every member of the public schema is described, grapple's included (issue 11).

A frontend developer reads the schema in GraphiQL or their IDE: every type,
field, argument, enum value and input field must say what it is. The walk covers
the whole built schema (introspection's own ``__*`` types aside), so a field
added anywhere, by us or by a grapple upgrade, fails here until it is described.
"""

import graphql
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from cms.api.descriptions import GRAPPLE_DESCRIPTIONS, stale_descriptions
from cms.api.schema import schema


def undescribed(graphql_schema):
    """``Type``, ``Type.field``, ``Type.field(argument)``, ``Enum.VALUE``, ``Input.field``
    for every member of ``graphql_schema`` without a description."""
    missing = []
    for name, graphql_type in sorted(graphql_schema.type_map.items()):
        if name.startswith("__"):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            ]
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg_name})"
                    for arg_name, arg in field.args.items()
                    if not arg.description
                ]
        if isinstance(graphql_type, GraphQLInputObjectType):
            missing += [
                f"{name}.{field_name}"
                for field_name, field in graphql_type.fields.items()
                if not field.description
            ]
    return missing


def test_every_type_field_argument_and_enum_value_is_described():
    missing = undescribed(schema.graphql_schema)
    assert missing == [], (
        f"{len(missing)} schema members have no description: describe ours where they are "
        "declared (`description=`), grapple's in cms/api/descriptions.py.\n" + "\n".join(missing)
    )


def test_the_descriptions_table_names_only_members_the_schema_has():
    """A grapple upgrade (or our own change) that renames or drops a member leaves an
    entry that describes nothing: it must be fixed, not left to rot."""
    assert stale_descriptions(schema.graphql_schema) == []


def test_the_table_describes_grapple_members_with_their_own_text():
    """Each entry reached the built schema (no later rule overwrote it)."""
    graphql_schema = schema.graphql_schema
    stale = set(stale_descriptions(graphql_schema))
    for type_name, entries in GRAPPLE_DESCRIPTIONS.items():
        graphql_type = graphql_schema.get_type(type_name)
        for member, text in entries.items():
            if type_name in stale or f"{type_name}.{member}" in stale:
                continue  # reported by the test above
            if not member:
                assert graphql_type.description == text
            elif "(" in member:
                field, argument = member.rstrip(")").split("(")
                assert graphql_type.fields[field].args[argument].description == text
            elif isinstance(graphql_type, GraphQLEnumType):
                assert graphql_type.values[member].description == text
            else:
                assert graphql_type.fields[member].description == text


def test_the_walk_reports_each_kind_of_undescribed_member():
    """The walk itself can fail: one undescribed member of each kind is reported, the
    described ones are not."""
    sdl = '''
        """Root."""
        type Query {
          """Described."""
          described("""Described.""" a: Int): Int
          bare(b: Int): Thing
          """Described."""
          search("""Described.""" input: Filter): Colour
        }
        type Thing implements Named { """Described.""" name: String }
        """An interface."""
        interface Named { name: String }
        """Colours."""
        enum Colour { """Described.""" RED GREEN }
        """A filter."""
        input Filter { """Described.""" text: String, size: Int }
    '''
    assert undescribed(graphql.build_schema(sdl)) == [
        "Colour.GREEN",
        "Filter.size",
        "Named.name",
        "Query.bare",
        "Query.bare(b)",
        "Thing",
    ]
