"""Which statements counted publications: a list's totals must come from maintained
counts, never from a scan of the publications they count."""

import re

#: ``COUNT(...) ... FROM research_publication`` up to the end of its WHERE clause, as the
#: ORM writes it (quoted) and as ``research.api.search_counts`` does (not quoted).
PUBLICATION_COUNT = re.compile(
    r'COUNT\([^)]*\)(?:(?!SELECT).)*?FROM "?research_publication"?(?![a-z_])(?:(?!SELECT).)*',
    re.S | re.I,
)
TABLE = re.compile(r'FROM "?research_publication"?(?![a-z_])', re.I)

#: Conditions that limit a count to a few rows: those live by flag outside their time
#: window (``live_by_flag_only``, two partial indexes), and those changed since a
#: search's counts were remembered (``search_counts``).
FEW_ROWS = ('"go_live_at" >', "p.go_live_at >", "p.id IN (")


def publication_counts(captured):
    """The counts over the publications table in ``captured`` statements, except those
    over a few rows (``FEW_ROWS``)."""
    return [
        match
        for query in captured
        for match in PUBLICATION_COUNT.findall(query["sql"])
        if not any(condition in TABLE.split(match, 1)[1] for condition in FEW_ROWS)
    ]
