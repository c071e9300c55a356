"""Selection-driven prefetching: load exactly the relations a query selects.

A list resolver reads which fields the client selected (through fragments and
inline fragments) and applies the matching entries of its app's
``PrefetchPlan``. Every relation then costs one query for the whole page,
whatever the page size, and relations nobody asked for cost nothing.
"""

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from grapple.settings import grapple_settings


def _snake(name):
    out = []
    for char in name:
        if char.isupper():
            out.append("_")
            out.append(char.lower())
        else:
            out.append(char)
    return "".join(out)


def _walk(selection_set, info, prefix, paths):
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if grapple_settings.AUTO_CAMELCASE:
                name = _snake(name)
            path = f"{prefix}{name}"
            paths.add(path)
            _walk(selection.selection_set, info, f"{path}.", paths)
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set, info, prefix, paths)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                _walk(fragment.selection_set, info, prefix, paths)


def selected_paths(info, *, under=()):
    """Dotted snake_case paths selected below the current field.

    For example ``{"authors", "authors.person"}``.

    ``under`` skips wrapper levels, e.g. ``("edges", "node")`` for a connection.
    """
    paths = set()
    for node in info.field_nodes:
        _walk(node.selection_set, info, "", paths)
    prefix = ".".join(under)
    if not prefix:
        return paths
    return {path[len(prefix) + 1 :] for path in paths if path.startswith(prefix + ".")}


def nested_paths(paths, field):
    """The paths selected below ``field``: ``{"a.b", "a.c"}`` → ``{"b", "c"}`` for ``a``."""
    prefix = f"{field}."
    return {path[len(prefix) :] for path in paths if path.startswith(prefix)}


class PrefetchPlan:
    """Maps a selected path to the queryset change that loads it in bulk.

    Each step is ``step(queryset, paths, lookup)`` where ``lookup`` prefixes the
    relation names, so the same plan serves a model's own list and a relation
    that reaches it (``publication__`` from a story's related publications):

    ``PrefetchPlan({"domain": lambda qs, paths, lookup: qs.select_related(f"{lookup}domain")})``
    """

    def __init__(self, steps):
        self.steps = steps

    def apply(self, queryset, paths, lookup=""):
        for path, step in self.steps.items():
            if path in paths:
                queryset = step(queryset, paths, lookup)
        return queryset
