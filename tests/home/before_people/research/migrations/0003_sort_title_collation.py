"""Sort titles in code-point order on PostgreSQL, as SQLite does.

A locale collation (en_US, ICU) ignores spaces and punctuation, so "above the
clouds" would sort before "a cloud-compatible…"; the seed page has them the
other way round. SQLite compares bytes already, so this runs on PostgreSQL only.
"""

from django.db import migrations

from cms.text import normalize_for_search


def use_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE research_publication ALTER COLUMN sort_title TYPE varchar(255) COLLATE "C"'
    )
    schema_editor.execute("REINDEX INDEX publication_title_sort")


def use_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE research_publication ALTER COLUMN sort_title TYPE varchar(255) COLLATE "
        '"default"'
    )


def fill_search_titles(apps, schema_editor):
    publication_model = apps.get_model("research", "Publication")
    for publication in publication_model.objects.only("id", "title"):
        publication_model.objects.filter(pk=publication.pk).update(
            search_title=normalize_for_search(publication.title)
        )


class Migration(migrations.Migration):
    dependencies = [("research", "0002_search_keys")]

    operations = [
        migrations.RunPython(use_c_collation, use_default_collation),
        migrations.RunPython(fill_search_titles, migrations.RunPython.noop),
    ]
