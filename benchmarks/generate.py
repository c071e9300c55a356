"""Make N live publications with authors and domains for the benchmarks (default 100,000).

``python -m benchmarks.generate [N]`` with ``DJANGO_SETTINGS_MODULE=benchmarks.settings``.
Re-running tops up to N; it never duplicates. No revisions: the public API reads
the live rows. Publications are snippets, so there is no page tree to extend.

On PostgreSQL the rows go in with ``COPY`` (ids drawn from the table's sequence
up front, so authors can point at them), and ``index_for_search`` writes Wagtail's
search index entries in bulk: the same entries Wagtail's backend writes, each
object's search fields walked once instead of once per vector, the vectors built
by PostgreSQL from a ``COPY``'d staging table. Elsewhere (SQLite) rows are
bulk-created and indexed through Wagtail's backend.
"""

import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from modelsearch.index import AutocompleteField, SearchField  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

from cms.text import normalize_for_search  # noqa: E402
from home.models import Person  # noqa: E402
from research.models import Publication, PublicationAuthor, ResearchDomain  # noqa: E402

WORDS = [
    "adaptive",
    "approximate",
    "asynchronous",
    "batch",
    "cache",
    "cloud",
    "columnar",
    "compiler",
    "consistent",
    "data",
    "declarative",
    "deep",
    "distributed",
    "efficient",
    "elastic",
    "fast",
    "fault-tolerant",
    "federated",
    "graph",
    "hybrid",
    "incremental",
    "index",
    "inference",
    "interactive",
    "lake",
    "lakehouse",
    "language",
    "large",
    "latency",
    "learning",
    "lineage",
    "memory",
    "model",
    "neural",
    "optimizer",
    "parallel",
    "pipeline",
    "privacy",
    "query",
    "real-time",
    "reliable",
    "retrieval",
    "scalable",
    "scheduling",
    "serverless",
    "sparse",
    "spark",
    "storage",
    "streaming",
    "structured",
    "systems",
    "tensor",
    "training",
    "transactional",
    "unified",
    "vector",
    "workload",
]
FIRST = [
    "Ada",
    "Alan",
    "Barbara",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Grace",
    "Hiro",
    "Ines",
    "Jamal",
    "Kim",
    "Lena",
    "Matei",
    "Nia",
    "Omar",
]
LAST = [
    "Armbrust",
    "Behm",
    "Chiu",
    "Dave",
    "Ghodsi",
    "Hong",
    "Katz",
    "Liang",
    "Menon",
    "Narayanan",
    "Ousterhout",
    "Palkar",
    "Stoica",
    "Xin",
    "Zaharia",
]
CHUNK = 2_000
COPY_CHUNK = 20_000


def progress(done, total, started):
    width = 40
    filled = int(width * done / total) if total else width
    rate = done / max(time.time() - started, 1e-6)
    sys.stdout.write(
        f"\r  [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)"
    )
    sys.stdout.flush()


def make_title(rng, number):
    words = rng.sample(WORDS, rng.randint(3, 8))
    return f"{' '.join(words).capitalize()}: study {number}"


def make_chunk(rng, numbers, domains, people, now):
    """Publications and their authors (publication set later), drawn in the order the
    generator always drew them, so the same N gives the same data: every publication
    of a chunk of ``CHUNK``, then every author list."""
    publications = []
    for number in numbers:
        title = make_title(rng, number)
        publications.append(
            Publication(
                title=title,
                slug=f"bench-{number}",
                sort_title=title.lower(),
                search_title=normalize_for_search(title),
                domain=rng.choice(domains),
                venue=rng.choice(["SIGMOD", "VLDB", "NSDI", "OSDI", "NeurIPS", "ICML"]),
                year=rng.randint(1995, now.year),
                abstract=" ".join(rng.choices(WORDS, k=30)),
                live=True,
                first_published_at=now,
                last_published_at=now,
                date_added=now,
            )
        )
    authors = []
    for publication in publications:
        for position in range(rng.randint(1, 8)):
            person = rng.choice(people) if people and rng.random() < 0.05 else None
            name = person.name if person else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            authors.append(
                (publication, PublicationAuthor(name=name, person=person, sort_order=position))
            )
    return publications, authors


def generate(total):
    rng = random.Random(20261126)
    domains = list(ResearchDomain.objects.order_by("sort_order"))
    people = list(Person.objects.all())
    existing = Publication.objects.filter(slug__startswith="bench-").count()
    if existing >= total:
        print(f"{existing:,} generated publications already present; nothing to do.")
        return
    print(f"Generating {total - existing:,} publications ({existing:,} already present)")
    started = time.time()
    now = timezone.now()
    copying = connection.vendor == "postgresql"
    chunk = COPY_CHUNK if copying else CHUNK
    for start in range(existing, total, chunk):
        stop = min(start + chunk, total)
        publications, authors = [], []
        for part in range(start, stop, CHUNK):  # the random draws in the order they always had
            more = make_chunk(rng, range(part, min(part + CHUNK, stop)), domains, people, now)
            publications += more[0]
            authors += more[1]
        with transaction.atomic():
            if copying:
                copy_rows(publications, authors)
            else:
                Publication.objects.bulk_create(publications)
                created = {
                    p.slug: p
                    for p in Publication.objects.filter(slug__in=[p.slug for p in publications])
                }
                for publication, author in authors:
                    author.publication = created[publication.slug]
                PublicationAuthor.objects.bulk_create([author for _, author in authors])
        progress(stop - existing, total - existing, started)
    print(f"\n  generated in {time.time() - started:,.1f} s")
    index_for_search(existing)
    if copying:
        started = time.time()
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon
            cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE in {time.time() - started:,.1f} s")


def copy_rows(publications, authors):
    """``COPY`` the publications (ids drawn from their sequence first) and their authors."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Publication._meta.db_table, len(publications)],
        )
        for publication, (pk,) in zip(publications, cursor.fetchall(), strict=True):
            publication.pk = pk
        for publication, author in authors:
            author.publication = publication
        _copy(cursor, publications, with_pk=True)
        _copy(cursor, [author for _, author in authors], with_pk=False)


def _copy(cursor, objects, *, with_pk):
    """``COPY`` model instances into their table: every concrete column as Django would
    save it (``with_pk``: the primary key too, else the table's identity fills it)."""
    model = type(objects[0])
    columns = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
    names = ", ".join(connection.ops.quote_name(field.column) for field in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for instance in objects:
            copy.write_row(
                [
                    field.get_db_prep_save(field.pre_save(instance, True), connection)
                    for field in columns
                ]
            )


def index_for_search(skip):
    """Index the generated publications past the first ``skip`` for search: the one step
    that builds the search index (Wagtail's backend, or in bulk on PostgreSQL)."""
    backend = get_search_backend()
    queryset = (
        Publication.objects.filter(slug__startswith="bench-")
        .select_related("domain")
        .prefetch_related("authors__person")
        .order_by("id")
    )
    total = queryset.count()
    print(f"Indexing {total - skip:,} publications for search")
    started = time.time()
    search_index = backend.get_index_for_model(Publication)
    bulk = connection.vendor == "postgresql" and hasattr(search_index, "_refresh_title_norms")
    chunk = COPY_CHUNK if bulk else CHUNK
    last_id = None
    if skip:
        last_id = queryset.values_list("id", flat=True)[skip - 1]
    done = 0
    while True:
        page = queryset if last_id is None else queryset.filter(id__gt=last_id)
        rows = list(page[:chunk])
        if not rows:
            break
        if bulk:
            _bulk_index_entries(backend, rows)
        else:
            search_index.add_items(Publication, rows)
        last_id = rows[-1].id
        done += len(rows)
        progress(done, total - skip, started)
    if bulk:
        # Wagtail refreshes the title norms after each batch it indexes; once for all.
        search_index._refresh_title_norms()
    print(f"\n  indexed in {time.time() - started:,.1f} s")


#: PL/pgSQL for what Wagtail's PostgreSQL backend builds per object as SQL expressions:
#: ``setweight(to_tsvector(config, text), weight) || …`` over its non-blank texts.
WEIGHTED_VECTOR_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.bench_weighted_vector(
    config text, texts text[], weights text[]
) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    vector tsvector := NULL;
    part tsvector;
BEGIN
    FOR i IN 1 .. coalesce(array_length(texts, 1), 0) LOOP
        IF config IS NULL THEN part := to_tsvector(texts[i]);
        ELSE part := to_tsvector(config::regconfig, texts[i]);
        END IF;
        part := setweight(part, weights[i]::"char");
        vector := CASE WHEN vector IS NULL THEN part ELSE vector || part END;
    END LOOP;
    IF vector IS NULL THEN  -- no text: Wagtail's empty vector
        IF config IS NULL THEN RETURN to_tsvector(''); END IF;
        RETURN to_tsvector(config::regconfig, '');
    END IF;
    RETURN vector;
END $$;
CREATE TEMPORARY TABLE IF NOT EXISTS bench_index_rows (
    object_id text, title_texts text[], title_weights text[], autocomplete_texts text[],
    autocomplete_weights text[], body_texts text[], body_weights text[],
    title_text text, body_text text
) ON COMMIT DELETE ROWS;
"""


def _bulk_index_entries(backend, publications):
    """Upsert the index entries of ``publications`` as Wagtail's ``add_items`` does."""
    from wagtail.search.backends.database.postgres.postgres import ObjectIndexer

    content_type = ContentType.objects.get_for_model(Publication).pk
    rows = []
    for publication in publications:
        indexer = ObjectIndexer(publication, backend)
        title, body, autocomplete = [], [], []
        for field in indexer.search_fields:  # walked once (Wagtail walks it per vector)
            for current, weight, value in indexer.prepare_field(publication, field):
                if isinstance(current, SearchField):
                    (title if current.field_name == "title" else body).append((value, weight))
                elif isinstance(current, AutocompleteField):
                    autocomplete.append((value, weight))
        row = [str(publication.pk)]
        for texts in (title, autocomplete, body):
            kept = [(text.strip(), weight) for text, weight in texts if text.strip()]
            row += [[text for text, _ in kept], [weight for _, weight in kept]]
        row += [
            " ".join(text.strip() for text, _ in title if text.strip()),
            " ".join(text.strip() for text, _ in body if text.strip()),
        ]
        rows.append(row)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(WEIGHTED_VECTOR_SQL)
        with cursor.cursor.copy("COPY bench_index_rows FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        config, autocomplete_config = backend.config, backend.autocomplete_config
        cursor.execute(
            f"""
            INSERT INTO {IndexEntry._meta.db_table} (content_type_id, object_id, title,
                autocomplete, body, title_norm, title_text, body_text)
            SELECT %s, object_id,
                pg_temp.bench_weighted_vector(%s, title_texts, title_weights),
                pg_temp.bench_weighted_vector(%s, autocomplete_texts, autocomplete_weights),
                pg_temp.bench_weighted_vector(%s, body_texts, body_weights),
                1.0, title_text, body_text
            FROM bench_index_rows
            ON CONFLICT (content_type_id, object_id)
            DO UPDATE SET title = EXCLUDED.title, title_norm = 1.0,
                autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body,
                title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text
            """,
            [content_type, config, autocomplete_config, config],
        )


if __name__ == "__main__":
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
