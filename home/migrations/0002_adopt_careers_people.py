"""Give a database migrated before people moved here careers' people tables.

Such a database ran the old home 0001, careers 0001-0002 and research 0001-0005
(their squashed replacements count as applied there), so its organizations, teams
and people are still in ``careers_*`` tables under ``careers`` content types. Here
the tables are renamed, keeping every row and id (foreign keys to them follow the
rename on PostgreSQL and SQLite), and the content types are relabelled to ``home``,
keeping their ids: revisions, the reference index, search index entries,
permissions and group permissions keep pointing at the same rows.

A fresh database has no ``careers_person`` table (home 0001 created home's):
nothing to do.
"""

from django.db import migrations

MOVED_MODELS = ("organization", "team", "person")


def adopt_careers_people(apps, schema_editor):
    connection = schema_editor.connection
    tables = set(connection.introspection.table_names())
    if "careers_person" not in tables:
        return
    for name in MOVED_MODELS:
        model = apps.get_model("home", name)
        if model._meta.db_table in tables:
            raise RuntimeError(
                f"Both careers_{name} and {model._meta.db_table} exist: move the rows by hand."
            )
        schema_editor.alter_db_table(model, f"careers_{name}", model._meta.db_table)
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(connection.alias)
    # A home content type asked for by today's code before its tables existed (Wagtail's
    # post_migrate after an earlier partial migrate) points at nothing yet: the careers
    # one carries the rows' permissions, revisions and references, and takes its place.
    content_types.filter(app_label="home", model__in=MOVED_MODELS).delete()
    content_types.filter(app_label="careers", model__in=MOVED_MODELS).update(app_label="home")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial_squashed_people"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(adopt_careers_people, migrations.RunPython.noop)]
