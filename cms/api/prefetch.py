"""Selection-driven prefetching: load exactly the relations a query selects.

A list resolver reads which fields the client selected (through fragments and
inline fragments) and applies the matching entries of its app's
``PrefetchPlan``. Every relation then costs one query for the whole page,
whatever the page size, and relations nobody asked for cost nothing.
"""

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode
from grapple.settings import grapple_settings


def snake_case(name):
    """A schema field name (``relatedPublications``) as its Python name
    (``related_publications``); the query cost walker (``cms.api.limits``) uses it too."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _paths(selection_set, fragments, fragment_paths, on=None):
    """The dotted paths selected in ``selection_set``, relative to it.

    ``on`` (type names) skips fragments on any other type at this level: the
    selection of ``nodes`` holds one fragment per type, each for its own loader.

    ``fragment_paths`` memoises each named fragment's relative paths, so a fragment
    spread a thousand times is walked once: expanding every spread made planning
    exponential in nested fragments (issue 12).
    """
    paths = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if grapple_settings.AUTO_CAMELCASE:
                name = snake_case(name)
            paths.add(name)
            if selection.selection_set is not None:
                nested = _paths(selection.selection_set, fragments, fragment_paths)
                paths.update(f"{name}.{path}" for path in nested)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(selection, on):
                paths |= _paths(selection.selection_set, fragments, fragment_paths, on)
        elif isinstance(selection, FragmentSpreadNode):
            paths |= _fragment_paths(selection.name.value, fragments, fragment_paths, on)
    return paths


def _applies(fragment, on):
    condition = fragment.type_condition
    return on is None or condition is None or condition.name.value in on


def _fragment_paths(name, fragments, fragment_paths, on=None):
    key = name if on is None else (name, "on")  # one ``on`` per call: spread at its level
    if key not in fragment_paths:
        fragment_paths[key] = frozenset()  # validation refuses cycles; this stops one anyway
        fragment = fragments.get(name)
        if fragment is not None and _applies(fragment, on):
            fragment_paths[key] = frozenset(
                _paths(fragment.selection_set, fragments, fragment_paths, on)
            )
    return fragment_paths[key]


def selected_paths(info, *, under=(), on=None):
    """Dotted snake_case paths selected below the current field.

    For example ``{"authors", "authors.person"}``.

    ``under`` skips wrapper levels, e.g. ``("edges", "node")`` for a connection.
    ``on`` keeps, at the first level, only fragments on these type names (a
    ``Node`` or other abstract field: the paths of one of its types).
    """
    paths, fragment_paths = set(), {}
    for node in info.field_nodes:
        if node.selection_set is not None:
            paths |= _paths(node.selection_set, info.fragments, fragment_paths, on)
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


class ColumnPlan:
    """Which columns of its model a type's selected fields read, so that a list loads
    those alone (``QuerySet.only``).

    A selected field named like a concrete field of the model reads that column (a
    foreign key its id; ``select_related`` brings the rest). ``reads`` names the columns
    of every other field (what its resolver reads; ``()`` for none), ``always`` those
    read whatever is selected (sort keys, the expiry time a cached answer honours). A
    selected field named in neither loads every column: a field added to the type
    without a word here is never read column by column, one query per row.
    """

    def __init__(self, model, *, always=(), reads=None):
        self.model = model
        self.always = (model._meta.pk.name, *always)
        self.reads = dict(reads or {})
        self.concrete = {field.name for field in model._meta.concrete_fields}

    def apply(self, queryset, paths):
        columns = set(self.always)
        for path in paths:
            if "." in path or path.startswith("__"):
                continue  # a relation's own fields, or ``__typename``
            if path in self.reads:
                columns.update(self.reads[path])
            elif path in self.concrete:
                columns.add(path)
            else:
                return queryset
        return queryset.only(*columns)
