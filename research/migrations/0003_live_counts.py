"""Live publication counts kept by the database: ``PublicationLiveCount`` per domain and
year, ``PublicationLiveChange`` (what entered or left, for positions) and
``PublicationLiveState`` (a sequence number), written by triggers on
``research_publication`` in the same transaction as the change, on PostgreSQL and
SQLite alike; filled from the existing rows first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# --- PostgreSQL: one trigger per statement, reading its transition tables, so a bulk
# insert of 100,000 rows updates each count row and the state row once, not 100,000
# times (repeated updates of one row in a transaction walk an ever longer version chain).

#: The rows a statement takes out of (``leaving``) or puts into (``entering``) the
#: live-by-flag set, or moves within it; ``recount``: whether their count row changes.
_PG_SETS = {
    "INSERT": {
        "leaving": "SELECT NULL::int AS id, NULL::int AS domain_id, NULL::int AS year, "
        "NULL::varchar AS sort_title, false AS recount WHERE false",
        "entering": "SELECT id, domain_id, year, sort_title, true AS recount "
        "FROM new_rows WHERE live",
        "window": "false",
    },
    "DELETE": {
        "leaving": "SELECT id, domain_id, year, sort_title, true AS recount "
        "FROM old_rows WHERE live",
        "entering": "SELECT NULL::int AS id, NULL::int AS domain_id, NULL::int AS year, "
        "NULL::varchar AS sort_title, false AS recount WHERE false",
        "window": "false",
    },
    "UPDATE": {
        "leaving": "SELECT o.id, o.domain_id, o.year, o.sort_title, "
        "(NOT n.live OR o.domain_id <> n.domain_id OR o.year <> n.year) AS recount "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.live AND (NOT n.live "
        "OR o.domain_id <> n.domain_id OR o.year <> n.year OR o.sort_title <> n.sort_title)",
        "entering": "SELECT n.id, n.domain_id, n.year, n.sort_title, "
        "(NOT o.live OR o.domain_id <> n.domain_id OR o.year <> n.year) AS recount "
        "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.live AND (NOT o.live "
        "OR o.domain_id <> n.domain_id OR o.year <> n.year OR o.sort_title <> n.sort_title)",
        # A live row's go-live or expiry time moved: no count changes, but a reader's
        # correction does, so the sequence moves.
        "window": "EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
        "WHERE (o.live OR n.live) AND (o.go_live_at IS DISTINCT FROM n.go_live_at "
        "OR o.expire_at IS DISTINCT FROM n.expire_at))",
    },
}

_PG_FUNCTION = """
CREATE FUNCTION research_publication_live_{op}() RETURNS trigger AS $$
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
        (seq, publication_id, domain_id, year, sort_title, delta)
        SELECT now_seq, id, domain_id, year, sort_title, -1 FROM ({leaving}) AS l
        UNION ALL
        SELECT now_seq, id, domain_id, year, sort_title, 1 FROM ({entering}) AS e;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

_PG_REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}

#: Microseconds since the epoch: where a (re)started sequence begins.
_PG_FRESH = "(extract(epoch from now()) * 1000000)::bigint"
_SQLITE_FRESH = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"

PG_TRIGGERS = [
    statement
    for op, sets in _PG_SETS.items()
    for statement in (
        _PG_FUNCTION.format(op=op.lower(), fresh=_PG_FRESH, **sets),
        f"CREATE TRIGGER research_publication_live_{op.lower()} AFTER {op} "
        f"ON research_publication {_PG_REFERENCING[op]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION research_publication_live_{op.lower()}()",
    )
]
PG_DROP = [
    statement
    for op in ("insert", "delete", "update")
    for statement in (
        f"DROP TRIGGER IF EXISTS research_publication_live_{op} ON research_publication",
        f"DROP FUNCTION IF EXISTS research_publication_live_{op}()",
    )
]

# --- SQLite: row triggers without variables, so each statement repeats its condition.
# Writers are serialised by the database lock, so seq order is commit order by itself.
_OLD_LEAVES = "OLD.live AND (NOT NEW.live OR {moved})"
_NEW_ENTERS = "NEW.live AND (NOT OLD.live OR {moved})"
_MOVED = "OLD.domain_id <> NEW.domain_id OR OLD.year <> NEW.year"
_PLACE_MOVED = _MOVED + " OR OLD.sort_title <> NEW.sort_title"
_BUMP = (
    "INSERT OR IGNORE INTO research_publicationlivestate (id, seq, floor) "
    f"VALUES (1, {_SQLITE_FRESH} - 1, {_SQLITE_FRESH});"
    "UPDATE research_publicationlivestate SET seq = seq + 1 WHERE id = 1;"
)
_CHANGE = (
    "INSERT INTO research_publicationlivechange "
    "(seq, publication_id, domain_id, year, sort_title, delta) "
    "SELECT seq, {row}.id, {row}.domain_id, {row}.year, {row}.sort_title, {delta} "
    "FROM research_publicationlivestate WHERE id = 1 AND ({when});"
)
_ADD = (
    "INSERT OR IGNORE INTO research_publicationlivecount (domain_id, year, live) "
    "SELECT {row}.domain_id, {row}.year, 0 WHERE {when};"
    "UPDATE research_publicationlivecount SET live = live + 1 "
    "WHERE domain_id = {row}.domain_id AND year = {row}.year AND ({when});"
)
_REMOVE = (
    "UPDATE research_publicationlivecount SET live = live - 1 "
    "WHERE domain_id = {row}.domain_id AND year = {row}.year AND ({when});"
)
SQLITE_TRIGGERS = [
    "CREATE TRIGGER research_publication_live_insert AFTER INSERT ON research_publication "
    "WHEN NEW.live BEGIN "
    + _BUMP
    + _ADD.format(row="NEW", when="1")
    + _CHANGE.format(row="NEW", delta=1, when="1")
    + " END",
    "CREATE TRIGGER research_publication_live_delete AFTER DELETE ON research_publication "
    "WHEN OLD.live BEGIN "
    + _BUMP
    + _REMOVE.format(row="OLD", when="1")
    + _CHANGE.format(row="OLD", delta=-1, when="1")
    + " END",
    "CREATE TRIGGER research_publication_live_update AFTER UPDATE ON research_publication "
    "WHEN (OLD.live OR NEW.live) AND (OLD.live <> NEW.live OR "
    + _PLACE_MOVED
    + " OR OLD.go_live_at IS NOT NEW.go_live_at OR OLD.expire_at IS NOT NEW.expire_at) BEGIN "
    + _BUMP
    + _REMOVE.format(row="OLD", when=_OLD_LEAVES.format(moved=_MOVED))
    + _CHANGE.format(row="OLD", delta=-1, when=_OLD_LEAVES.format(moved=_PLACE_MOVED))
    + _ADD.format(row="NEW", when=_NEW_ENTERS.format(moved=_MOVED))
    + _CHANGE.format(row="NEW", delta=1, when=_NEW_ENTERS.format(moved=_PLACE_MOVED))
    + " END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS research_publication_live_{name}"
    for name in ("insert", "delete", "update")
]

FILL_COUNTS = (
    "INSERT INTO research_publicationlivecount (domain_id, year, live) "
    "SELECT domain_id, year, COUNT(*) FROM research_publication WHERE live "
    "GROUP BY domain_id, year"
)


def create_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        # Compared with sort_title, which sorts in code-point order there (0001).
        schema_editor.execute(
            "ALTER TABLE research_publicationlivechange "
            'ALTER COLUMN sort_title TYPE varchar(255) COLLATE "C"'
        )
    fresh = _PG_FRESH if postgresql else _SQLITE_FRESH
    schema_editor.execute(
        f"INSERT INTO research_publicationlivestate (id, seq, floor) VALUES (1, {fresh}, {fresh})"
    )
    schema_editor.execute(FILL_COUNTS)
    for statement in PG_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for statement in PG_DROP if postgresql else SQLITE_DROP:
        schema_editor.execute(statement)
    for table in ("count", "change", "state"):
        schema_editor.execute(f"DELETE FROM research_publicationlive{table}")


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0002_publication_search_vector"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationLiveChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField(db_index=True)),
                ("publication_id", models.IntegerField()),
                ("domain_id", models.IntegerField()),
                ("year", models.PositiveSmallIntegerField()),
                ("sort_title", models.CharField(max_length=255)),
                ("delta", models.SmallIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="PublicationLiveCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("live", models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="PublicationLiveState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField()),
                ("floor", models.BigIntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                condition=models.Q(("expire_at__isnull", False), ("live", True)),
                fields=["expire_at"],
                name="publication_live_expiry",
            ),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(
                condition=models.Q(("go_live_at__isnull", False), ("live", True)),
                fields=["go_live_at"],
                name="publication_live_go_live",
            ),
        ),
        migrations.AddField(
            model_name="publicationlivecount",
            name="domain",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="research.researchdomain",
            ),
        ),
        migrations.AddConstraint(
            model_name="publicationlivecount",
            constraint=models.UniqueConstraint(
                fields=("domain", "year"), name="publication_live_count_key"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
