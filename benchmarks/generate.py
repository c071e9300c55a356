"""Make N live publications with authors and domains for the benchmarks (default 100,000).

``python -m benchmarks.generate [N]`` with ``DJANGO_SETTINGS_MODULE=benchmarks.settings``.
Rows are bulk-inserted (no revisions: the public API reads the live rows) and
indexed for search in chunks. Re-running tops up to N; it never duplicates.
"""

import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402

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
    for start in range(existing, total, CHUNK):
        stop = min(start + CHUNK, total)
        publications = []
        for number in range(start, stop):
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
        with transaction.atomic():
            Publication.objects.bulk_create(publications)
            created = Publication.objects.filter(slug__in=[p.slug for p in publications])
            authors = []
            for publication in created:
                for position in range(rng.randint(1, 8)):
                    person = rng.choice(people) if people and rng.random() < 0.05 else None
                    name = person.name if person else f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    authors.append(
                        PublicationAuthor(
                            publication=publication, name=name, person=person, sort_order=position
                        )
                    )
            PublicationAuthor.objects.bulk_create(authors)
        progress(stop - existing, total - existing, started)
    print()
    index(existing)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon
            cursor.execute("VACUUM ANALYZE")


def index(skip):
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
    for start in range(skip, total, CHUNK):
        chunk = list(queryset[start : start + CHUNK])
        search_index.add_items(Publication, chunk)
        progress(min(start + CHUNK, total) - skip, total - skip, started)
    print()


if __name__ == "__main__":
    generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
