"""graphql-core's execution with a short path for plain fields.

Most fields of a list's nodes (a title, a slug, a year, an edge's node) are read
with graphene's default resolver: an attribute of the object, or a key of a dict.
graphql-core treats each like any other field: it builds a ``GraphQLResolveInfo``,
reads the arguments, runs every middleware's ``resolve``, checks twice whether the
value is awaitable, then serialises it. On a page of 100 publications with authors
that is about 1,900 fields and about half the request's time.

A plain field (the default resolver, no arguments) is read here with the same
attribute or key read and serialised directly; ``info`` is built only when the value
is an object or a list whose fields come next. Middleware keeps its part: each one
offers ``plain_reader(read, schema, parent_type, field_name, field)``, a reader of
the field without ``info`` that does what its ``resolve`` would, or ``None`` when it
needs the whole path for that field; a middleware without ``plain_reader`` keeps every
field on the whole path. Everything else about a field (``null`` in a non-null field, a value the
scalar cannot represent, an error while reading) completes as graphql-core does.
The API is synchronous: no resolver returns an awaitable. The methods overridden and
called here are graphql-core's, at the version ``cms.api.upstream_patches.PINNED``
names (an upgrade fails its test first); ``tests/cms/test_api_execution.py`` checks
the answers against graphql-core's own execution.
"""

from functools import partial

from graphene.types.resolver import dict_or_attr_resolver
from graphql import ExecutionContext, get_nullable_type, is_leaf_type, located_error
from graphql.execution.execute import get_field_def
from graphql.pyutils import Undefined


def read_attribute(root, attname, default):
    """What graphene's default resolver answers, without ``info``."""
    if isinstance(root, dict):
        return root.get(attname, default)
    return getattr(root, attname, default)


def plain_attribute(field):
    """``(attribute name, default)`` of a field graphene reads with its default resolver
    and that takes no arguments; ``None`` for any other field."""
    resolve = field.resolve
    if (
        isinstance(resolve, partial)
        and resolve.func is dict_or_attr_resolver
        and not resolve.keywords
        and not field.args
    ):
        return resolve.args
    return None


class PlainField:
    """How one field of one type is read on the short path."""

    __slots__ = ("read", "attname", "default", "field", "leaf")

    def __init__(self, read, attname, default, field):
        self.read, self.attname, self.default, self.field = read, attname, default, field
        nullable = get_nullable_type(field.type)
        self.leaf = nullable if is_leaf_type(nullable) else None


class PlainFieldExecutionContext(ExecutionContext):
    """``ExecutionContext`` reading plain fields on the short path (module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_fields = {}

    def plain_field(self, parent_type, field_node):
        """The field's ``PlainField``, or ``None`` when it takes the whole path."""
        key = (parent_type, field_node.name.value)
        if key not in self.plain_fields:
            self.plain_fields[key] = self._plan(parent_type, field_node)
        return self.plain_fields[key]

    def _plan(self, parent_type, field_node):
        field = get_field_def(self.schema, parent_type, field_node)
        attribute = field and plain_attribute(field)
        if attribute is None:
            return None
        read = read_attribute
        middlewares = self.middleware_manager.middlewares if self.middleware_manager else ()
        # Chained as graphql-core chains ``resolve``: the last middleware is outermost.
        for middleware in middlewares:
            plain_reader = getattr(middleware, "plain_reader", None)
            read = plain_reader and plain_reader(
                read, self.schema, parent_type, field_node.name.value, field
            )
            if read is None:
                return None
        return PlainField(read, *attribute, field)

    def execute_field(self, parent_type, source, field_nodes, path):
        plain = self.plain_field(parent_type, field_nodes[0])
        if plain is None:
            return super().execute_field(parent_type, source, field_nodes, path)
        try:
            value = plain.read(source, plain.attname, plain.default)
            if plain.leaf is not None and value is not None:
                serialized = plain.leaf.serialize(value)
                if serialized is not None and serialized is not Undefined:
                    return serialized
            # An object or a list (its fields come next), null, or a value the scalar
            # refused: graphql-core completes it, with its own errors.
            info = self.build_resolve_info(plain.field, field_nodes, parent_type, path)
            return self.complete_value(plain.field.type, field_nodes, info, path, value)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, plain.field.type, path)
            return None
