"""The `pages` connection and `page(...)`: grapple's page fields with one paging style.

`pages` pages with cursors like every list of the API (`first`/`after`/`last`/
`before`, keyset in tree and title order), filters by type, site, place in the
tree, menu flag and search, and refuses every argument it cannot use with a
BAD_USER_INPUT error that says what would work.
"""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from careers.models import CareersPage, StoryIndexPage, StoryPage
from home.models import Person
from tests.graphql import (
    ENDPOINT,
    assert_bad_user_input,
    create_portrait,
    create_publication,
    create_story,
    data_of,
    gql,
    measure_queries,
    walk_pages,
)

pytestmark = pytest.mark.django_db

STORY_URL = (
    "/careers/stories/life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford/"
)
ALL_URLS = ["/", "/publications/", "/careers/", "/careers/stories/", STORY_URL]  # tree order

PAGES = """
query Pages(
  $contentType: String, $site: String, $inSite: Boolean, $parent: ID, $ancestor: ID,
  $inMenu: Boolean, $search: String, $sort: PageSort,
  $first: Int, $after: String, $last: Int, $before: String
) {
  pages(
    contentType: $contentType, site: $site, inSite: $inSite, parent: $parent,
    ancestor: $ancestor, inMenu: $inMenu, search: $search, sort: $sort,
    first: $first, after: $after, last: $last, before: $before
  ) {
    totalCount startPosition endPosition
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { __typename id url title searchScore } }
  }
}
"""


def pages(client, **variables):
    return data_of(gql(client, PAGES, variables))["pages"]


def urls(page):
    return [edge["node"]["url"] for edge in page["edges"]]


def page_id_of(client, url_path):
    return data_of(gql(client, "query($u: String) { page(urlPath: $u) { id } }", {"u": url_path}))[
        "page"
    ]["id"]


def walk(client, forward=True, **variables):
    """Every page of results, one fetch per page, forward or backward."""
    argument = ("first", "after") if forward else ("last", "before")
    size = variables.pop("size", 2)
    found = walk_pages(
        lambda cursor: pages(client, **{argument[0]: size, argument[1]: cursor}, **variables),
        forward=forward,
    )
    if not forward:
        found.reverse()
    return [url for page in found for url in urls(page)]


@pytest.fixture
def more_stories():
    """Twelve more stories, so page breaks fall between pages of one type."""
    return [create_story(f"Story {number:02}", date=date(2030, 1, 1)) for number in range(12)]


# --- What works ---------------------------------------------------------------------


def test_pages_are_in_tree_order_with_totals_and_cursors(client):
    page = pages(client)
    assert urls(page) == ALL_URLS
    assert page["totalCount"] == 5
    assert (page["startPosition"], page["endPosition"]) == (1, 5)
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["pageInfo"]["hasPreviousPage"] is False
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
    assert [edge["node"]["__typename"] for edge in page["edges"]] == [
        "HomePage",
        "ResearchPage",
        "CareersPage",
        "StoryIndexPage",
        "StoryPage",
    ]


@pytest.mark.parametrize("size", [1, 2, 3])
def test_walking_forward_and_back_visits_every_page_exactly_once(client, more_stories, size):
    everything = urls(pages(client, first=100))
    assert len(everything) == 17
    assert walk(client, size=size) == everything
    assert walk(client, forward=False, size=size) == everything


@pytest.mark.parametrize("sort, reverse", [("TITLE", False), ("TITLE_DESC", True)])
def test_title_sorts_ignore_case_and_page_without_gaps(client, more_stories, sort, reverse):
    StoryPage.objects.filter(title="Story 05").update(title="story 05 in lower case")
    titles = [edge["node"]["title"] for edge in pages(client, sort=sort, first=100)["edges"]]
    assert titles == sorted(titles, key=str.lower, reverse=reverse)
    assert titles != sorted(titles, reverse=reverse)  # the lower-case title is not last/first
    assert walk(client, sort=sort, size=3) == urls(pages(client, sort=sort, first=100))


POSITIONS = """query($first: Int = 3, $after: String, $last: Int, $before: String) {
  pages(first: $first, after: $after, last: $last, before: $before) {
    startPosition endPosition pageInfo { startCursor endCursor } edges { node { url } }
  }
}"""


def test_the_next_page_knows_its_position_from_the_cursor_until_content_changes(
    client, more_stories
):
    def positioned(**variables):
        with CaptureQueriesContext(connection) as captured:
            page = data_of(gql(client, POSITIONS, variables))["pages"]
        counted = sum("count(" in query["sql"].lower() for query in captured)
        return (page["startPosition"], page["endPosition"]), counted

    first = data_of(gql(client, POSITIONS))["pages"]
    cursor = first["pageInfo"]["endCursor"]
    second = data_of(gql(client, POSITIONS, {"after": cursor}))["pages"]
    back = {"first": None, "last": 3, "before": second["pageInfo"]["startCursor"]}
    # A cursor remembers its row's index: no rows are counted to place the next page,
    # or the previous one.
    assert positioned(after=cursor) == ((4, 6), 0)
    assert positioned(**back) == ((1, 3), 0)

    # After a publish the remembered index may be wrong: counted afresh, still exact.
    create_story("Published meanwhile", date=date(2030, 1, 1))
    assert positioned(after=cursor) == ((4, 6), 1)
    assert positioned(**back) == ((1, 3), 1)


def test_publishing_before_the_current_page_does_not_shift_the_next_page(client, more_stories):
    # Given: the first page in tree order, up to the careers page, and the rest.
    first = pages(client, first=3)
    assert urls(first)[-1] == "/careers/"
    rest = urls(pages(client, first=100))[3:]

    # When: a page is published under the publications page, before the cursor's row.
    research = Page.objects.get(url_path__endswith="/publications/")
    meanwhile = StoryIndexPage(title="Published meanwhile", slug="meanwhile")
    research.add_child(instance=meanwhile)
    meanwhile.save_revision(log_action=False).publish(log_action=False)
    assert "/publications/meanwhile/" in urls(pages(client, first=100))

    # Then: the next page starts right after the cursor's row: nothing repeats.
    second = pages(client, first=100, after=first["pageInfo"]["endCursor"])
    assert urls(second) == rest


def test_pages_filtered_by_page_types(client):
    assert urls(pages(client, contentType="careers.StoryPage, home.HomePage")) == ["/", STORY_URL]


def test_pages_below_a_parent_or_an_ancestor(client, more_stories):
    careers = page_id_of(client, "/careers/")
    assert urls(pages(client, parent=careers)) == ["/careers/stories/"]
    below = pages(client, ancestor=careers, first=100)
    assert urls(below)[:2] == ["/careers/stories/", STORY_URL]
    assert below["totalCount"] == 14
    index = page_id_of(client, "/careers/stories/")
    assert pages(client, parent=index)["totalCount"] == 13


def test_pages_in_menus_or_not(client):
    Page.objects.filter(url_path__endswith="/careers/").update(show_in_menus=True)
    Page.objects.filter(url_path__endswith="/publications/").update(show_in_menus=False)
    in_menu = set(urls(pages(client, inMenu=True)))
    not_in_menu = set(urls(pages(client, inMenu=False)))
    assert "/careers/" in in_menu and "/careers/" not in not_in_menu
    assert "/publications/" in not_in_menu and "/publications/" not in in_menu
    assert in_menu | not_in_menu == set(ALL_URLS)


def test_pages_of_a_site(client):
    assert urls(pages(client, site="localhost")) == ALL_URLS
    assert urls(pages(client, inSite=True)) == ALL_URLS


def test_page_search_ranks_and_combines_with_a_sort(client):
    found = pages(client, search="stanford")
    assert urls(found) == [STORY_URL]
    assert found["edges"][0]["node"]["searchScore"] is not None
    assert pages(client, search="zzyzx")["edges"] == []
    assert pages(client, search="stanford zzyzx")["edges"] == []  # every word must match
    assert urls(pages(client, search="   ")) == ALL_URLS  # blank: no search
    assert pages(client)["edges"][0]["node"]["searchScore"] is None

    by_title = pages(client, search="stanford", sort="TITLE")
    assert urls(by_title) == [STORY_URL]


def test_relevance_pages_with_position_cursors(client, more_stories):
    everything = urls(pages(client, search="story", first=100))
    assert len(everything) >= 12
    assert walk(client, search="story", size=5) == everything


def test_page_by_id_slug_and_url_path(client):
    story = data_of(gql(client, f'{{ page(urlPath: "{STORY_URL}") {{ id slug }} }}'))["page"]
    by_id = data_of(gql(client, "query($id: ID) { page(id: $id) { url } }", {"id": story["id"]}))
    by_slug = data_of(gql(client, f'{{ page(slug: "{story["slug"]}") {{ url }} }}'))
    without_slash = data_of(gql(client, '{ page(urlPath: "/careers/stories") { url } }'))
    in_site = data_of(gql(client, '{ page(urlPath: "/careers/", site: "localhost") { url } }'))
    assert by_id["page"]["url"] == by_slug["page"]["url"] == STORY_URL
    assert without_slash["page"]["url"] == "/careers/stories/"
    assert in_site["page"]["url"] == "/careers/"
    assert data_of(gql(client, '{ page(slug: "no-such-page") { url } }'))["page"] is None


LIST_OF_STORIES = """
query($first: Int) {
  pages(contentType: "careers.StoryPage", first: $first) {
    totalCount edges { node { url title depth ... on StoryPage { date summary } } }
  }
}
"""
#: The pages, their total, and one query per page type on the page (here one).
MAX_PAGE_LIST_QUERIES = 3


def test_a_list_of_pages_costs_the_same_queries_at_any_size(
    client, more_stories, django_assert_max_num_queries
):
    data_of(gql(client, LIST_OF_STORIES, {"first": 2}))  # warm-up, see measure_queries
    small, two = measure_queries(
        client, django_assert_max_num_queries, MAX_PAGE_LIST_QUERIES, LIST_OF_STORIES, {"first": 2}
    )
    large, twelve = measure_queries(
        client,
        django_assert_max_num_queries,
        MAX_PAGE_LIST_QUERIES,
        LIST_OF_STORIES,
        {"first": 12},
    )
    assert (len(small["pages"]["edges"]), len(large["pages"]["edges"])) == (2, 12)
    assert two == twelve


MIXED_PAGES_WITH_RELATIONS = """
query($first: Int) {
  pages(first: $first) {
    edges { node {
      title
      parent { title }
      ... on StoryPage {
        person { name team { name } }
        team { name organization { name } }
        portrait { url srcset }
        relatedPublications { title authors { name } }
      }
    } }
  }
}
"""
#: Pages and total; the pages of each type (5 here) with their relations, each in bulk:
#: for stories their people, teams with organizations, portraits with renditions, related
#: publications with authors; the public parents of the page (and their types).
MAX_MIXED_PAGE_QUERIES = 15


def test_relations_of_pages_in_a_list_are_loaded_in_bulk_not_per_page(
    client, django_assert_max_num_queries
):
    # Given: stories whose every relation has rows of its own, after the seed's pages.
    for number in range(12):
        person = Person.objects.create(name=f"Person {number}", slug=f"person-{number}")
        create_story(
            f"Story {number:02}",
            date=date(2030, 1, 1),
            team="photon-team",
            person=person,
            portrait=create_portrait(f"Person {number}"),
            related=[create_publication(f"Paper {number}", authors=[("P.", person)])],
        )
    data_of(gql(client, MIXED_PAGES_WITH_RELATIONS, {"first": 17}))  # renditions made

    small, few = measure_queries(
        client,
        django_assert_max_num_queries,
        MAX_MIXED_PAGE_QUERIES,
        MIXED_PAGES_WITH_RELATIONS,
        {"first": 7},
    )
    large, many = measure_queries(
        client,
        django_assert_max_num_queries,
        MAX_MIXED_PAGE_QUERIES,
        MIXED_PAGES_WITH_RELATIONS,
        {"first": 17},
    )
    stories = [edge["node"] for edge in large["pages"]["edges"] if "person" in edge["node"]]
    assert len(stories) == 13  # the seed's story and the twelve
    assert all(story["portrait"]["url"] for story in stories[1:])
    assert all(story["parent"]["title"] for story in stories)
    assert few == many, (few, many)


# --- What is refused ------------------------------------------------------------------


@pytest.mark.parametrize(
    "variables, field",
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": 0}, "last"),
        ({"last": 1000}, "last"),
        ({"first": 2, "last": 2}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "not-a-cursor"}, "before"),
        ({"sort": "RELEVANCE"}, "sort"),
        ({"contentType": "garbage"}, "contentType"),
        ({"contentType": "nope.Nope"}, "contentType"),
        ({"contentType": "research.Publication"}, "contentType"),  # a snippet
        ({"site": "nowhere.example"}, "site"),
        ({"site": "localhost", "inSite": True}, "site"),
        ({"parent": "999999"}, "parent"),
        ({"ancestor": "abc"}, "ancestor"),
        ({"parent": "99999999999999999999"}, "parent"),  # beyond a database integer
        ({"parent": "1", "ancestor": "1"}, "parent"),
        ({"search": "x" * 201}, "search"),
        ({"search": "!!!"}, "search"),
    ],
)
def test_unusable_pages_arguments_are_refused(client, variables, field):
    assert_bad_user_input(gql(client, PAGES, variables), field=field)


@pytest.mark.parametrize(
    "query, field",
    [
        ('{ page(slug: "careers", contentType: "home.Nope") { url } }', "contentType"),
        ('{ page(urlPath: "/", site: "nowhere.example") { url } }', "site"),
        ('{ page(id: "abc") { url } }', "id"),
        ('{ page(id: "-99999999999999999999") { url } }', "id"),
        ("{ page { url } }", None),
    ],
)
def test_unusable_page_arguments_are_refused(client, query, field):
    assert_bad_user_input(gql(client, query), field=field)


@pytest.mark.parametrize(
    "issued, reused",
    [
        ({}, {"sort": "TITLE"}),
        ({}, {"contentType": "careers.StoryPage"}),
        ({}, {"inMenu": False}),
        ({"search": "story"}, {"search": "stories"}),
        ({"contentType": "careers.StoryPage"}, {"ancestor": "PARENT"}),
        ({"parent": "PARENT"}, {"ancestor": "PARENT"}),
    ],
)
def test_a_cursor_is_refused_under_another_sort_or_filter(client, more_stories, issued, reused):
    index = page_id_of(client, "/careers/stories/")

    def filled(variables):
        return {name: index if value == "PARENT" else value for name, value in variables.items()}

    cursor = pages(client, first=1, **filled(issued))["pageInfo"]["endCursor"]
    body = gql(client, PAGES, {"first": 1, "after": cursor, **filled(reused)})
    assert_bad_user_input(body, field="after")
    assert data_of(gql(client, PAGES, {"first": 1, "after": cursor, **filled(issued)}))


def test_an_unpublished_parent_is_refused_like_a_missing_one(client):
    # Whether a draft page exists is not the public API's to tell.
    careers = CareersPage.objects.get()
    careers.unpublish(log_action=False)
    draft = gql(client, PAGES, {"parent": str(careers.pk)})
    missing = gql(client, PAGES, {"parent": "999999"})
    assert_bad_user_input(draft, field="parent")
    assert draft["errors"][0]["message"].replace(str(careers.pk), "N") == missing["errors"][0][
        "message"
    ].replace("999999", "N")


def test_no_field_of_the_public_schema_pages_with_limit_or_offset(client):
    """One paging style: no grapple `limit`/`offset`/`order` argument is left anywhere."""
    response = client.post(
        ENDPOINT,
        data=json.dumps(
            {"query": "{ __schema { types { name fields { name args { name } } } } }"}
        ),
        content_type="application/json",
    )
    offending = [
        f"{type_['name']}.{field['name']}({argument['name']})"
        for type_ in response.json()["data"]["__schema"]["types"]
        for field in type_["fields"] or ()
        for argument in field["args"]
        if argument["name"] in {"limit", "offset", "order", "perPage", "page"}
    ]
    assert offending == []


def test_a_search_reaches_the_home_page_and_its_default_order_is_relevance(client):
    # The home page sits right under the tree's root: a search covers it too.
    found = pages(client, search="MosaicML")  # in the home page's title
    assert "/" in urls(found)
    # Without a sort a search is in RELEVANCE order: its cursor goes on in that order.
    first = pages(client, search="MosaicML", first=1)
    after = first["pageInfo"]["endCursor"]
    body = gql(
        client, PAGES, {"search": "MosaicML", "sort": "RELEVANCE", "first": 1, "after": after}
    )
    assert "errors" not in body, body["errors"]
    assert urls(body["data"]["pages"]) == urls(found)[1:2]
