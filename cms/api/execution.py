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

An object goes further when every middleware offers ``object_visitor(schema,
parent_type)``: a callable run once per object, before its fields, that does for the
object what its ``plain_reader`` would do for each plain field it accepts (tag it,
check the deadline). The object then completes on an ``ObjectPlan``, built once per
execution for its type and selection (fragments and directives already applied):
``__typename`` is its type's name; each plain field is read without a reader, a leaf
serialised in place and an object or a list completed by ``complete_value`` with an
``info`` of its own; a list of objects that may not be null completes each item on its
type's plan; a model type's ``is_type_of`` is asked once per model class (graphene-
django's answers by class). Every other field (a resolver, arguments, a field a
middleware keeps on the whole path, a leaf that is null where it may not be, refused
or raised) takes ``execute_field`` as above, with its errors. A 100-row page
completes about 800 objects this way.

The API is synchronous: no resolver returns an awaitable. The methods overridden and
called here are graphql-core's, at the version ``cms.api.upstream_patches.PINNED``
names (an upgrade fails its test first); ``tests/cms/test_api_execution.py`` checks
the answers against graphql-core's own execution.
"""

from functools import partial

from django.db.models import Model
from graphene.types.resolver import dict_or_attr_resolver
from graphene_django import DjangoObjectType
from graphql import (
    ExecutionContext,
    GraphQLNonNull,
    get_nullable_type,
    is_leaf_type,
    is_object_type,
    located_error,
)
from graphql.execution.execute import get_field_def, invalid_return_type_error
from graphql.pyutils import Path, Undefined


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
    """How one field of one type is read on the short path: ``read`` with its
    middlewares' readers, or, on an ``ObjectPlan``, ``read_attribute`` alone.
    ``leaf``: its scalar or enum, ``None`` for an object or a list."""

    __slots__ = ("read", "attname", "default", "field", "leaf", "non_null")

    def __init__(self, read, attname, default, field):
        self.read, self.attname, self.default, self.field = read, attname, default, field
        nullable = get_nullable_type(field.type)
        self.leaf = nullable if is_leaf_type(nullable) else None
        self.non_null = isinstance(field.type, GraphQLNonNull)


class PlainFieldExecutionContext(ExecutionContext):
    """``ExecutionContext`` reading plain fields on the short path (module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plain_fields = {}
        self.object_plans = {}

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
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, plain.field.type, path)
            return None
        # An object or a list (its fields come next), null, or a value the scalar
        # refused: graphql-core completes it, with its own errors.
        return _complete(self, parent_type, plain.field, field_nodes, path, value)

    def complete_object_value(self, return_type, field_nodes, info, path, result):
        """graphql-core's, on the object's ``ObjectPlan`` when it has one."""
        plan = self.object_plan(return_type, field_nodes)
        if plan is None:
            return super().complete_object_value(return_type, field_nodes, info, path, result)
        return plan.complete(self, result, info, path)

    def complete_list_value(self, return_type, field_nodes, info, path, result):
        """graphql-core's; a list of objects that may not be null, each on its type's
        ``ObjectPlan``, without the two calls of ``complete_value`` per item."""
        item_type = return_type.of_type
        plan = None
        if isinstance(item_type, GraphQLNonNull) and is_object_type(item_type.of_type):
            plan = self.object_plan(item_type.of_type, field_nodes)
        if (
            plan is None
            or not isinstance(result, list | tuple)
            or any(item is None or isinstance(item, Exception) for item in result)
        ):
            return super().complete_list_value(return_type, field_nodes, info, path, result)
        completed = []
        for index, item in enumerate(result):
            item_path = path.add_key(index, None)
            try:
                completed.append(plan.complete(self, item, info, item_path))
            except Exception as raw_error:
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type, item_path)  # raises: non-null
        return completed

    def object_plan(self, return_type, field_nodes):
        """The ``ObjectPlan`` of this selection on ``return_type``, or ``None``."""
        key = (return_type, *map(id, field_nodes))
        if key not in self.object_plans:
            self.object_plans[key] = self._object_plan(return_type, field_nodes)
        return self.object_plans[key]

    def _object_plan(self, return_type, field_nodes):
        visitors = []
        middlewares = self.middleware_manager.middlewares if self.middleware_manager else ()
        for middleware in reversed(middlewares):  # the outermost first, as with ``resolve``
            object_visitor = getattr(middleware, "object_visitor", None)
            visit = object_visitor and object_visitor(self.schema, return_type)
            if visit is None:
                return None
            visitors.append(visit)
        fields = []
        for response_name, nodes in self.collect_subfields(return_type, field_nodes).items():
            if nodes[0].name.value == "__typename":
                fields.append((response_name, nodes, _TYPENAME))
            else:
                plain = self.plain_field(return_type, nodes[0])
                fields.append((response_name, nodes, plain))
        return ObjectPlan(return_type, field_nodes, visitors, fields)


#: A ``__typename`` in an object's plan: its type's name, without a resolver.
_TYPENAME = object()


def _decided_by_class(return_type):
    """Whether the type's ``is_type_of`` answers the same for every instance of one model
    class: graphene-django's own does (it compares the instance's model with the type's)."""
    is_type_of = getattr(return_type.is_type_of, "__func__", None)
    return is_type_of is not None and is_type_of is DjangoObjectType.is_type_of.__func__


class ObjectPlan:
    """How the objects of one type, under one selection, complete (module docstring).

    ``fields``: ``(response name, field nodes, how)`` in graphql-core's order, ``how``
    being ``_TYPENAME``, a ``PlainField`` (read without its middlewares' readers: they
    visited the object) or ``None`` (``execute_field``). A type whose
    ``is_type_of`` is decided by the model class asks it once per class.
    """

    __slots__ = ("type", "field_nodes", "visitors", "fields", "by_class", "accepted")

    def __init__(self, return_type, field_nodes, visitors, fields):
        self.type, self.field_nodes = return_type, field_nodes
        self.visitors, self.fields = visitors, fields
        self.by_class, self.accepted = _decided_by_class(return_type), None

    def complete(self, context, result, info, path):
        return_type = self.type
        if return_type.is_type_of and type(result) is not self.accepted:
            if not return_type.is_type_of(result, info):
                raise invalid_return_type_error(return_type, result, self.field_nodes)
            if self.by_class and isinstance(result, Model):
                self.accepted = type(result)
        for visit in self.visitors:
            visit(result)
        completed = {}
        for response_name, field_nodes, planned in self.fields:
            if planned is _TYPENAME:
                completed[response_name] = return_type.name
                continue
            if planned is not None:
                value = _read(result, planned)
                if value is None and not planned.non_null:
                    completed[response_name] = None
                    continue
                if value is not None and value is not _UNREAD:
                    if planned.leaf is None:
                        field_path = Path(path, response_name, return_type.name)
                        completed[response_name] = _complete(
                            context, return_type, planned.field, field_nodes, field_path, value
                        )
                        continue
                    serialized = _serialize(planned.leaf, value)
                    if serialized is not None and serialized is not Undefined:
                        completed[response_name] = serialized
                        continue
            # Everything else (a resolver, arguments, a null in a non-null field, a value
            # the scalar refuses, a read that raised): graphql-core's way, with its errors.
            value = context.execute_field(
                return_type, result, field_nodes, Path(path, response_name, return_type.name)
            )
            if value is not Undefined:
                completed[response_name] = value
        return completed


def _complete(context, parent_type, field, field_nodes, path, value):
    """An object or a list read from a plain field, completed as ``execute_field`` does."""
    info = context.build_resolve_info(field, field_nodes, parent_type, path)
    try:
        return context.complete_value(field.type, field_nodes, info, path, value)
    except Exception as raw_error:
        error = located_error(raw_error, field_nodes, path.as_list())
        context.handle_field_error(error, field.type, path)
        return None


#: A plain field whose read raised: read again on graphql-core's path, which reports it.
_UNREAD = object()


def _read(root, plain):
    try:
        return read_attribute(root, plain.attname, plain.default)
    except Exception:
        return _UNREAD


def _serialize(leaf, value):
    try:
        return leaf.serialize(value)
    except Exception:
        return None
