"""A search's totals and facets stay exact after every change of what it matches:
publish, unpublish, delete, a move to another domain and year, a retitle, a rename of a
domain or an author (a reindex), an expiry or go-live time passing with no scheduler
run. On PostgreSQL they are brought up to date from the live-change log
(``research.api.search_counts``) without counting the matches again; each check
compares the API with a fresh count of the live rows the search matches, on a cold
start (the response cache and its versions all moved)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.api.cache import bump_content_generation
from cms.api.search import matching, parse_search
from home.models import Person
from research.api import search_counts
from research.models import Publication, ResearchDomain
from tests.graphql import create_publication, data_of, gql
from tests.research.counting import publication_counts

pytestmark = pytest.mark.django_db

SEARCH = """
query($search: String, $domains: [String!], $year: Int) {
  publications(search: $search, domains: $domains, year: $year, first: 3) {
    totalCount
    domainFacets { slug count }
    edges { node { slug } }
  }
}
"""

#: Searches whose counts a change may move: a common word, a prefix, two words, a
#: word no publication has yet, and each under a domain or a year.
SEARCHES = [
    {"search": "data"},
    {"search": "quok"},
    {"search": "quokka systems"},
    {"search": "wombat"},
    {"search": "data", "year": 2023},
    {"search": "quokka", "domains": ["ai-and-ml", "applications"]},
]

on_postgresql = connection.vendor == "postgresql"


def matches_now(search, year=None):
    """Per domain slug: the live publications ``search`` matches, counted afresh."""
    rows = matching(Publication.objects.live(), parse_search(search))
    if year is not None:
        rows = rows.filter(year=year)
    return dict(rows.values_list("domain__slug").annotate(n=Count("pk")))


def searched(client, variables):
    return data_of(gql(client, SEARCH, variables))["publications"]


def remember(client):
    """Ask every search once: what a reader's first requests leave behind."""
    for variables in SEARCHES:
        searched(client, variables)


def assert_exact(client, django_assert_max_num_queries, *, counted=False, queries=4):
    """Every search's total and facets are those of the live rows it matches now, read
    cold, in at most ``queries`` statements; unless ``counted``, on PostgreSQL none of
    them counted the matches again."""
    every_domain = list(ResearchDomain.objects.values_list("slug", flat=True))
    for variables in SEARCHES:
        expected = matches_now(variables["search"], variables.get("year"))
        bump_content_generation()
        with django_assert_max_num_queries(queries), CaptureQueriesContext(connection) as captured:
            page = searched(client, variables)
        facets = {facet["slug"]: facet["count"] for facet in page["domainFacets"]}
        assert facets == {slug: expected.get(slug, 0) for slug in every_domain}, variables
        in_list = variables.get("domains") or every_domain
        assert page["totalCount"] == sum(expected.get(slug, 0) for slug in in_list), variables
        if on_postgresql and not counted:
            assert publication_counts(captured.captured_queries) == [], variables


def first_match(search, domain=None):
    rows = matching(Publication.objects.live(), parse_search(search))
    if domain is not None:
        rows = rows.filter(domain__slug=domain)
    return rows.order_by("sort_title").first()


def republish(publication, **changes):
    """Publish ``changes`` to ``publication`` as an editor's new revision would."""
    publication = Publication.objects.get(pk=publication.pk)
    for field, value in changes.items():
        setattr(publication, field, value)
    publication.save_revision(log_action=False).publish(log_action=False)


@pytest.fixture
def quokkas():
    """Three publications only the quokka searches find, in two domains and years."""
    return [
        create_publication("Quokka Systems", domain="ai-and-ml", year=2023),
        create_publication("Quokka Data Systems", domain="applications", year=2020),
        create_publication("Quokkas at Scale", domain="distributed-systems", year=2023),
    ]


def test_a_first_search_counts_its_matches_and_a_later_one_does_not(client, quokkas):
    with CaptureQueriesContext(connection) as first:
        searched(client, {"search": "quokka"})
    bump_content_generation()
    with CaptureQueriesContext(connection) as later:
        found = searched(client, {"search": "quokka"})
    assert found["totalCount"] == 3
    assert publication_counts(first.captured_queries)
    if on_postgresql:
        assert publication_counts(later.captured_queries) == []


def test_counts_after_publishing(client, django_assert_max_num_queries, quokkas):
    remember(client)
    create_publication("Wombat Data Quokka", domain="applications", year=2023)
    create_publication("Quokka Systems Two", domain="ai-and-ml", year=2021)
    assert_exact(client, django_assert_max_num_queries)


def test_counts_after_unpublishing_and_deleting(client, django_assert_max_num_queries, quokkas):
    remember(client)
    quokkas[0].unpublish(log_action=False)
    first_match("data", domain="ai-and-ml").unpublish(log_action=False)
    quokkas[1].delete()
    assert_exact(client, django_assert_max_num_queries)

    republish(quokkas[0])  # and published again: it matches as it did
    assert_exact(client, django_assert_max_num_queries)


def test_counts_after_moving_to_another_domain_and_year(
    client, django_assert_max_num_queries, quokkas
):
    remember(client)
    republish(quokkas[2], domain=ResearchDomain.objects.get(slug="ai-and-ml"), year=2020)
    other = first_match("data", domain="distributed-systems")
    republish(other, year=2023 if other.year != 2023 else 2019)
    assert_exact(client, django_assert_max_num_queries)


def test_counts_after_a_retitle_changes_what_matches(
    client, django_assert_max_num_queries, quokkas
):
    remember(client)
    republish(quokkas[0], title="Wombat Systems")  # leaves "quokka", joins "wombat"
    assert_exact(client, django_assert_max_num_queries)


def test_counts_after_renaming_a_domain_and_an_author(
    client, django_assert_max_num_queries, quokkas
):
    person = Person.objects.create(name="Plain Author", slug="plain-author")
    create_publication("Trials", domain="ai-and-ml", authors=[("P. A.", person)])
    remember(client)

    # The domain's name is found by the searches: every publication in it now matches.
    applications = ResearchDomain.objects.get(slug="applications")
    applications.name = "Quokka Applications"
    applications.save()
    assert_exact(client, django_assert_max_num_queries)

    person.name = "Wombat Quokka"
    person.save()
    assert_exact(client, django_assert_max_num_queries)

    # And back: the matches it added leave again.
    applications.name = "Applications"
    applications.save()
    assert_exact(client, django_assert_max_num_queries)


def test_counts_when_an_expiry_time_passes_with_no_scheduler_run(
    client, django_assert_max_num_queries, quokkas
):
    expiry = timezone.now() + timedelta(hours=1)
    for publication in (quokkas[0], first_match("data")):
        publication.expire_at = expiry
        publication.save(update_fields=["expire_at"])
    remember(client)

    with time_machine.travel(expiry + timedelta(seconds=1), tick=False):
        # One more statement: the response cache looks up the next expiry time, past.
        assert_exact(client, django_assert_max_num_queries, queries=5)
        call_command("run_scheduler", "--once", stdout=None)
        assert not Publication.objects.filter(live=True, expire_at=expiry).exists()
        assert_exact(client, django_assert_max_num_queries)


def test_counts_when_a_go_live_time_passes_with_no_scheduler_run(
    client, django_assert_max_num_queries, quokkas
):
    # Live by flag with a go-live time ahead (e.g. imported so): hidden until then.
    go_live = timezone.now() + timedelta(hours=1)
    Publication.objects.filter(pk=quokkas[1].pk).update(go_live_at=go_live)
    remember(client)
    assert_exact(client, django_assert_max_num_queries)

    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        assert_exact(client, django_assert_max_num_queries)


def test_counts_after_more_changes_than_are_worth_replaying(
    client, django_assert_max_num_queries, quokkas, monkeypatch
):
    # Publishing a new publication logs five changes: it enters, and its search vector
    # is written twice (Wagtail's index entry, then its autocomplete column).
    monkeypatch.setattr(search_counts, "MAX_CHANGES", 8)
    remember(client)
    for number in range(3):
        create_publication(f"Quokka Data Systems {number}", domain="ai-and-ml", year=2023)
    # Counted afresh once, then brought up to date from there.
    assert_exact(client, django_assert_max_num_queries, counted=True)
    create_publication("Quokka Data Systems 4", domain="applications", year=2023)
    assert_exact(client, django_assert_max_num_queries)
