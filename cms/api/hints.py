"""What each GraphQL type declares beside itself for the API machinery.

* ``prefetch``: a ``PrefetchPlan``, how each of its selected fields is loaded in
  bulk (its lists, ``nodes`` and ``pages`` apply it);
* ``columns``: a ``ColumnPlan``, which columns of its model its selected fields read,
  so that its lists and ``nodes`` load those alone (none declared: every column);
* ``list_sizes``: the estimated length of each of its list fields that has no size
  argument, for the query cost (``cms.api.limits``); a list not named here counts
  ``limits.DEFAULT_LIST_SIZE``.

An app declares them in its ``api/types.py``, next to the type, so adding a field
touches the model and its type and nothing in ``cms``::

    @declare(prefetch=PrefetchPlan({"members": ...}), list_sizes={"members": 20})
    class TeamType(DjangoObjectType): ...

A page's type is declared there too, with ``expose_page(StoryPage, fields=[...],
prefetch=..., list_sizes=...)``: its fields (grapple's field declarations) and their
hints in one place, the same route as a snippet's type, while the model holds content
only and names no GraphQL field.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

from .prefetch import ColumnPlan, PrefetchPlan


@dataclass(frozen=True)
class TypeHints:
    prefetch: PrefetchPlan = field(default_factory=lambda: PrefetchPlan({}))
    columns: ColumnPlan | None = None
    list_sizes: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))


NO_HINTS = TypeHints()

#: A graphene type, or a page model (whose type grapple builds) → its ``TypeHints``.
_DECLARED = {}


def declare(target=None, *, prefetch=None, columns=None, list_sizes=None):
    """Declare the hints of ``target``: a graphene type or a page model.

    Without ``target`` it is a class decorator for a graphene type. A type is
    declared once: a second declaration would silently replace the first.
    """

    def register(target):
        if target in _DECLARED:
            raise ValueError(f"Hints for {target.__name__} are already declared.")
        _DECLARED[target] = TypeHints(
            prefetch=prefetch if prefetch is not None else PrefetchPlan({}),
            columns=columns,
            list_sizes=MappingProxyType(dict(list_sizes or {})),
        )
        return target

    return register if target is None else register(target)


def hints_for(target):
    """The hints declared for a graphene type or a page model (empty if none)."""
    return _DECLARED.get(target, NO_HINTS)


def hints_of_schema_type(graphql_type):
    """The hints of a built schema's type: declared for its graphene type, or for the
    page model grapple built it from."""
    graphene_type = getattr(graphql_type, "graphene_type", None)
    if graphene_type is None:
        return NO_HINTS
    declared = _DECLARED.get(graphene_type)
    if declared is None:
        model = getattr(getattr(graphene_type, "_meta", None), "model", None)
        declared = _DECLARED.get(model)
    return declared or NO_HINTS


def prefetched(target, queryset, paths, lookup=""):
    """``queryset`` with the prefetches ``target`` declares for the selected ``paths``,
    loading only the columns they read (its ``ColumnPlan``) when it lists ``target``'s
    own model (no ``lookup``)."""
    hints = hints_for(target)
    if hints.columns is not None and not lookup:
        queryset = hints.columns.apply(queryset, paths)
    return hints.prefetch.apply(queryset, paths, lookup)


def expose_page(model, *, fields, prefetch=None, list_sizes=None):
    """Declare a page model's public type: its ``fields`` and their hints.

    grapple builds a page's type from ``graphql_fields`` when the schema is built;
    giving it here, from the app's ``api/types.py``, keeps every schema field of the
    app in that one module (the model knows no GraphQL). Registers the page with
    grapple once.
    """
    from grapple.actions import register_page_model

    if "graphql_fields" in vars(model):
        raise ValueError(f"The fields of {model.__name__} are already declared.")
    model.graphql_fields = list(fields)
    declare(model, prefetch=prefetch, list_sizes=list_sizes)
    register_page_model(model, "")
    return model
