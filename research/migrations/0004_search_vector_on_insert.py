"""A publication inserted after its search index entry takes the entry's vector too.

Migration 0002's trigger copies a write of the index entry into the publication row,
which must already exist. Restoring a copy of the database (``loaddata``, a test
database's serialized copy) inserts Wagtail's index entries before the publications
(apps are restored in ``INSTALLED_APPS`` order), so each publication came back with no
vector and no search on PostgreSQL found it. Filled on insert as well, the column is
right whichever of the two rows is written first. PostgreSQL only, like 0002.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION research_publication_search_vector_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.search_vector IS NULL THEN
        SELECT strip(e.autocomplete) INTO NEW.search_vector
        FROM wagtailsearch_indexentry e
        JOIN django_content_type ct ON ct.id = e.content_type_id
        WHERE ct.app_label = 'research' AND ct.model = 'publication'
          AND e.object_id = NEW.id::text;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER publication_search_vector_on_insert
BEFORE INSERT ON research_publication
FOR EACH ROW EXECUTE FUNCTION research_publication_search_vector_on_insert();
"""

DROP = """
DROP TRIGGER IF EXISTS publication_search_vector_on_insert ON research_publication;
DROP FUNCTION IF EXISTS research_publication_search_vector_on_insert();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("research", "0003_live_counts")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
