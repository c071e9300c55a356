"""``page`` and ``pages`` with a second site and pages of no specific type: which site a
page belongs to, which of two pages with the same path is meant, and a plain page among
typed ones. The demo has one site and only typed pages, where none of this shows."""

from datetime import date

import pytest
from wagtail.models import Page, Site

from tests.graphql import assert_bad_user_input, create_story, data_of, gql, measure_queries

pytestmark = pytest.mark.django_db

PAGE = """query($slug: String, $urlPath: String, $inSite: Boolean, $site: String) {
  page(slug: $slug, urlPath: $urlPath, inSite: $inSite, site: $site) { title }
}"""
PAGES = """query($inSite: Boolean, $parent: ID, $ancestor: ID, $sort: PageSort) {
  pages(inSite: $inSite, parent: $parent, ancestor: $ancestor, sort: $sort, first: 100) {
    edges { node { __typename title } }
  }
}"""


@pytest.fixture
def other_site():
    """other.example: a root with "About Other" (/about/) and "Xenon Lab" (/Xenon/); the
    main site gets "About Careers" at /careers/about/ (deeper, earlier in the tree than
    the other site) and then "About Us" at /about/. All plain pages, all published."""
    tree_root = Page.objects.get(depth=1)
    other_root = tree_root.add_child(instance=Page(title="Other Home", slug="other-home"))
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    other_root.add_child(instance=Page(title="About Other", slug="about"))
    other_root.add_child(instance=Page(title="Xenon Lab", slug="Xenon"))
    home = Site.objects.get(is_default_site=True).root_page
    careers = home.get_children().get(slug="careers")
    careers.add_child(instance=Page(title="About Careers", slug="about"))
    home.add_child(instance=Page(title="About Us", slug="about"))
    return other_root


def page_title(client, **variables):
    page = data_of(gql(client, PAGE, variables))["page"]
    return page and page["title"]


def titles(client, **variables):
    edges = data_of(gql(client, PAGES, variables))["pages"]["edges"]
    return [edge["node"]["title"] for edge in edges]


def test_in_site_keeps_to_the_requests_site(client, other_site):
    # The test client's host is no site's: the default site answers it.
    assert page_title(client, slug="Xenon") == "Xenon Lab"
    assert page_title(client, slug="Xenon", inSite=True) is None
    assert page_title(client, urlPath="/Xenon/", inSite=True) is None
    everywhere = titles(client)
    in_site = titles(client, inSite=True)
    assert {"Other Home", "About Other", "Xenon Lab"} <= set(everywhere)
    assert not {"Other Home", "About Other", "Xenon Lab"} & set(in_site)
    assert set(in_site) < set(everywhere)


def test_a_path_is_looked_up_under_the_named_sites_root(client, other_site):
    assert page_title(client, urlPath="/Xenon/", site="other.example") == "Xenon Lab"
    assert page_title(client, urlPath="Xenon", site="other.example") == "Xenon Lab"
    assert page_title(client, urlPath="/about/", site="other.example") == "About Other"


def test_without_a_site_the_shallowest_then_first_in_the_tree_wins(client, other_site):
    # Three pages end in /about/: two at depth 3 (the main site's comes first in the
    # tree) and a deeper one that comes before the other site in the tree.
    assert page_title(client, urlPath="/about/") == "About Us"


def test_parent_and_ancestor_keep_to_that_part_of_the_tree(client, other_site):
    anchor = str(other_site.pk)
    assert sorted(titles(client, parent=anchor)) == ["About Other", "Xenon Lab"]
    assert sorted(titles(client, ancestor=anchor)) == ["About Other", "Xenon Lab"]


def test_a_plain_page_first_in_a_list_leaves_the_others_typed(client, other_site):
    # Sorted by title, plain pages ("About …") come first; the typed ones after them are
    # still loaded as their own types.
    edges = data_of(gql(client, PAGES, {"sort": "TITLE"}))["pages"]["edges"]
    types = {edge["node"]["title"]: edge["node"]["__typename"] for edge in edges}
    assert edges[0]["node"]["__typename"] == "Page"
    assert types["Build your career beyond academia"] == "CareersPage"
    assert types["Publications"] == "ResearchPage"


CURSOR_PAGES = """query(
  $site: String, $inSite: Boolean, $parent: ID, $ancestor: ID, $after: String
) {
  pages(site: $site, inSite: $inSite, parent: $parent, ancestor: $ancestor, first: 1,
        after: $after) {
    pageInfo { endCursor }
  }
}"""


@pytest.mark.parametrize(
    "issued, reused",
    [
        ({"site": "other.example"}, {"inSite": True}),
        ({"parent": "OTHER"}, {"parent": "HOME"}),
        ({"ancestor": "OTHER"}, {"ancestor": "HOME"}),
    ],
)
def test_a_cursor_is_refused_under_another_site_parent_or_ancestor(
    client, other_site, issued, reused
):
    home = Site.objects.get(is_default_site=True).root_page
    anchors = {"OTHER": str(other_site.pk), "HOME": str(home.pk)}

    def filled(variables):
        return {name: anchors.get(value, value) for name, value in variables.items()}

    cursor = data_of(gql(client, CURSOR_PAGES, filled(issued)))["pages"]["pageInfo"]["endCursor"]
    assert_bad_user_input(
        gql(client, CURSOR_PAGES, {**filled(reused), "after": cursor}), field="after"
    )
    assert data_of(gql(client, CURSOR_PAGES, {**filled(issued), "after": cursor}))


def test_plain_pages_in_a_list_need_no_second_load(
    client, other_site, django_assert_max_num_queries
):
    """A list loads each typed page again as its own type, once per type; a page of no
    specific type is already what the list read."""
    home = Site.objects.get(is_default_site=True).root_page
    stories = home.get_children().get(slug="careers").get_children().get(slug="stories")
    create_story("A Second Story", date=date(2030, 1, 1))
    query = PAGES.replace("first: 100", "first: 2")

    def typed_and_cost(parent):
        variables = {"parent": str(parent.pk)}
        data_of(gql(client, query, variables))  # warm-up (see measure_queries)
        data, cost = measure_queries(client, django_assert_max_num_queries, 3, query, variables)
        return [edge["node"]["__typename"] for edge in data["pages"]["edges"]], cost

    plain_types, plain_cost = typed_and_cost(other_site)
    story_types, story_cost = typed_and_cost(stories)
    assert plain_types == ["Page", "Page"] and story_types == ["StoryPage", "StoryPage"]
    assert plain_cost == story_cost - 1
