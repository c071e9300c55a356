"""Totals, facets and positions of publication lists read from maintained counts.

The database keeps, per domain and year, how many publications are live by their
flag (``research.models.PublicationLiveCount``, written by triggers in the same
transaction as any change), and a log of what entered or left that set
(``PublicationLiveChange``) under a sequence number (``PublicationLiveState``).
``live()`` is "live by flag" minus the few rows outside their time window
(``Publication.objects.live_by_flag_only``: scheduled for later, or expired before the
scheduler ran), so a list without a search reads its totals and facets from a few
hundred count rows minus those, in one statement, instead of counting 100,000 rows;
and a keyset page after a cursor knows its position from the position the cursor
remembered plus the logged changes before it since, instead of counting the rows
before it. Both stay exact whatever happened since: publish, unpublish, delete, a
domain or year change, a go-live or expiry time passing with no scheduler run.
"""

import datetime

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import (
    Publication,
    PublicationLiveChange,
    PublicationLiveCount,
    PublicationLiveState,
    ResearchDomain,
)

#: Past this many logged changes since a cursor (in its list), its position is counted.
MAX_CHANGES = 1000


def live_per_domain(now, year=None):
    """Live publications of the outer ``ResearchDomain`` (of ``year``) at ``now``, as an
    expression: its count rows minus its rows outside their time window."""
    counted, outside = _counted_and_outside(now, year)
    return _grouped(counted, Sum("live")) - _grouped(outside, Count("pk"))


def _counted_and_outside(now, year):
    """The count rows (of ``year``) and the rows live by flag outside their window."""
    counted = PublicationLiveCount.objects.all()
    outside = Publication.objects.live_by_flag_only(now)
    if year is not None:
        counted = counted.filter(year=year)
        outside = outside.filter(year=year)
    return counted, outside


def _grouped(queryset, expression):
    """``expression`` over ``queryset``'s rows of the outer domain, as a subquery."""
    return Coalesce(
        Subquery(
            queryset.filter(domain=OuterRef("pk"))
            .order_by()
            .values("domain")
            .annotate(n=expression)
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


class LiveCounts:
    """Every domain in editor order with its live publications (of ``year``, when
    given) at ``now``, and the log's sequence number they are exact at: one query."""

    def __init__(self, *, year, now):
        self.year = year
        self.now = now
        self.domains = list(_COUNTS_STATEMENT.run(now=now, year=year))
        first = self.domains[0] if self.domains else None
        #: ``None`` before the triggers ever ran (no state row): positions are counted.
        self.seq = first.seq if first else None
        self.floor = first.floor if first else None

    def counts(self):
        """``{domain id: live publications}``, as ``DomainCounts`` reads them."""
        return {domain.pk: domain.by_flag - domain.outside_window for domain in self.domains}

    def any_outside_window(self, selected):
        counted = selected or self.domains
        return any(domain.outside_window for domain in counted)


def _counts_queryset(*, year, now):
    counted, outside = _counted_and_outside(now, year)
    state = PublicationLiveState.objects.filter(pk=1)
    return ResearchDomain.objects.order_by("sort_order", "id").annotate(
        by_flag=_grouped(counted, Sum("live")),
        outside_window=_grouped(outside, Count("pk")),
        seq=Subquery(state.values("seq")),
        floor=Subquery(state.values("floor")),
    )


class CountsStatement:
    """``LiveCounts``' one statement, built and compiled by the ORM once per database
    and kind (with a year or without), then run with each request's moment and year.

    Building and compiling its nested subqueries took about 2 of the 3.6 ms it cost, on
    every list without a search; the database runs it in 0.5. The statement is compiled
    with marker values for the moment and the year, whose places among its parameters
    are then filled in on each run; the ORM still writes all of its SQL.
    """

    #: Never a moment or a year of a publication (years are validated to a few centuries),
    #: yet within the columns' ranges (Django compiles an out-of-range integer as no row):
    #: found among the parameters by value.
    MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
    YEAR = 32109

    def __init__(self):
        self._compiled = {}

    def run(self, *, now, year):
        """The domains, annotated as ``LiveCounts`` reads them."""
        sql, params, moments, years = self._compile(with_year=year is not None)
        params = list(params)
        moment = connection.ops.adapt_datetimefield_value(now)
        for index in moments:
            params[index] = moment
        for index in years:
            params[index] = year
        return ResearchDomain.objects.raw(sql, params)

    def _compile(self, *, with_year):
        key = (connection.alias, connection.vendor, with_year)
        if key not in self._compiled:
            queryset = _counts_queryset(year=self.YEAR if with_year else None, now=self.MOMENT)
            sql, params = queryset.query.sql_with_params()
            moment = connection.ops.adapt_datetimefield_value(self.MOMENT)
            moments = [i for i, value in enumerate(params) if value == moment]
            years = [i for i, value in enumerate(params) if value == self.YEAR]
            # The moment bounds the time window twice (scheduled, expired); the year
            # filters the counts and the rows outside their window.
            if len(moments) != 2 or len(years) != (2 if with_year else 0):
                raise RuntimeError(
                    f"The live counts statement changed shape: {len(moments)} moments and "
                    f"{len(years)} years among its parameters; update CountsStatement."
                )
            self._compiled[key] = (sql, tuple(params), moments, years)
        return self._compiled[key]


_COUNTS_STATEMENT = CountsStatement()


def precedes(ordering, first, second):
    """Whether key values ``first`` come strictly before ``second`` in ``ordering``
    (Python compares strings by code point, as both databases compare ``sort_title``)."""
    for key, a, b in zip(ordering.keys, first, second, strict=True):
        if a != b:
            return (a < b) != key.descending
    return False


class LivePositions:
    """Positions of a keyset page of live publications (no search) without counting.

    A cursor carries ``tally``: ``[seq, n]``, n being how many publications live by flag
    in the list came up to and including its row when the log stood at ``seq``. Now:
    n plus the logged changes since, at or before the row, minus the rows live by flag
    but outside their window up to it, is the row's position.
    """

    def __init__(self, counts, *, selected, year):
        self.counts = counts
        self.selected_ids = None if not selected else [domain.pk for domain in selected]
        self.year = year
        self._outside = []
        if counts.seq is not None and counts.any_outside_window(selected):
            # Read before the page's rows, which then prove nothing moved in between.
            self._outside = list(
                self._in_list(Publication.objects.live_by_flag_only(counts.now)).values(
                    "sort_title", "year", "id"
                )
            )

    def _in_list(self, queryset, domain="domain_id"):
        if self.selected_ids is not None:
            queryset = queryset.filter(**{f"{domain}__in": self.selected_ids})
        if self.year is not None:
            queryset = queryset.filter(year=self.year)
        return queryset

    def prepare(self, queryset):
        """The page's rows carry the sequence number they were read at."""
        return queryset.annotate(
            live_seq=Subquery(PublicationLiveState.objects.filter(pk=1).values("seq"))
        )

    def _outside_up_to(self, ordering, values, *, inclusive):
        return sum(
            1
            for row in self._outside
            if precedes(ordering, [row[key.field] for key in ordering.keys], values)
            or (inclusive and [row[key.field] for key in ordering.keys] == values)
        )

    def rows_before(self, ordering, cursor, *, forward, page_rows):
        """Live publications before the page that follows (``forward``) or precedes
        ``cursor``; ``None`` when the cursor's tally cannot be brought up to date."""
        if self.counts.seq is None or cursor.tally is None:
            return None
        seq, through = cursor.tally
        if seq < self.counts.floor or seq > self.counts.seq:
            return None
        # Issued at the log's current seq: nothing changed since, no statement to ask it.
        changes = [] if seq == self.counts.seq else self._changes_since(seq)
        if len(changes) > MAX_CHANGES:
            return None  # so much changed that counting is cheaper
        key = cursor.key
        fields = [key_field.field for key_field in ordering.keys]
        at_cursor = 1  # the cursor's row was live when it was issued
        for title, year, pk, delta in changes:
            values = [{"sort_title": title, "year": year, "id": pk}[name] for name in fields]
            if precedes(ordering, values, key):
                through += delta
            elif values == key:
                through += delta
                at_cursor += delta
        if forward:  # everything up to and including the cursor's row
            return through - self._outside_up_to(ordering, key, inclusive=True)
        before_cursor = through - at_cursor - self._outside_up_to(ordering, key, inclusive=False)
        return before_cursor - len(page_rows)

    def _changes_since(self, seq):
        """The logged changes in the list after ``seq``, up to the counts' seq, in order
        (``MAX_CHANGES + 1`` at most)."""
        return list(
            self._in_list(
                PublicationLiveChange.objects.filter(seq__gt=seq, seq__lte=self.counts.seq)
            )
            .order_by("seq")
            .values_list("sort_title", "year", "publication_id", "delta")[: MAX_CHANGES + 1]
        )

    def tallies(self, ordering, rows, rows_before):
        """What each row's cursor carries; ``None`` for all when a change committed
        while the request read (the page's rows were read at another sequence number
        than the counts), so no cursor remembers a position that may be off."""
        if self.counts.seq is None or any(row.live_seq != self.counts.seq for row in rows):
            return [None] * len(rows)
        return [
            [
                self.counts.seq,
                rows_before
                + offset
                + 1
                + self._outside_up_to(ordering, ordering.values_of(row), inclusive=True),
            ]
            for offset, row in enumerate(rows)
        ]
