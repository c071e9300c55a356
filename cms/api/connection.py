"""The one cursor-pagination implementation: connection types and ``paginate``.

A list field declares an ``Ordering`` (columns ending in a unique one, usually
``id``) and hands its filtered queryset to ``paginate``. Keyset orderings page
with ``WHERE (key, id) > (cursor values)``: no OFFSET, so a deep page costs the
same as the first and a row published before the current page never shifts or
repeats the next one. Position-based orderings (relevance) use offsets and say
so in their descriptions.

Counts are lazy: ``totalCount`` and the positions cost a query only when the
client selects them. A list that maintains its counts passes ``positions`` and
``count_total`` so that neither ever counts (``research.api.live_counts``).
"""

from dataclasses import dataclass, fields
from functools import cache, cached_property

import graphene
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from cms.publishing import model_tag

from .cache import content_version
from .conf import api_setting
from .cursors import decode_cursor, encode_cursor
from .errors import UserInputError
from .hints import declare
from .tags import note_list_tags


@dataclass(frozen=True)
class SortKey:
    #: A model field or annotation that is never NULL.
    field: str
    descending: bool = False

    def order_expression(self, *, reverse=False):
        descending = self.descending != reverse
        return F(self.field).desc() if descending else F(self.field).asc()


@dataclass(frozen=True)
class Ordering:
    """A sort order: its keys end in a unique column so every row has one place."""

    name: str
    keys: tuple[SortKey, ...]
    #: False for orders whose keys cannot be compared in SQL (relevance): offset cursors.
    keyset: bool = True

    def order_by(self, *, reverse=False):
        return [key.order_expression(reverse=reverse) for key in self.keys]

    def values_of(self, row):
        return [_json_value(getattr(row, key.field)) for key in self.keys]

    def beyond(self, values, *, forward):
        """Rows strictly after (``forward``) or before the row with these key values.

        ``(a > x) OR (a = x AND b > y) …``, AND-ed with ``a >= x``: the same rows, but
        the extra bound on the leading key lets the database start from the cursor in
        the index instead of filtering every row before it.
        """
        condition = Q()
        for index, key in enumerate(self.keys):
            equal = {self.keys[i].field: values[i] for i in range(index)}
            lookup = "gt" if forward != key.descending else "lt"
            condition |= Q(**equal, **{f"{key.field}__{lookup}": values[index]})
        leading = self.keys[0]
        bound = "gte" if forward != leading.descending else "lte"
        return Q(**{f"{leading.field}__{bound}": values[0]}) & condition


#: Editors' order (Wagtail's ``Orderable.sort_order``, set when they reorder a list in the
#: admin), then id. ``sort_order`` may be NULL (a row no one has placed yet): such rows
#: come last, in the same place on SQLite and PostgreSQL (which sort NULLs differently).
EDITOR_ORDER = Ordering("editor", (SortKey("editor_order"), SortKey("id")))
UNPLACED = 2**31 - 1


def in_editor_order(queryset):
    """``queryset`` annotated with the key ``EDITOR_ORDER`` pages on."""
    return queryset.annotate(editor_order=Coalesce("sort_order", Value(UNPLACED)))


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@dataclass
class Window:
    size: int
    forward: bool


def checked_page_size(name, value):
    """``value`` when it is a page size the API serves (1..MAX_PAGE_SIZE); refused,
    never capped, otherwise. ``None`` (not given) passes through."""
    max_size = api_setting("MAX_PAGE_SIZE")
    if value is not None and not 1 <= value <= max_size:
        raise UserInputError(
            f"`{name}` must be between 1 and {max_size}; got {value}.", field=name
        )
    return value


def page_window(first, last):
    """Validate ``first``/``last``; refuse rather than cap."""
    if first is not None and last is not None:
        raise UserInputError("Pass either `first` or `last`, not both.", field="first")
    checked_page_size("first", first)
    checked_page_size("last", last)
    if last is not None:
        return Window(size=last, forward=False)
    return Window(
        size=first if first is not None else api_setting("DEFAULT_PAGE_SIZE"), forward=True
    )


class Edge:
    """One row of a page. Its cursor is signed when first read: most pages are asked
    only for ``pageInfo.endCursor``, and signing one cursor per row was about a tenth
    of a 100-row page's time."""

    __slots__ = ("node", "_cursor_of", "_offset", "_cursor")

    def __init__(self, node, cursor_of, offset):
        self.node, self._cursor_of, self._offset, self._cursor = node, cursor_of, offset, None

    @property
    def cursor(self):
        if self._cursor is None:
            self._cursor = self._cursor_of(self._offset)
        return self._cursor


@dataclass
class PageInfoData:
    has_next_page: bool
    has_previous_page: bool
    edges: list

    @property
    def start_cursor(self):
        return self.edges[0].cursor if self.edges else None

    @property
    def end_cursor(self):
        return self.edges[-1].cursor if self.edges else None


@dataclass
class ConnectionSlice:
    """One page of results plus lazily computed totals (see the module docstring)."""

    edges: list
    page_info: PageInfoData
    count_total: object
    count_before: object

    @cached_property
    def total_count(self):
        return self.count_total()

    @cached_property
    def start_position(self):
        return self.count_before() + 1 if self.edges else 0

    @property
    def end_position(self):
        return self.start_position + len(self.edges) - 1 if self.edges else 0

    def carrying(self, kind, **more):
        """This page as a ``kind`` (a dataclass subclass) with ``more`` fields: what a
        list's ``extra_fields`` read, typed, e.g. a publication page's domain counts."""
        return kind(**{item.name: getattr(self, item.name) for item in fields(self)}, **more)


def paginate(
    queryset,
    ordering,
    *,
    first=None,
    last=None,
    after=None,
    before=None,
    fingerprint,
    count_total=None,
    list_tags=None,
    positions=None,
):
    """Return the requested page of ``queryset`` in ``ordering`` as a ``ConnectionSlice``.

    ``count_total`` replaces ``queryset.count()`` when the caller can total more
    cheaply (e.g. from facet counts it computes anyway). ``list_tags`` name every list
    whose change may change which rows this one holds (default: its model's): a search
    also through related names, a filter by a scope (``publication:domain:3``). The
    answer carries them, and a cursor's remembered position holds while none changed.
    ``positions`` knows a keyset page's position from its cursor's ``tally`` without
    counting the rows before it: ``prepare(queryset)``, ``rows_before(ordering, cursor,
    forward=, page_rows=)`` (or ``None``) and ``tallies(ordering, rows, rows_before)``.
    """
    window = page_window(first, last)
    bounds = {
        name: decode_cursor(cursor, sort=ordering.name, fingerprint=fingerprint, argument=name)
        for name, cursor in (("after", after), ("before", before))
        if cursor is not None
    }
    for name, cursor in bounds.items():
        if (cursor.key if ordering.keyset else cursor.position) is None:
            raise UserInputError(f"The `{name}` cursor does not belong to this list.", field=name)
    # Counted at most once per page, whoever asks (the last page's position, totalCount).
    count_total = cache(count_total or queryset.count)
    list_tags = tuple(list_tags or (model_tag(queryset.model),))
    note_list_tags(list_tags)  # the answer depends on which objects the list holds
    if ordering.keyset:
        return _keyset_page(
            queryset, ordering, window, bounds, fingerprint, count_total, list_tags, positions
        )
    return _position_page(queryset, ordering, window, bounds, fingerprint, count_total)


def _keyset_page(
    queryset, ordering, window, bounds, fingerprint, count_total, list_tags, positions
):
    bounded = queryset if positions is None else positions.prepare(queryset)
    if "after" in bounds:
        bounded = bounded.filter(ordering.beyond(bounds["after"].key, forward=True))
    if "before" in bounds:
        bounded = bounded.filter(ordering.beyond(bounds["before"].key, forward=False))
    rows = list(
        bounded.order_by(*ordering.order_by(reverse=not window.forward))[: window.size + 1]
    )
    has_more = len(rows) > window.size
    rows = rows[: window.size]
    if window.forward:
        has_next, has_previous = has_more, "after" in bounds
    else:
        rows.reverse()
        has_next, has_previous = "before" in bounds, has_more

    # Positions stay exact while no list this one depends on has changed (their versions).
    version = content_version(list_tags)
    known_before = None
    if positions is not None:
        known_before = _maintained_position(positions, ordering, window, bounds, rows, count_total)
    if known_before is None:
        known_before = _known_position(window, bounds, len(rows), version)
    tallies = [None] * len(rows)
    if positions is not None and known_before is not None:
        tallies = positions.tallies(ordering, rows, known_before)

    def count_before():
        if known_before is not None:
            return known_before
        if not window.forward and "before" not in bounds:
            return count_total() - len(rows)  # the last page
        return queryset.filter(ordering.beyond(ordering.values_of(rows[0]), forward=False)).count()

    def cursor_of(offset):
        return encode_cursor(
            sort=ordering.name,
            fingerprint=fingerprint,
            values=ordering.values_of(rows[offset]),
            index=None if known_before is None or version is None else known_before + offset,
            version=version,
            tally=tallies[offset],
        )

    return _slice(rows, cursor_of, has_next, has_previous, count_total, count_before)


def _maintained_position(positions, ordering, window, bounds, rows, count_total):
    """Rows before this page without counting them (``paginate``'s ``positions``): none
    on the first page, the maintained total minus the page on the last, else from the
    cursor's ``tally``."""
    cursor = bounds.get("after") if window.forward else bounds.get("before")
    if cursor is None:
        return 0 if window.forward else count_total() - len(rows)
    return positions.rows_before(ordering, cursor, forward=window.forward, page_rows=rows)


def _known_position(window, bounds, row_count, version):
    """Rows before this page, when known without counting; else None.

    A keyset cursor remembers its row's index and the content version it was
    issued under. While no list the page depends on has changed and no content has
    expired since (same version), that index is still exact, so walking page by page
    never counts again; after a publish of such an object it is counted afresh.
    """
    if window.forward and "after" not in bounds:
        return 0
    cursor = bounds.get("after") if window.forward else bounds.get("before")
    if cursor is None or cursor.index is None:
        return None
    # ``version`` is None while the cache is down: nothing can be trusted.
    if version is None or cursor.version != version:
        return None
    return cursor.index + 1 if window.forward else max(cursor.index - row_count, 0)


def _position_page(queryset, ordering, window, bounds, fingerprint, count_total):
    """A page of an ordering that has no keyset (relevance): cursors are positions.

    An ``after`` at or beyond the ``before`` slices nothing: Django runs no query for
    an empty slice. As the Relay spec has it, a forward page has a next page when more
    rows than asked for lie between its cursors.
    """
    ordered = queryset.order_by(*ordering.order_by())
    start = bounds["after"].position + 1 if "after" in bounds else 0
    stop = bounds["before"].position if "before" in bounds else None
    if window.forward:
        end = start + window.size + 1 if stop is None else min(stop, start + window.size + 1)
        rows = list(ordered[start:end])
        has_next = len(rows) > window.size
        rows = rows[: window.size]
        has_previous = start > 0
        first_position = start
    else:
        if stop is None:
            stop = count_total()
        first_position = max(start, stop - window.size)
        rows = list(ordered[first_position:stop])
        has_previous = first_position > 0
        has_next = "before" in bounds

    def cursor_of(offset):
        return encode_cursor(
            sort=ordering.name, fingerprint=fingerprint, position=first_position + offset
        )

    return _slice(rows, cursor_of, has_next, has_previous, count_total, lambda: first_position)


def _slice(rows, cursor_of, has_next, has_previous, count_total, count_before):
    """``cursor_of(offset)``: the cursor of ``rows[offset]``, signed when first read."""
    edges = [Edge(row, cursor_of, offset) for offset, row in enumerate(rows)]
    page_info = PageInfoData(has_next_page=has_next, has_previous_page=has_previous, edges=edges)
    return ConnectionSlice(edges, page_info, count_total, count_before)


# --- GraphQL types ---------------------------------------------------------


class PageInfo(graphene.ObjectType):
    """Where this page sits in the whole list, and the cursors to move from it."""

    has_next_page = graphene.Boolean(
        required=True, description="True when more results follow this page."
    )
    has_previous_page = graphene.Boolean(
        required=True, description="True when results come before this page."
    )
    start_cursor = graphene.String(
        description="Cursor of the first edge; pass it as `before` for the previous page."
    )
    end_cursor = graphene.String(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


def connection_type(node_type, *, name, description, extra_fields=None, list_sizes=None):
    """Build ``{name}Edge`` and ``{name}Connection`` for ``node_type``.

    ``extra_fields`` adds fields to the connection (e.g. facets); their
    resolvers receive what the list's resolver returned as root: a
    ``ConnectionSlice``, or a subclass of it that carries what they need.
    ``list_sizes`` estimates the length of those that are lists, for the query
    cost (``cms.api.hints``).
    """
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "__doc__": f"One {name} in a list, with the cursor that points at it.",
            "cursor": graphene.String(
                required=True, description="Opaque cursor for `after`/`before`."
            ),
            "node": graphene.Field(node_type, required=True, description=f"The {name}."),
        },
    )
    attrs = {
        "__doc__": description,
        "edges": graphene.List(
            graphene.NonNull(edge), required=True, description="The results on this page."
        ),
        "page_info": graphene.Field(
            PageInfo, required=True, description="Cursors and whether more pages exist."
        ),
        "total_count": graphene.Int(
            required=True,
            description="How many results match the search and filters, over all pages.",
        ),
        "start_position": graphene.Int(
            required=True,
            description="1-based position of the first edge in the full result; 0 if empty.",
        ),
        "end_position": graphene.Int(
            required=True,
            description=(
                "1-based position of the last edge; 0 if empty. With `startPosition` and "
                "`totalCount`: “Showing 1 - 12 of 46 results”."
            ),
        ),
    }
    attrs.update(extra_fields or {})
    connection = type(f"{name}Connection", (graphene.ObjectType,), attrs)
    # The field returning a connection counts its page size; the edges add nothing on top.
    return declare(connection, list_sizes={"edges": 1, **(list_sizes or {})})
