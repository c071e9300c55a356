"""Pages through the API: the published pages are there, and nothing else leaks.

An unpublished page, or a private one (a view restriction on it or above it),
must not come back from `page(...)`, `pages` (all of them, or below a page),
`stories` or `story`, nor be reachable from a public page through `parent` or
the home page's call-to-action link.
"""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from careers.models import CareersPage, StoryIndexPage, StoryPage
from cms.visibility import is_public, public_objects
from research.models import ResearchPage
from tests.graphql import data_of, gql

pytestmark = pytest.mark.django_db

SITE = json.loads((Path(settings.BASE_DIR) / "home" / "demo_content" / "site.json").read_text())

STORY_SLUG = "life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford"
STORY_URL = f"/careers/stories/{STORY_SLUG}/"
PUBLIC_URLS = ["/", "/publications/", "/careers/", "/careers/stories/", STORY_URL]

PAGE = """
query Page($urlPath: String) {
  page(urlPath: $urlPath) {
    __typename databaseId title url
    ... on ResearchPage { intro pageSize defaultSort }
    parent { url }
  }
}
"""

PAGE_BY_ID = "query PageById($id: ID) { page(id: $id) { url } }"

#: Everything reachable: the page lists, and every relation from the home page.
EVERYTHING = f"""
query Everything($slug: String!, $home: ID) {{
  pages(first: 100) {{ edges {{ node {{ url parent {{ url }} }} }} }}
  children: pages(parent: $home, first: 100) {{ edges {{ node {{ url }} }} }}
  descendants: pages(ancestor: $home, first: 100) {{ edges {{ node {{ url parent {{ url }} }} }} }}
  home: page(urlPath: "/") {{ ... on HomePage {{ ctaPage {{ url }} }} }}
  story: page(urlPath: "{STORY_URL}") {{ url parent {{ url }} }}
  stories {{ totalCount edges {{ node {{ url }} }} }}
  storyBySlug: story(slug: $slug) {{ url }}
}}
"""


def page_at(client, url):
    return data_of(gql(client, PAGE, {"urlPath": url}))["page"]


def nodes(connection):
    return [edge["node"] for edge in connection["edges"]]


def reachable_urls(client):
    """Every page URL any part of the API hands out."""
    home = str(Page.objects.get(depth=2).pk)
    data = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG, "home": home}))
    urls = set()
    for listed in ("pages", "children", "descendants"):
        for page in nodes(data[listed]):
            urls.add(page["url"])
            if page.get("parent"):
                urls.add(page["parent"]["url"])
    if data["home"]["ctaPage"]:
        urls.add(data["home"]["ctaPage"]["url"])
    if data["story"]:
        story = data["story"]
        urls.add(story["url"])
        if story["parent"]:
            urls.add(story["parent"]["url"])
    urls.update(edge["node"]["url"] for edge in data["stories"]["edges"])
    if data["storyBySlug"]:
        urls.add(data["storyBySlug"]["url"])
    return urls


# --- What is there ------------------------------------------------------------------


def test_the_publications_page_by_url_path(client):
    page = page_at(client, "/publications/")

    assert page == {
        "__typename": "ResearchPage",
        "databaseId": ResearchPage.objects.get().pk,
        "title": SITE["research"]["title"],
        "url": "/publications/",
        "intro": SITE["research"]["intro"],
        "pageSize": 12,
        "defaultSort": "title",
        "parent": {"url": "/"},
    }


def test_every_published_page_is_reachable(client):
    # The control for the tests below: each public page is found by its URL and listed.
    for url in PUBLIC_URLS:
        assert page_at(client, url)["url"] == url
    assert reachable_urls(client) == set(PUBLIC_URLS)


# --- What must not be ------------------------------------------------------------------


def unpublish(page):
    page.unpublish(log_action=False)


def password_protect(page):
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")


def require_login(page):
    PageViewRestriction.objects.create(page=page, restriction_type="login")


def research_page():
    return ResearchPage.objects.get()


def careers_page():
    return CareersPage.objects.get()


def story_index():
    return StoryIndexPage.objects.get()


def story_page():
    return StoryPage.objects.get(slug=STORY_SLUG)


@pytest.mark.parametrize(
    "hide, target, hidden_urls",
    [
        (unpublish, research_page, {"/publications/"}),
        (unpublish, story_page, {STORY_URL}),
        (unpublish, careers_page, {"/careers/"}),
        (password_protect, research_page, {"/publications/"}),
        (password_protect, story_page, {STORY_URL}),
        # A restriction covers the page and everything below it.
        (password_protect, careers_page, {"/careers/", "/careers/stories/", STORY_URL}),
        (require_login, story_index, {"/careers/stories/", STORY_URL}),
    ],
    ids=[
        "unpublished-research-page",
        "unpublished-story",
        "unpublished-careers-page",
        "private-research-page",
        "private-story",
        "private-careers-section",
        "login-only-story-index",
    ],
)
def test_a_hidden_page_is_returned_nowhere(client, hide, target, hidden_urls):
    # Given: a page that is public now.
    page = target()
    assert page_at(client, page.url) is not None

    # When: it is unpublished or made private.
    hide(page)

    # Then: no query returns it (or, for a restriction, anything below it) …
    for url in hidden_urls:
        assert page_at(client, url) is None, url
    assert data_of(gql(client, PAGE_BY_ID, {"id": page.pk}))["page"] is None
    # … and no relation of a public page leads to it.
    assert reachable_urls(client) == set(PUBLIC_URLS) - hidden_urls


@pytest.mark.parametrize("hide", [unpublish, password_protect])
def test_a_hidden_story_is_not_in_stories(client, hide):
    hide(story_page())

    data = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG}))

    assert data["stories"] == {"totalCount": 0, "edges": []}
    assert data["storyBySlug"] is None


def expire(page):
    # The expiry time has passed, but the scheduled job that unpublishes has not run.
    page.expire_at = timezone.now() - timedelta(minutes=1)
    page.save(update_fields=["expire_at"])
    assert Page.objects.get(pk=page.pk).live


@pytest.mark.parametrize("hide", [unpublish, expire])
def test_parent_never_leads_to_a_hidden_page(client, hide):
    # Given: the story index (the story's parent) is unpublished or past its expiry time;
    # the story itself stays published.
    hide(story_index())

    story = page_at(client, STORY_URL)
    data = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG}))

    # Then: the story is served, but its parent is not.
    assert story["url"] == STORY_URL
    assert story["parent"] is None
    listed_story = next(page for page in nodes(data["pages"]) if page["url"] == STORY_URL)
    assert listed_story["parent"] is None
    # And every parent the page list mentions is itself a listed page.
    listed = {page["url"] for page in nodes(data["pages"])}
    assert {page["parent"]["url"] for page in nodes(data["pages"]) if page["parent"]} <= listed


def test_the_home_call_to_action_does_not_link_a_hidden_page(client):
    home = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG}))["home"]
    assert home["ctaPage"] == {"url": "/careers/"}

    unpublish(careers_page())

    home = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG}))["home"]
    assert home["ctaPage"] is None


def test_an_expired_story_is_not_in_stories(client):
    expire(story_page())

    data = data_of(gql(client, EVERYTHING, {"slug": STORY_SLUG}))

    assert data["stories"] == {"totalCount": 0, "edges": []}
    assert data["storyBySlug"] is None


def test_an_expired_page_is_not_returned_by_page_or_pages(client):
    expire(story_page())

    assert page_at(client, STORY_URL) is None
    assert STORY_URL not in reachable_urls(client)


PAGE_SEARCH = """
query PageSearch($search: String, $home: ID) {
  pages(search: $search) { edges { node { url } } }
  belowHome: pages(search: $search, ancestor: $home) { edges { node { url } } }
}
"""


@pytest.mark.parametrize("hide", [unpublish, password_protect, expire])
def test_page_search_never_finds_a_hidden_page(client, hide):
    # The search index holds every page, drafts and private ones included: the
    # visibility gate must apply to what the search backend finds.
    home = str(Page.objects.get(depth=2).pk)

    def found():
        data = data_of(gql(client, PAGE_SEARCH, {"search": "Stanford", "home": home}))
        return [page["url"] for page in nodes(data["pages"])], [
            page["url"] for page in nodes(data["belowHome"])
        ]

    assert found() == ([STORY_URL], [STORY_URL])

    hide(story_page())

    assert found() == ([], [])


def test_a_collection_is_public_unless_it_or_a_collection_above_it_is_restricted():
    # The collection rule (``public_objects(Collection)``) on its own: images and
    # documents check their collection chain in their own query, so the API never asks
    # it, but it is the rule ``public_objects`` gives for any collection.
    root = Collection.get_first_root_node()
    shared = root.add_child(name="Shared collection")
    shared_child = shared.add_child(name="Shared child collection")
    private = root.add_child(name="Private collection")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    private_child = private.add_child(name="Private child collection")

    public = set(public_objects(Collection))

    assert {root, shared, shared_child} <= public
    assert not {private, private_child} & public
    assert [is_public(c) for c in (shared_child, private_child)] == [True, False]
