"""Totals, facets and positions without a search come from counts the database
maintains (``research.api.live_counts``), never from counting publications, and stay
exact after every change of what is live: publish, unpublish, delete, a move between
domains, a go-live or expiry time passing with no scheduler run, the scheduler's own
publish. Each check compares the API with the live rows themselves, on the first page
and on pages after and before cursors issued before the change."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.api.cache import bump_content_generation
from research.api.sorters import ORDERINGS
from research.models import Publication, ResearchDomain
from tests.graphql import create_publication, data_of, gql
from tests.research.counting import publication_counts

pytestmark = pytest.mark.django_db

LIST = """
query($domains: [String!], $year: Int, $sort: PublicationSort,
      $first: Int, $after: String, $last: Int, $before: String) {
  publications(domains: $domains, year: $year, sort: $sort,
               first: $first, after: $after, last: $last, before: $before) {
    totalCount startPosition endPosition
    pageInfo { startCursor endCursor }
    domainFacets { slug count }
    edges { cursor node { slug } }
  }
}
"""

#: Lists without a search, each in a sort: all, one domain, two domains (each
#: publication is in one, so none may count twice), a year, and a domain and a year.
LISTS = [
    ({}, "TITLE"),
    ({}, "TITLE_DESC"),
    ({"domains": ["distributed-systems", "ai-and-ml"]}, "NEWEST"),
    ({"year": 2023}, "TITLE"),
    ({"domains": ["ai-and-ml"], "year": 2023}, "TITLE_DESC"),
]


def listed(client, **variables):
    return data_of(gql(client, LIST, variables))["publications"]


def live_rows(shape, sort):
    """The live publications of a list, in its order: what every count must agree with."""
    rows = Publication.objects.live()
    if shape.get("year") is not None:
        rows = rows.filter(year=shape["year"])
    facets = dict(rows.values_list("domain__slug").annotate(n=Count("pk")))
    if shape.get("domains"):
        rows = rows.filter(domain__slug__in=shape["domains"])
    ordering = ORDERINGS[sort.lower()]
    ordered = rows.order_by(*ordering.order_by())
    keys = [ordering.values_of(row) for row in ordered]
    return [row.slug for row in ordered], keys, facets


def slugs(page):
    return [edge["node"]["slug"] for edge in page["edges"]]


def issue_cursors(client):
    """Cursors a reader holds now: in each list, the end of its 2nd page of 2."""
    held = {}
    for index, (shape, sort) in enumerate(LISTS):
        first = listed(client, **shape, sort=sort, first=2)
        second = listed(client, **shape, sort=sort, first=2, after=first["pageInfo"]["endCursor"])
        held[index] = second["pageInfo"]["endCursor"]
    return held


def assert_exact(client, held, size=4):
    """Every list's totals, facets and positions are those of the live rows now (pages
    of ``size``: another size asks afresh what an earlier check may have cached)."""
    for index, (shape, sort) in enumerate(LISTS):
        expected, keys, facets = live_rows(shape, sort)
        first = listed(client, **shape, sort=sort, first=size)
        where = f"{shape} {sort}"
        assert first["totalCount"] == len(expected), where
        assert slugs(first) == expected[:size], where
        assert {f["slug"]: f["count"] for f in first["domainFacets"]} == {
            domain.slug: facets.get(domain.slug, 0) for domain in ResearchDomain.objects.all()
        }, where
        # The cursor's row may be gone: the page continues from its key.
        cursor = held[index]
        cursor_key = _cursor_key(cursor, shape, sort)
        ordering = ORDERINGS[sort.lower()]
        after = [i for i, key in enumerate(keys) if _before(ordering, cursor_key, key)]
        forward = listed(client, **shape, sort=sort, first=size - 1, after=cursor)
        assert slugs(forward) == [expected[i] for i in after[: size - 1]], where
        assert after, where  # every list is long enough to go on
        assert forward["startPosition"] == after[0] + 1, where
        assert forward["endPosition"] == after[0] + len(forward["edges"]), where
        upto = [i for i, key in enumerate(keys) if _before(ordering, key, cursor_key)]
        backward = listed(client, **shape, sort=sort, last=size - 1, before=cursor)
        assert slugs(backward) == [expected[i] for i in upto[1 - size :]], where
        assert backward["startPosition"] == upto[1 - size :][0] + 1, where
        # A cursor issued now, one page on, agrees too.
        onward = listed(
            client, **shape, sort=sort, first=3, after=forward["pageInfo"]["endCursor"]
        )
        if onward["edges"]:
            assert onward["startPosition"] == after[0] + len(forward["edges"]) + 1, where


def _before(ordering, a, b):
    for key, x, y in zip(ordering.keys, a, b, strict=True):
        if x != y:
            return (x < y) != key.descending
    return False


def _cursor_key(cursor, shape, sort):
    from cms.api.cursors import decode_cursor, fingerprint

    domains = sorted(shape.get("domains") or ())
    decoded = decode_cursor(
        cursor,
        sort=sort.lower(),
        fingerprint=fingerprint(sort.lower(), None, domains, shape.get("year")),
        argument="after",
    )
    return decoded.key


def early(domain="distributed-systems", year=None):
    """The first live publication of ``domain`` (and ``year``) A-Z: before the held
    cursors' rows in most lists."""
    rows = Publication.objects.live().filter(domain__slug=domain)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("sort_title").first()


def test_counts_and_positions_after_publishing(client):
    held = issue_cursors(client)
    create_publication("Aardvark Systems", domain="distributed-systems", year=2023)
    create_publication("Aardwolf Learning", domain="ai-and-ml", year=2023)
    assert_exact(client, held)


def test_counts_and_positions_after_unpublishing(client):
    held = issue_cursors(client)
    early().unpublish(log_action=False)
    early(domain="ai-and-ml", year=2023).unpublish(log_action=False)
    assert_exact(client, held)


def test_counts_and_positions_after_deleting(client):
    held = issue_cursors(client)
    early().delete()
    assert_exact(client, held)


def test_counts_and_positions_after_moving_a_publication_to_another_domain_and_year(client):
    held = issue_cursors(client)
    moved = early()
    moved.domain = ResearchDomain.objects.get(slug="applications")
    moved.save_revision(log_action=False).publish(log_action=False)
    other = early(domain="ai-and-ml", year=2023)
    other.year = 2020
    other.title = "Zebra " + other.title  # and to the other end of A-Z
    other.save_revision(log_action=False).publish(log_action=False)
    assert_exact(client, held)


def test_counts_and_positions_when_an_expiry_time_passes_with_no_scheduler_run(client):
    expiry = timezone.now() + timedelta(hours=1)
    for publication in (early(), early(domain="ai-and-ml", year=2023)):
        publication.expire_at = expiry
        publication.save(update_fields=["expire_at"])
    held = issue_cursors(client)

    with time_machine.travel(expiry + timedelta(seconds=1), tick=False):
        assert Publication.objects.filter(live=True, expire_at=expiry).count() == 2
        assert_exact(client, held)
        call_command("run_scheduler", "--once", stdout=None)  # and once it has run
        assert not Publication.objects.filter(live=True, expire_at=expiry).exists()
        assert_exact(client, held)


def test_counts_and_positions_when_a_go_live_time_passes_with_no_scheduler_run(client):
    # Live by flag with a go-live time ahead (e.g. imported so): hidden until then.
    go_live = timezone.now() + timedelta(hours=1)
    waiting = create_publication("Aardvark Systems", domain="ai-and-ml", year=2023)
    Publication.objects.filter(pk=waiting.pk).update(go_live_at=go_live)
    held = issue_cursors(client)
    assert waiting.slug not in live_rows({}, "TITLE")[0]
    assert_exact(client, held)

    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        assert waiting.slug in live_rows({}, "TITLE")[0]
        # Another page size: the response cache does not know this row's go-live time
        # (Wagtail never leaves a live row waiting: it keeps a scheduled one unpublished).
        assert_exact(client, held, size=5)


def test_counts_and_positions_of_a_publication_scheduled_in_the_admin(client):
    # Published with a go-live time ahead, Wagtail keeps it unpublished (live=False)
    # with an approved revision until the scheduler publishes it.
    quokka = create_publication("Aardvark Systems", domain="ai-and-ml", year=2023, publish=False)
    go_live = timezone.now() + timedelta(hours=1)
    quokka.go_live_at = go_live
    quokka.save_revision(approved_go_live_at=go_live, log_action=False).publish(log_action=False)
    held = issue_cursors(client)

    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        assert_exact(client, held)  # its time has come, the scheduler has not run
        call_command("run_scheduler", "--once", stdout=None)
        assert Publication.objects.get(pk=quokka.pk).live
        assert_exact(client, held)


# --- No counting ------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [{}, {"domains": ["distributed-systems", "ai-and-ml"]}, {"year": 2023}]
)
def test_no_page_counts_publications_even_deep_after_a_publish(
    client, django_assert_max_num_queries, shape
):
    # Given: a reader deep in the list, then a publish before their place, and nothing
    # cached (a cold start: the response cache and its version counters all moved).
    page = listed(client, **shape, first=2)
    page = listed(client, **shape, first=2, after=page["pageInfo"]["endCursor"])
    create_publication("Aardvark Systems", domain="ai-and-ml", year=2023)
    bump_content_generation()

    # When: the first page, the next page and the page before that are asked for.
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as first:
        top = listed(client, **shape, first=4)
    bump_content_generation()
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as deep:
        onward = listed(client, **shape, first=4, after=page["pageInfo"]["endCursor"])
    bump_content_generation()
    with django_assert_max_num_queries(4), CaptureQueriesContext(connection) as back:
        backward = listed(client, **shape, last=2, before=page["pageInfo"]["endCursor"])

    # Then: no statement counted publications, and every figure is exact.
    for captured in (first, deep, back):
        assert publication_counts(captured.captured_queries) == []
    expected, _, _ = live_rows(shape, "TITLE")
    assert top["totalCount"] == onward["totalCount"] == len(expected)
    assert onward["startPosition"] == expected.index(slugs(onward)[0]) + 1
    assert backward["startPosition"] == expected.index(slugs(backward)[0]) + 1


def _reads_the_change_log(captured):
    return any("research_publicationlivechange" in q["sql"] for q in captured.captured_queries)


@pytest.mark.parametrize("shape", [{}, {"domains": ["distributed-systems"]}])
def test_a_cursor_issued_with_nothing_changed_since_costs_no_change_log_read(
    client, django_assert_max_num_queries, shape
):
    # Given: a reader on page 2 of a list, and nothing cached since (a cold start).
    page = listed(client, **shape, first=2)
    held = listed(client, **shape, first=2, after=page["pageInfo"]["endCursor"])
    bump_content_generation()

    # When: they go on, and back, with nothing published in between.
    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as onward_read:
        onward = listed(client, **shape, first=3, after=held["pageInfo"]["endCursor"])
    bump_content_generation()
    with django_assert_max_num_queries(3), CaptureQueriesContext(connection) as back_read:
        backward = listed(client, **shape, last=2, before=held["pageInfo"]["endCursor"])

    # Then: what the page is at comes from the cursor alone, exact.
    assert not _reads_the_change_log(onward_read)
    assert not _reads_the_change_log(back_read)
    expected, _, _ = live_rows(shape, "TITLE")
    assert slugs(onward) == expected[4:7]
    assert onward["startPosition"] == 5
    assert slugs(backward) == expected[1:3]
    assert backward["startPosition"] == 2

    # And: after a publish the same cursor reads the change log, and counts it in.
    create_publication("Aardvark Systems", domain="distributed-systems", year=2023)
    bump_content_generation()
    with CaptureQueriesContext(connection) as changed_read:
        moved = listed(client, **shape, first=3, after=held["pageInfo"]["endCursor"])
    assert _reads_the_change_log(changed_read)
    assert moved["startPosition"] == 6


def test_a_search_asked_for_the_first_time_counts_its_matches(client):
    # The control for the check above (and for ``test_search_counts``): nothing is
    # remembered of a new search, so its totals come from counting its matches.
    with CaptureQueriesContext(connection) as captured:
        found = listed(client, first=4) and data_of(
            gql(client, '{ publications(search: "spark") { totalCount } }')
        )
    assert found["publications"]["totalCount"] > 0
    assert publication_counts(captured.captured_queries)
