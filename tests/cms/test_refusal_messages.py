"""What a refused request is told: each coded refusal of ``page``, ``pages`` and
``preview`` carries a message that says what to send instead. Frontend developers read
these in their console, so the exact words are part of the API."""

import base64

import pytest
from django.core import signing
from wagtail.models import Page

from cms.api import cursors
from cms.models import PreviewSnapshot
from tests.cms.test_preview import publication_token
from tests.graphql import data_of, error_codes, gql

pytestmark = pytest.mark.django_db

PAGE_BY_TOKEN = "query($t: String) { page(token: $t) { title } }"
PREVIEW = "query($t: String!) { preview(token: $t) { __typename } }"
EXPIRED = "This preview link has expired. Open the preview again from the admin."


def refusal(body):
    """``(code, message, field)`` of the answer's only error."""
    [error] = body["errors"]
    extensions = error.get("extensions", {})
    return extensions.get("code"), error["message"], extensions.get("field")


def test_page_without_a_way_to_find_it(client):
    assert refusal(gql(client, "{ page { title } }")) == (
        "BAD_USER_INPUT",
        "Pass one of `id`, `slug`, `urlPath` or `token`.",
        None,
    )


def test_pages_under_two_anchors_or_an_unpublished_one(client):
    home = Page.objects.get(depth=2)
    both = gql(
        client,
        "query($a: ID) { pages(parent: $a, ancestor: $a) { totalCount } }",
        {"a": str(home.pk)},
    )
    assert refusal(both) == (
        "BAD_USER_INPUT",
        "Pass either `parent` or `ancestor`, not both.",
        "parent",
    )
    root = Page.objects.get(depth=1)  # the tree's root is no published page
    for argument in ("parent", "ancestor"):
        query = f"query($a: ID) {{ pages({argument}: $a) {{ totalCount }} }}"
        assert refusal(gql(client, query, {"a": str(root.pk)})) == (
            "BAD_USER_INPUT",
            f"No published page has the id {root.pk}.",
            argument,
        )


def test_a_preview_token_that_is_not_valid_or_for_a_snippet(client, editor_client):
    for query in (PREVIEW, PAGE_BY_TOKEN):
        assert refusal(gql(client, query, {"t": "made-up"}))[:2] == (
            "FORBIDDEN",
            "This preview token is not valid.",
        )
    publication = publication_token(editor_client)
    assert refusal(gql(client, PAGE_BY_TOKEN, {"t": publication}))[:2] == (
        "FORBIDDEN",
        "This preview token is not for a page.",
    )


def test_a_token_whose_draft_was_cleared_says_it_expired(client, editor_client):
    token = publication_token(editor_client)
    PreviewSnapshot.objects.all().delete()  # as a later preview does once they are old
    body = gql(client, PREVIEW, {"t": token})
    assert error_codes(body) == ["FORBIDDEN"]
    assert refusal(body)[1] == EXPIRED


def test_a_global_id_carries_a_database_id_from_1_to_the_largest_bigint(client):
    """0 names no row and is not an id this API issues: refused as malformed. The largest
    64-bit id is a well-formed one: refused only because no page has it."""
    query = "query($a: ID) { pages(parent: $a) { totalCount } }"
    zero = base64.b64encode(b"StoryPage:0").decode()
    largest = base64.b64encode(f"StoryPage:{2**63 - 1}".encode()).decode()
    assert refusal(gql(client, query, {"a": zero})) == (
        "BAD_USER_INPUT",
        f"`parent` must be a page's `id` or `databaseId`; got {zero!r}.",
        "parent",
    )
    assert refusal(gql(client, query, {"a": largest})) == (
        "BAD_USER_INPUT",
        f"No published page has the id {2**63 - 1}.",
        "parent",
    )


def test_a_cursor_of_another_sort_or_filter(client):
    cursor = data_of(gql(client, "{ pages(first: 1) { pageInfo { endCursor } } }"))["pages"][
        "pageInfo"
    ]["endCursor"]
    query = """query($s: PageSort, $m: Boolean, $c: String) {
      pages(sort: $s, inMenu: $m, after: $c) { totalCount }
    }"""
    assert refusal(gql(client, query, {"s": "TITLE", "c": cursor})) == (
        "BAD_USER_INPUT",
        "The `after` cursor was issued for a different sort order. "
        "Start again without a cursor when you change the sort.",
        "after",
    )
    assert refusal(gql(client, query, {"m": True, "c": cursor})) == (
        "BAD_USER_INPUT",
        "The `after` cursor was issued for a different search or filter. "
        "Start again without a cursor when you change the search or filters.",
        "after",
    )


PUBLICATIONS = "query($first: Int, $last: Int, $after: String) {"
PUBLICATIONS += " publications(first: $first, last: $last, after: $after)"
PUBLICATIONS += " { totalCount pageInfo { endCursor } } }"


@pytest.mark.parametrize(
    "variables, message, field",
    [
        ({"first": 0}, "`first` must be between 1 and 100; got 0.", "first"),
        ({"last": 101}, "`last` must be between 1 and 100; got 101.", "last"),
        ({"first": 2, "last": 2}, "Pass either `first` or `last`, not both.", "first"),
    ],
)
def test_page_sizes_out_of_range_or_given_both_ways(client, variables, message, field):
    assert refusal(gql(client, PUBLICATIONS, variables)) == ("BAD_USER_INPUT", message, field)


def test_a_signed_cursor_of_the_other_kind_for_this_list(client):
    # A cursor this server signed for this list and sort, but holding a position where the
    # list pages by sort key: e.g. issued before a deploy that changed how it pages.
    issued = data_of(gql(client, PUBLICATIONS, {"first": 2}))["publications"]
    payload = signing.loads(issued["pageInfo"]["endCursor"], salt=cursors.SALT)
    positional = cursors.encode_cursor(
        sort=payload["sort"], fingerprint=payload["filters"], position=1
    )
    assert refusal(gql(client, PUBLICATIONS, {"first": 2, "after": positional})) == (
        "BAD_USER_INPUT",
        "The `after` cursor does not belong to this list.",
        "after",
    )
