"""On PostgreSQL the live-change log also records what a search matched: a row leaving
the live-by-flag set keeps its search vector, and a change of a live row's vector (a
reindex: its text, its domain's or an author's name) is logged as leaving and entering.

Why: a search's counts per domain took one scan of every match on each uncached
request (51.9 ms for the 46,872 matches of one word at 100,000 publications), whatever
had changed since. Remembered with the log's ``seq`` they are exact at, they are
brought up to date from the changes since (``research.api.live_counts.SearchCounts``):
a publication's effect is whether it matched at that ``seq`` (its first change since:
leaving, with the vector it had then; entering, it was not live) and whether it
matches now (its row). Only leaving rows keep a vector, so publishing or indexing a
publication for the first time logs none.

The positions of ``LivePositions`` are unchanged: a reindex logs -1 and +1 at the
same place, which cancel. SQLite has no vector column and keeps counting its searches.
"""

from django.db import migrations

_NO_ROWS = (
    "SELECT NULL::int AS id, NULL::int AS domain_id, NULL::int AS year, "
    "NULL::varchar AS sort_title, NULL::tsvector AS search_vector, false AS recount "
    "WHERE false"
)
_MOVED = "o.domain_id <> n.domain_id OR o.year <> n.year"
_PLACE_OR_MATCH_MOVED = (
    f"{_MOVED} OR o.sort_title <> n.sort_title "
    "OR o.search_vector IS DISTINCT FROM n.search_vector"
)

#: As 0003's, with the vector a leaving row had (entering rows need none: a reader
#: reads whether a publication matches now from its row).
SETS = {
    "INSERT": {
        "leaving": _NO_ROWS,
        "entering": "SELECT id, domain_id, year, sort_title, NULL::tsvector AS search_vector, "
        "true AS recount FROM new_rows WHERE live",
        "window": "false",
    },
    "DELETE": {
        "leaving": "SELECT id, domain_id, year, sort_title, search_vector, true AS recount "
        "FROM old_rows WHERE live",
        "entering": _NO_ROWS,
        "window": "false",
    },
    "UPDATE": {
        "leaving": "SELECT o.id, o.domain_id, o.year, o.sort_title, o.search_vector, "
        f"(NOT n.live OR {_MOVED}) AS recount "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE o.live AND (NOT n.live OR {_PLACE_OR_MATCH_MOVED})",
        "entering": "SELECT n.id, n.domain_id, n.year, n.sort_title, "
        f"NULL::tsvector AS search_vector, (NOT o.live OR {_MOVED}) AS recount "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id "
        f"WHERE n.live AND (NOT o.live OR {_PLACE_OR_MATCH_MOVED})",
        "window": "EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE (o.live OR n.live) AND (o.go_live_at IS DISTINCT FROM n.go_live_at "
        "OR o.expire_at IS DISTINCT FROM n.expire_at))",
    },
}

FUNCTION = """
CREATE OR REPLACE FUNCTION research_publication_live_{op}() RETURNS trigger AS $$
DECLARE
    now_seq bigint;
BEGIN
    IF NOT (EXISTS ({leaving}) OR EXISTS ({entering}) OR {window}) THEN
        RETURN NULL;
    END IF;
    -- Its row lock orders every such transaction: they commit in seq order.
    INSERT INTO research_publicationlivestate AS state (id, seq, floor)
        VALUES (1, {fresh}, {fresh})
        ON CONFLICT (id) DO UPDATE SET seq = state.seq + 1
        RETURNING state.seq INTO now_seq;
    INSERT INTO research_publicationlivecount AS counted (domain_id, year, live)
        SELECT domain_id, year, SUM(delta) FROM (
            SELECT domain_id, year, -1 AS delta FROM ({leaving}) AS l WHERE recount
            UNION ALL
            SELECT domain_id, year, 1 AS delta FROM ({entering}) AS e WHERE recount
        ) AS deltas GROUP BY domain_id, year
        ON CONFLICT (domain_id, year) DO UPDATE SET live = counted.live + EXCLUDED.live;
    INSERT INTO research_publicationlivechange
        (seq, publication_id, domain_id, year, sort_title, delta, search_vector)
        SELECT now_seq, id, domain_id, year, sort_title, -1, search_vector FROM ({leaving}) AS l
        UNION ALL
        SELECT now_seq, id, domain_id, year, sort_title, 1, search_vector FROM ({entering}) AS e;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

_FRESH = "(extract(epoch from now()) * 1000000)::bigint"


def _functions(sets, template):
    return [template.format(op=op.lower(), fresh=_FRESH, **parts) for op, parts in sets.items()]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE research_publicationlivechange ADD COLUMN search_vector tsvector"
    )
    for statement in _functions(SETS, FUNCTION):
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    earlier = __import__("research.migrations.0003_live_counts", fromlist=["_PG_SETS"])
    template = earlier._PG_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for statement in _functions(earlier._PG_SETS, template):
        schema_editor.execute(statement, params=None)
    schema_editor.execute("ALTER TABLE research_publicationlivechange DROP COLUMN search_vector")


class Migration(migrations.Migration):
    dependencies = [("research", "0004_search_vector_on_insert")]

    operations = [migrations.RunPython(forwards, backwards)]
