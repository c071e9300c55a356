"""Search at scale: on PostgreSQL through the GIN-indexed ``search_vector``, the same answers
on every database.

PostgreSQL matches publications with one ``@@`` predicate on their own table
(``research`` migration 0002, ``cms.api.search.matching``); SQLite keeps Wagtail's
FTS5 backend. ``fixtures/search_answers.json`` holds the answers to a fixed set of
searches (matches in order, totals, facets): the same test checks them on SQLite and
on PostgreSQL (CI runs both), so the two paths cannot drift apart. Write it again
with ``SEARCH_ANSWERS_WRITE=1`` on SQLite, only when the expected behaviour changes.
"""

import json
import os
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Revision
from wagtail.search import index
from wagtail.search.models import IndexEntry

from cms.api.search import matching, parse_search
from research.models import Publication, ResearchDomain
from tests.conftest import clear_cache
from tests.graphql import data_of, gql

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored vector exists on PostgreSQL only"
)

ANSWERS = Path(__file__).parent / "fixtures" / "search_answers.json"

SEARCH = """
query Search($search: String, $domains: [String!], $year: Int, $sort: PublicationSort,
             $first: Int) {
  publications(search: $search, domains: $domains, year: $year, sort: $sort, first: $first) {
    edges { node { title } }
    totalCount
    domainFacets { slug count }
  }
}
"""

#: Whole words, a partial last word, several words, accents, names, venue, domain name,
#: with each sort, a domain filter and a year.
SEARCHES = [
    {"search": "lake"},
    {"search": "spark sq"},
    {"search": "spar sql"},
    {"search": "Martínez"},
    {"search": "matei zah"},
    {"search": "zaharia stoica", "sort": "NEWEST"},
    {"search": "sigmod", "sort": "TITLE"},
    {"search": "applications"},
    {"search": "distributed systems"},
    {"search": "c3"},
    {"search": "deep learning", "sort": "TITLE_DESC"},
    {"search": "stream", "domains": ["distributed-systems"]},
    {"search": "data", "domains": ["ai-and-ml", "applications"], "sort": "OLDEST"},
    {"search": "query", "year": 2021},
    {"search": "nothingmatchesthis"},
]


def answer(client, variables):
    body = gql(client, SEARCH, {**variables, "first": 100})
    publications = data_of(body)["publications"]
    return {
        "titles": [edge["node"]["title"] for edge in publications["edges"]],
        "totalCount": publications["totalCount"],
        "facets": {facet["slug"]: facet["count"] for facet in publications["domainFacets"]},
    }


def test_fixed_searches_give_the_same_answers_on_every_database(client):
    answers = [{"variables": v, **answer(client, v)} for v in SEARCHES]
    if os.environ.get("SEARCH_ANSWERS_WRITE") and connection.vendor == "sqlite":
        ANSWERS.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n")

    expected = json.loads(ANSWERS.read_text())
    # Matches in order, totals and facets: all of it, search by search.
    for got, want in zip(answers, expected, strict=True):
        assert got == want
    # The fixed set means something: most searches find several publications.
    assert sum(1 for a in expected if len(a["titles"]) > 1) >= 9


@on_postgresql
def test_a_search_reads_the_stored_vector_not_the_index_table(client):
    with CaptureQueriesContext(connection) as queries:
        found = answer(client, {"search": "spark sq", "domains": ["distributed-systems"]})
    assert found["titles"]

    sql = [query["sql"] for query in queries.captured_queries]
    searching = [s for s in sql if "to_tsquery" in s]
    # The page and the facet counts, each matching with one predicate on the row itself.
    assert len(searching) == 2
    # As the ORM writes it (the page), and in ``search_counts``' own SQL.
    predicates = (
        '"research_publication"."search_vector" @@ to_tsquery(\'simple\'',
        "p.search_vector @@ to_tsquery('simple'",
    )
    assert all(any(predicate in s for predicate in predicates) for s in searching)
    assert not any("wagtailsearch_indexentry" in s for s in sql)
    # Domains, the page, the counts and the response cache's expiry look-ups: within
    # the list budget, nothing per row.
    assert len(sql) <= 6


@on_postgresql
def test_the_match_is_served_by_the_gin_index():
    search = parse_search("spark sq")
    queryset = matching(Publication.objects.live(), search).values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the demo table is tiny
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "publication_search_vector" in plan, plan


@on_postgresql
def test_the_stored_vector_follows_wagtails_index_entry(client):
    """The trigger copies every write of the index entry and clears it on delete."""
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")

    def vector():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector::text FROM research_publication WHERE id = %s", [photon.pk]
            )
            return cursor.fetchone()[0]

    assert "'photon'" in vector()

    index.remove_object(photon)
    assert vector() is None
    assert photon.title not in answer(client, {"search": "photon"})["titles"]

    index.insert_or_update_object(photon)
    assert "'photon'" in vector()
    assert photon.title in answer(client, {"search": "photo"})["titles"]

    # A domain rename reaches the vector through Wagtail's reindex (research.signal_handlers).
    domain = photon.domain
    domain.name = "Quokka Studies"
    domain.save()
    assert "'quokka'" in vector()
    assert ResearchDomain.objects.get(pk=domain.pk).name == "Quokka Studies"


def test_a_restored_copy_is_found_whichever_row_comes_back_first(client):
    """A copy restores Wagtail's index entries before the publications (``loaddata``,
    the serialized copy of transactional tests): the publication row must still be
    found by a search once both are back."""
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    entry = IndexEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Publication), object_id=str(photon.pk)
    )
    revisions = list(Revision.objects.for_instance(photon))
    copy = serializers.serialize("json", [entry, photon, *photon.authors.all(), *revisions])
    Publication.objects.filter(pk=photon.pk).delete()
    IndexEntry.objects.filter(pk=entry.pk).delete()
    assert photon.title not in answer(client, {"search": "photon"})["titles"]

    for row in serializers.deserialize("json", copy):  # the index entry first
        row.save()
    clear_cache()  # a restore is not a change the response cache hears of

    assert photon.title in answer(client, {"search": "photon"})["titles"]
