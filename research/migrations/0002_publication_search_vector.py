"""A GIN-indexed copy of each publication's search-as-you-type vector, on PostgreSQL only.

Why: Wagtail's PostgreSQL backend keeps the vector in its own ``IndexEntry`` table,
joined to publications through a generic relation on ``object_id = id::text``. A
search that matches half the collection then joins tens of thousands of wide index
rows to publications before it can filter by domain, count per domain or sort. Kept
on the publication row, the match is one ``search_vector @@ tsquery`` predicate
beside the domain, year and live filters, served by a GIN index.

How it stays true: Wagtail's index stays the one place that decides what a
publication is found by (``Publication.search_document``, normalised, ``simple``
configuration). A trigger copies every write of a publication's ``autocomplete``
vector into ``research_publication.search_vector`` (``strip``-ped: positions and
weights are never read by ``@@`` without phrase or weight operators) and clears it
when the entry is deleted. So every path that reindexes — saves, publishing, the
rename handlers in ``research.signal_handlers``, bulk imports, ``update_index`` —
updates the column with no code of its own, and the matches are by construction
those of Wagtail's backend.

SQLite has no column, no trigger and no change: it keeps Wagtail's FTS5 backend.
The column is not a model field, so the ORM never loads the vector with a row.
"""

from django.db import migrations

PUBLICATION = ("research", "publication")

CREATE = """
ALTER TABLE research_publication ADD COLUMN search_vector tsvector;

CREATE INDEX publication_search_vector ON research_publication USING gin (search_vector);

CREATE FUNCTION research_publication_copy_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry wagtailsearch_indexentry%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN
        entry := OLD;
    ELSE
        entry := NEW;
    END IF;
    -- Checked first: object_id is text, and other models' ids need not be integers.
    IF NOT EXISTS (
        SELECT 1 FROM django_content_type
        WHERE id = entry.content_type_id AND app_label = 'research' AND model = 'publication'
    ) THEN
        RETURN NULL;
    END IF;
    UPDATE research_publication
    SET search_vector = CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE strip(entry.autocomplete) END
    WHERE id = entry.object_id::integer;
    RETURN NULL;
END;
$$;

-- UPDATE OF autocomplete: Wagtail's title-norm refresh rewrites other columns only.
CREATE TRIGGER publication_search_vector_copy
AFTER INSERT OR DELETE OR UPDATE OF autocomplete ON wagtailsearch_indexentry
FOR EACH ROW EXECUTE FUNCTION research_publication_copy_search_vector();

UPDATE research_publication p
SET search_vector = strip(e.autocomplete)
FROM wagtailsearch_indexentry e
JOIN django_content_type ct ON ct.id = e.content_type_id
WHERE ct.app_label = 'research' AND ct.model = 'publication' AND e.object_id = p.id::text;
"""

DROP = """
DROP TRIGGER IF EXISTS publication_search_vector_copy ON wagtailsearch_indexentry;
DROP FUNCTION IF EXISTS research_publication_copy_search_vector();
ALTER TABLE research_publication DROP COLUMN IF EXISTS search_vector;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: %ROWTYPE stays

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0001_squashed_0005_publication_doi_arxiv_id"),
        ("wagtailsearch", "0010_add_text_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
