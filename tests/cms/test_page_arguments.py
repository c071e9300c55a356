"""Grapple's page fields (``pages``, ``page``, ``children`` …) with their arguments checked.

Grapple passes ``order`` to the ORM unchecked, caps ``limit`` silently and reads
``contentType`` without a check; here each misuse is a BAD_USER_INPUT error that
says what would work, and what is allowed keeps working.
"""

import json

import pytest

from careers.models import CareersPage
from tests.graphql import ENDPOINT, assert_bad_user_input, data_of, gql, measure_queries

pytestmark = pytest.mark.django_db

STORY_URL = (
    "/careers/stories/life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford/"
)
ALL_URLS = ["/", "/publications/", "/careers/", "/careers/stories/", STORY_URL]  # tree order


def urls(client, query, variables=None, field="pages"):
    return [page["url"] for page in data_of(gql(client, query, variables))[field]]


def refusal(client, query, variables=None):
    """The answer to a query refused before it runs (invalid argument literal): HTTP 400
    when the client asks for ``application/graphql-response+json`` (200 with JSON)."""
    response = client.post(
        ENDPOINT,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_ACCEPT="application/graphql-response+json",
    )
    return response.status_code, response.json()


# --- What works ---------------------------------------------------------------------


def test_pages_in_tree_order_then_sliced_and_ordered(client, django_assert_max_num_queries):
    query = "{ pages { url } }"
    assert urls(client, query) == ALL_URLS  # warm-up: one-time lookups of the process
    # The pages, then one query per page type (5), whatever ran before in this process.
    data, _ = measure_queries(client, django_assert_max_num_queries, 6, query)
    assert [page["url"] for page in data["pages"]] == ALL_URLS
    assert urls(client, "{ pages(limit: 2, offset: 1) { url } }") == ALL_URLS[1:3]
    titles = [
        page["title"]
        for page in data_of(gql(client, '{ pages(order: "-title") { title } }'))["pages"]
    ]
    assert titles == sorted(titles, reverse=True)
    newest_first = urls(client, '{ pages(order: "-first_published_at,title") { url } }')
    assert sorted(newest_first) == sorted(ALL_URLS)


def test_pages_filtered_by_page_types(client):
    query = '{ pages(contentType: "careers.StoryPage, home.HomePage") { url } }'
    assert urls(client, query) == ["/", STORY_URL]


def test_pages_below_a_parent_or_an_ancestor(client):
    careers = data_of(gql(client, '{ page(urlPath: "/careers/") { id } }'))["page"]["id"]
    assert urls(client, f"{{ pages(parent: {careers}) {{ url }} }}") == ["/careers/stories/"]
    assert urls(client, f"{{ pages(ancestor: {careers}) {{ url }} }}") == [
        "/careers/stories/",
        STORY_URL,
    ]


def test_page_search_ranks_and_combines_with_order_and_limit(client):
    query = """
    query Search(
      $search: String, $operator: SearchOperatorEnum, $order: String, $limit: PositiveInt
    ) {
      pages(searchQuery: $search, searchOperator: $operator, order: $order, limit: $limit) {
        url title searchScore
      }
    }
    """

    def found(**variables):
        return data_of(gql(client, query, variables))["pages"]

    assert [page["url"] for page in found(search="stanford")] == [STORY_URL]
    assert found(search="stanford")[0]["searchScore"] is not None
    assert found(search="zzyzx") == []
    assert [page["url"] for page in found(search="   ")] == ALL_URLS  # blank: no search

    either = found(search="stanford databricks", operator="OR", order="-title")
    assert {page["url"] for page in either} == {"/", STORY_URL}
    assert [page["title"] for page in either] == sorted(
        (page["title"] for page in either), reverse=True
    )
    assert found(search="stanford zzyzx", operator="AND") == []  # every word must match
    assert [page["url"] for page in found(search="stanford zzyzx", operator="OR")] == [STORY_URL]
    assert len(found(search="stanford databricks", operator="OR", limit=1)) == 1


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


# --- What is refused ------------------------------------------------------------------


def refusals_on_a_list_and_a_relation(client, argument, graphql_type, value):
    """The first error from ``pages`` and from ``children`` given ``argument: value``."""
    errors = []
    for field in ("pages", 'page(urlPath: "/") { children'):
        closing = "}" if "{" in field else ""
        query = (
            f"query($value: {graphql_type}) {{ {field}({argument}: $value) {{ url }} {closing} }}"
        )
        body = gql(client, query, {"value": value})
        assert_bad_user_input(body, field=argument)
        errors.append(body["errors"][0]["message"])
    return errors


@pytest.mark.parametrize(
    "order",
    [
        "no_such_column",
        "owner__password",  # would order pages by their owner's password hash
        "draft_title",  # a draft's title must not leak through the order
        "-",
        "title,,id",
        "title desc",
    ],
)
def test_an_order_outside_the_allowed_fields_is_refused(client, order):
    for message in refusals_on_a_list_and_a_relation(client, "order", "String", order):
        assert "title, path, depth, first_published_at, last_published_at, id" in message


@pytest.mark.parametrize("limit", [0, 101, 1000])
def test_a_limit_outside_1_to_100_is_refused_not_capped(client, limit):
    for message in refusals_on_a_list_and_a_relation(client, "limit", "PositiveInt", limit):
        assert f"between 1 and 100; got {limit}" in message


@pytest.mark.parametrize("argument", ["limit", "offset"])
def test_a_negative_limit_or_offset_is_refused_not_ignored(client, argument):
    # Grapple's PositiveInt turns a negative literal into null (the default applies).
    status, body = refusal(client, f"{{ pages({argument}: -1) {{ url }} }}")
    assert status == 400
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
    assert "got -1" in body["errors"][0]["message"]

    # As a variable it fails variable coercion: a request error too (issue 12).
    status, as_variable = refusal(
        client, f"query($n: PositiveInt) {{ pages({argument}: $n) {{ url }} }}", {"n": -5}
    )
    assert status == 400
    assert [error["extensions"]["code"] for error in as_variable["errors"]] == ["BAD_USER_INPUT"]
    assert "got -5" in as_variable["errors"][0]["message"]


@pytest.mark.parametrize(
    "query, field",
    [
        ('{ pages(contentType: "garbage") { url } }', "contentType"),
        ('{ pages(contentType: "nope.Nope") { url } }', "contentType"),
        ('{ pages(contentType: "research.Publication") { url } }', "contentType"),  # a snippet
        ('{ page(slug: "careers", contentType: "home.Nope") { url } }', "contentType"),
        ('{ pages(site: "nowhere.example") { url } }', "site"),
        ('{ page(urlPath: "/", site: "nowhere.example") { url } }', "site"),
        ('{ pages(site: "localhost", inSite: true) { url } }', "site"),
        ("{ pages(parent: 999999) { url } }", "parent"),
        ('{ pages(ancestor: "abc") { url } }', "ancestor"),
        ('{ page(id: "abc") { url } }', "id"),
        ('{ pages(searchQuery: "' + "x" * 201 + '") { url } }', "searchQuery"),
        ("{ page { url } }", None),
    ],
    ids=[
        "not-a-label",
        "unknown-model",
        "not-a-page-type",
        "unknown-model-single",
        "unknown-site",
        "unknown-site-single",
        "site-and-in-site",
        "unknown-parent",
        "non-numeric-ancestor",
        "non-numeric-id",
        "search-too-long",
        "nothing-to-find-a-page-by",
    ],
)
def test_unusable_page_arguments_are_refused(client, query, field):
    body = gql(client, query)
    assert_bad_user_input(body, field=field)


def test_an_unpublished_parent_is_refused_like_a_missing_one(client):
    # Whether a draft page exists is not the public API's to tell.
    careers = CareersPage.objects.get()
    careers.unpublish(log_action=False)
    draft = gql(client, f"{{ pages(parent: {careers.pk}) {{ url }} }}")
    missing = gql(client, "{ pages(parent: 999999) { url } }")
    assert_bad_user_input(draft, field="parent")
    assert draft["errors"][0]["message"].replace(str(careers.pk), "N") == missing["errors"][0][
        "message"
    ].replace("999999", "N")
