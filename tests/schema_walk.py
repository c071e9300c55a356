"""Queries generated from the schema itself: every root field, every nested field.

``SchemaWalk`` reads the public schema by introspection (through the endpoint,
as a client would) and writes, for a root field, one query that selects every
scalar and recurses into every object, interface and union field (each possible
type through an inline fragment). A type already on the path is selected again
with its scalars only (and an interface without its implementations), which
bounds the query; so does ``max_depth``. A new
field or type in the schema is walked without any change here.

Arguments: a field with a required argument is walked only when ``arguments``
names a value for it (by ``"Type.field"`` or by field name); other arguments
keep their defaults.
"""

import json

INTROSPECTION = """
query Walk {
  __schema {
    queryType { name }
    types {
      name kind
      possibleTypes { name }
      fields { name args { name type { ...TypeRef } } type { ...TypeRef } }
    }
  }
}
fragment TypeRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
}
"""

LEAF_KINDS = {"SCALAR", "ENUM"}


def named(type_ref):
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return type_ref


def required(type_ref):
    return type_ref["kind"] == "NON_NULL"


def literal(value):
    """A Python value as a GraphQL literal."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return str(value)


def argument_text(arguments):
    """``{"slug": "x"}`` → ``(slug: "x")``; nothing for no arguments."""
    if not arguments:
        return ""
    return "(" + ", ".join(f"{name}: {literal(value)}" for name, value in arguments.items()) + ")"


class SchemaWalk:
    def __init__(self, schema, *, arguments=None, max_depth=7):
        self.types = {type_["name"]: type_ for type_ in schema["types"]}
        self.query_type = schema["queryType"]["name"]
        self.arguments = arguments or {}
        self.max_depth = max_depth

    def root_fields(self):
        return self.types[self.query_type]["fields"]

    def arguments_for(self, parent, field):
        """The argument text for a field, or ``None`` when it cannot be walked."""
        given = self.arguments.get(f"{parent}.{field['name']}", self.arguments.get(field["name"]))
        given = dict(given or {})
        for argument in field["args"]:
            if required(argument["type"]) and argument["name"] not in given:
                return None
        return argument_text(given)

    def query_for(self, field, arguments=None):
        """One query walking the root field ``field`` (``arguments`` overrides the map)."""
        if arguments is None:
            arguments_text = self.arguments_for(self.query_type, field)
            if arguments_text is None:
                return None
        else:
            arguments_text = argument_text(arguments)
        selection = self.selection(named(field["type"])["name"], frozenset(), 1)
        return f"query Walk {{ {field['name']}{arguments_text} {selection} }}"

    def selection(self, type_name, path, depth):
        type_ = self.types[type_name]
        if type_["kind"] in LEAF_KINDS:
            return ""
        expand = type_name not in path and depth < self.max_depth
        path = path | {type_name}
        parts = ["__typename"]
        parts += self._fields(type_, path, depth, expand)
        shared = {field["name"] for field in type_.get("fields") or ()}
        for possible in (type_.get("possibleTypes") or ()) if expand else ():
            possible_type = self.types[possible["name"]]
            own = self._fields(
                possible_type,
                path | {possible["name"]},
                depth,
                expand and possible["name"] not in path,
                skip=shared,
                alias=possible["name"],
            )
            if own:
                parts.append(f"... on {possible['name']} {{ {' '.join(own)} }}")
        return "{ " + " ".join(parts) + " }"

    def _fields(self, type_, path, depth, expand, skip=(), alias=None):
        """The type's fields; in a fragment, each is aliased ``Type_field`` since two
        types may give one field name different types (``value: Int`` and ``String``)."""
        parts = []
        for field in type_.get("fields") or ():
            if field["name"] in skip:
                continue
            target = self.types[named(field["type"])["name"]]
            arguments_text = self.arguments_for(type_["name"], field)
            if arguments_text is None:
                continue
            name = f"{alias}_{field['name']}: {field['name']}" if alias else field["name"]
            if target["kind"] in LEAF_KINDS:
                parts.append(f"{name}{arguments_text}")
            elif expand:
                selection = self.selection(target["name"], path, depth + 1)
                parts.append(f"{name}{arguments_text} {selection}")
        return parts
