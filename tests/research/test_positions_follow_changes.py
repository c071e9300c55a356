"""A keyset cursor remembers its row's position, so paging on never counts again; that
position must be dropped whenever something changes which rows come before it.

A search also matches domain and linked people's names, and a list filtered by
domain holds only that domain's publications: renaming a person or a domain, or
moving a publication out of the domain, changes the list without touching the
cursor's row. The next page must still say exactly where it starts, consistent
with its total and with the rows it lists.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import Person
from research.models import Publication, ResearchDomain
from tests.graphql import create_publication, data_of, gql

pytestmark = pytest.mark.django_db

PAGE = """
query Page($search: String, $domains: [String!], $first: Int, $after: String) {
  publications(search: $search, domains: $domains, sort: TITLE, first: $first, after: $after) {
    edges { node { title } }
    pageInfo { hasNextPage endCursor }
    totalCount startPosition endPosition
  }
}
"""


def page(client, **variables):
    return data_of(gql(client, PAGE, variables))["publications"]


def titles(connection):
    return [edge["node"]["title"] for edge in connection["edges"]]


def test_a_search_page_starts_where_it_is_after_a_person_rename_adds_a_match(client):
    # Given: three trials, Alpha by someone the search does not find, Beta and Gamma by
    # a linked person whose name alone matches; page 1 shows Beta.
    plain = Person.objects.create(name="Plain Author", slug="plain-author")
    matched = Person.objects.create(name="Zed Wombatson", slug="zed-wombatson")
    create_publication("Alpha Trials", authors=[("A. Author", plain)])
    create_publication("Beta Trials", authors=[("Z. W.", matched)])
    create_publication("Gamma Trials", authors=[("Z. W.", matched)])
    first = page(client, search="wombatson", first=1)
    assert (titles(first), first["startPosition"], first["totalCount"]) == (["Beta Trials"], 1, 2)

    # When: the other author is renamed so Alpha matches too (before Beta), and the
    # reader follows Beta's cursor.
    plain.name = "Ann Wombatson"
    plain.save()
    second = page(client, search="wombatson", first=1, after=first["pageInfo"]["endCursor"])

    # Then: Gamma is third of three, not second.
    assert titles(second) == ["Gamma Trials"]
    assert (second["startPosition"], second["endPosition"], second["totalCount"]) == (3, 3, 3)
    assert second["pageInfo"]["hasNextPage"] is False


def test_a_search_page_starts_where_it_is_after_a_domain_rename_drops_matches(client):
    # Given: a search that finds Applications' five papers by the domain's name and two
    # trials elsewhere by title; page 1 is the first two in title order.
    applications = ResearchDomain.objects.get(slug="applications")
    applications.name = "Quokka Applications"
    applications.save()
    create_publication("Zz Quokka Trials", domain="ai-and-ml")
    create_publication("Zzz Quokka Trials", domain="ai-and-ml")
    first = page(client, search="quokka", first=2)
    assert first["totalCount"] == 7
    walked = titles(first)
    after = first["pageInfo"]["endCursor"]
    second = page(client, search="quokka", first=2, after=after)
    walked += titles(second)
    assert second["startPosition"] == 3

    # When: the domain is renamed, so only the two trials still match; the reader pages on.
    applications.name = "Applications"
    applications.save()
    third = page(client, search="quokka", first=2, after=second["pageInfo"]["endCursor"])

    # Then: the rows after the cursor are the two trials, first and second of two.
    assert titles(third) == ["Zz Quokka Trials", "Zzz Quokka Trials"]
    assert (third["startPosition"], third["endPosition"], third["totalCount"]) == (1, 2, 2)


def test_a_domain_page_starts_where_it_is_after_a_publication_leaves_the_domain(
    client, django_capture_on_commit_callbacks
):
    # Given: the first page of Applications (five papers), two a page.
    first = page(client, domains=["applications"], first=2)
    assert (first["startPosition"], first["totalCount"]) == (1, 5)
    leaving = Publication.objects.get(title=titles(first)[0])

    # When: its first paper is moved to another domain, and the reader pages on.
    with django_capture_on_commit_callbacks(execute=True):
        leaving.domain = ResearchDomain.objects.get(slug="ai-and-ml")
        leaving.save_revision(log_action=False).publish(log_action=False)
    second = page(client, domains=["applications"], first=2, after=first["pageInfo"]["endCursor"])

    # Then: the next page starts right after the one paper left before it, of four.
    assert (second["startPosition"], second["endPosition"], second["totalCount"]) == (2, 3, 4)
    assert leaving.title not in titles(second)


def test_after_a_publish_the_next_page_is_placed_without_counting_the_rows_before_it(
    client, django_capture_on_commit_callbacks
):
    """The browse list keeps live counts and a log of changes: a cursor issued before a
    publish still places the next page exactly, from its tally and the changes since,
    without counting the thousands of rows that may come before it."""
    first = page(client, first=5)
    with django_capture_on_commit_callbacks(execute=True):  # as a real publish commits
        create_publication("0 First In Title Order")  # before every row of page 1
    with CaptureQueriesContext(connection) as captured:
        second = page(client, first=5, after=first["pageInfo"]["endCursor"])
    counted = [query for query in captured if "count(*)" in query["sql"].lower()]

    assert counted == []
    assert (second["startPosition"], second["endPosition"]) == (7, 11)
    assert second["totalCount"] == first["totalCount"] + 1
    everything = titles(page(client, first=100))
    assert everything[0] == "0 First In Title Order"
    assert titles(second) == everything[6:11]
