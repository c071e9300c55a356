"""Headless preview: the admin's preview hands the frontend a signed, expiring token,
and only that token unlocks the draft in the API."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from careers.models import StoryIndexPage, StoryPage
from cms.visibility import is_public
from research.models import Publication
from tests.careers.test_story_admin import story_form
from tests.graphql import create_portrait, data_of, error_codes, gql

pytestmark = pytest.mark.django_db

PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
PHOTON_TITLE = "Photon: A Fast Query Engine for Lakehouse Systems"

PREVIEW = """
query Preview($token: String!) {
  preview(token: $token) {
    __typename
    ... on Publication { title slug authors { name } }
    ... on StoryPage { title summary personName relatedPublications { title } }
  }
}
"""
LIVE_PUBLICATION = "query($slug: String!) { publication(slug: $slug) { title } }"


def preview_token(client, edit_url, preview_url, form_id="w-editor-form", **changes):
    """Do what the preview panel does: post the edited form, then load the preview."""
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id=form_id)
    for name, value in changes.items():
        data[name] = value
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url, {"in_preview_panel": "true"})
    assert preview.status_code == 200
    frontend_url = re.search(r'url=([^"]+)"', preview.content.decode()).group(1)
    assert frontend_url.startswith("http://127.0.0.1:8000/preview?token=")
    return parse_qs(urlparse(frontend_url.replace("&amp;", "&")).query)["token"][0]


def publication_token(client, **changes):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    return preview_token(
        client,
        reverse("wagtailsnippets_research_publication:edit", args=[photon.pk]),
        reverse("wagtailsnippets_research_publication:preview_on_edit", args=[photon.pk]),
        **changes,
    )


def test_the_token_shows_the_unsaved_draft_and_nothing_else_changes(client, editor_client):
    token = publication_token(editor_client, title="Photon, as the editor is typing it")

    previewed = data_of(gql(client, PREVIEW, {"token": token}))["preview"]
    assert previewed["__typename"] == "Publication"
    assert previewed["title"] == "Photon, as the editor is typing it"
    assert previewed["authors"][1]["name"] == "Shoumik Palkar"
    # The public API still serves the published version.
    live = data_of(gql(client, LIVE_PUBLICATION, {"slug": PHOTON_SLUG}))["publication"]
    assert live["title"] == PHOTON_TITLE


def test_a_new_story_can_be_previewed_before_it_is_ever_saved(client, marketing_client):
    index = StoryIndexPage.objects.get()
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["careers", "storypage", index.pk]
    )
    data = story_form(marketing_client, index, summary="A new summary, not yet saved.")
    assert marketing_client.post(preview_url, data).json()["is_valid"] is True
    preview = marketing_client.get(preview_url, {"in_preview_panel": "true"})
    token = parse_qs(
        urlparse(re.search(r'url=([^"]+)"', preview.content.decode()).group(1)).query
    )["token"][0]

    previewed = data_of(gql(client, PREVIEW, {"token": token}))["preview"]
    assert previewed["__typename"] == "StoryPage"
    assert previewed["summary"] == "A new summary, not yet saved."
    assert previewed["personName"] == "Riley Example"
    assert [p["title"] for p in previewed["relatedPublications"]] == [PHOTON_TITLE]
    page_query = "query($t: String) { page(token: $t) { title ... on StoryPage { summary } } }"
    assert data_of(gql(client, page_query, {"t": token}))["page"]["summary"] == (
        "A new summary, not yet saved."
    )
    # Nothing was saved: the public list still has the one seed story.
    assert StoryPage.objects.count() == 1
    stories = data_of(gql(client, "{ stories { totalCount } }"))["stories"]
    assert stories["totalCount"] == 1


def test_a_tampered_token_is_forbidden(client, editor_client):
    token = publication_token(editor_client, title="Secret draft title")
    body = gql(client, PREVIEW, {"token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")})
    assert error_codes(body) == ["FORBIDDEN"]
    assert "Secret draft title" not in str(body)
    assert body["data"] is None


def test_a_token_opens_the_draft_for_one_hour_and_not_longer(client, editor_client):
    """The default lifetime (no setting): valid at 59 minutes, even after another preview
    has cleared old snapshots; expired half a second after the hour, never falling back to
    the live version. (Issued on a whole second: tokens carry whole seconds.)"""
    issued = timezone.now().replace(microsecond=0)
    with time_machine.travel(issued, tick=False):
        token = publication_token(editor_client, title="Secret draft title")
    with time_machine.travel(issued + timedelta(minutes=59), tick=False):
        publication_token(editor_client, title="Another editor's draft")  # clears old snapshots
        body = gql(client, PREVIEW, {"token": token})
    assert data_of(body)["preview"]["title"] == "Secret draft title"
    with time_machine.travel(issued + timedelta(hours=1, milliseconds=500), tick=False):
        body = gql(client, PREVIEW, {"token": token})
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == (
        "This preview link has expired. Open the preview again from the admin."
    )


def test_preview_token_seconds_sets_the_lifetime(client, editor_client, settings):
    settings.PREVIEW_TOKEN_SECONDS = 120
    issued = timezone.now().replace(microsecond=0)
    with time_machine.travel(issued, tick=False):
        token = publication_token(editor_client, title="Secret draft title")
    with time_machine.travel(issued + timedelta(seconds=119), tick=False):
        assert data_of(gql(client, PREVIEW, {"token": token}))["preview"]["title"]
    with time_machine.travel(issued + timedelta(seconds=121), tick=False):
        assert error_codes(gql(client, PREVIEW, {"token": token})) == ["FORBIDDEN"]


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJzbmFwc2hvdCI6MX0:1abc:forged"])
def test_made_up_tokens_are_forbidden_for_pages_too(client, token):
    body = gql(client, "query($t: String) { page(token: $t) { title } }", {"t": token or "x"})
    assert error_codes(body) == ["FORBIDDEN"]


def test_a_publication_token_does_not_open_a_page(client, editor_client):
    token = publication_token(editor_client)
    body = gql(client, "query($t: String) { page(token: $t) { title } }", {"t": token})
    assert error_codes(body) == ["FORBIDDEN"]


def test_preview_answers_are_never_cached(client, editor_client):
    token = publication_token(editor_client, title="First draft")
    response = client.get(
        "/graphql/",
        {"query": PREVIEW, "variables": f'{{"token": "{token}"}}'},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_preview_shows_the_drafts_own_new_portrait_and_the_public_api_does_not(
    client, marketing_client
):
    # Given: a portrait and a figure for the body uploaded for a story that is not saved
    # yet: nothing public uses them.
    portrait = create_portrait("Riley Example")
    figure = create_portrait("Riley's Whiteboard")
    index = StoryIndexPage.objects.get()
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["careers", "storypage", index.pk]
    )
    body = streamfield([("image", {"image": figure.pk, "caption": "", "alt_text": ""})])
    data = story_form(marketing_client, index, portrait=str(portrait.pk), body=body)
    assert marketing_client.post(preview_url, data).json()["is_valid"] is True
    preview = marketing_client.get(preview_url, {"in_preview_panel": "true"})
    token = parse_qs(
        urlparse(re.search(r'url=([^"]+)"', preview.content.decode()).group(1)).query
    )["token"][0]

    # Then: the editor's preview shows it (cms.api.preview.reveal_own_files) …
    query = """query($t: String!) { preview(token: $t) { ... on StoryPage {
      portrait { url } body { ... on ImageWithCaptionBlock { image { url } } }
    } } }"""
    story = data_of(gql(client, query, {"t": token}))["preview"]
    assert story["portrait"]["url"]
    assert story["body"][0]["image"]["url"]  # the StreamField's images as well
    # … while the images are not public: their originals are unused by anything live.
    assert not is_public(portrait)
    assert not is_public(figure)


# previewStatus: what the frontend's preview banner says (views/preview.js).
PREVIEW_STATUS = "query($t: String!) { previewStatus(token: $t) }"


def preview_status(client, token):
    return data_of(gql(client, PREVIEW_STATUS, {"t": token}))["previewStatus"]


def save_draft(client, edit_url, data):
    """What *Save draft* in the editor does: a new revision, the live version untouched."""
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def form_data(client, edit_url, form_id, **changes):
    data = querydict_from_html(client.get(edit_url).content.decode(), form_id=form_id)
    for key in [k for k in data if "__prefix__" in k]:
        del data[key]
    if form_id == "page-edit-form":
        # The StreamField editor is drawn by JavaScript; send a body as the browser would.
        data.update(nested_form_data({"body": streamfield([("heading", "Why I joined")])}))
    for name, value in changes.items():
        data[name] = value
    return data


def token_for(client, preview_url, data):
    """Do what the preview panel does with the form as it stands."""
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url, {"in_preview_panel": "true"})
    frontend_url = re.search(r'url=([^"]+)"', preview.content.decode()).group(1)
    return parse_qs(urlparse(frontend_url.replace("&amp;", "&")).query)["token"][0]


def test_a_live_publication_without_a_draft_previews_as_published(client, editor_client):
    token = publication_token(editor_client, title="Photon, being typed")
    assert preview_status(client, token) == "PUBLISHED"


def test_a_live_publication_with_a_saved_draft_previews_as_unpublished_changes(
    client, editor_client
):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    edit_url = reverse("wagtailsnippets_research_publication:edit", args=[photon.pk])
    data = form_data(editor_client, edit_url, "w-editor-form", title="Photon, second edition")
    save_draft(editor_client, edit_url, data)

    token = publication_token(editor_client)
    assert preview_status(client, token) == "UNPUBLISHED_CHANGES"
    assert data_of(gql(client, PREVIEW, {"token": token}))["preview"]["title"] == (
        "Photon, second edition"
    )
    # Readers still get the live version.
    live = data_of(gql(client, LIVE_PUBLICATION, {"slug": PHOTON_SLUG}))["publication"]
    assert live["title"] == PHOTON_TITLE


def test_a_live_story_with_a_saved_draft_previews_as_unpublished_changes(client, marketing_client):
    story = StoryPage.objects.live().get()
    edit_url = reverse("wagtailadmin_pages:edit", args=[story.pk])
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk])
    data = form_data(marketing_client, edit_url, "page-edit-form")
    assert preview_status(client, token_for(marketing_client, preview_url, data)) == "PUBLISHED"

    data = form_data(marketing_client, edit_url, "page-edit-form", summary="Not yet live.")
    save_draft(marketing_client, edit_url, data)
    data = form_data(marketing_client, edit_url, "page-edit-form", summary="Not yet live.")
    token = token_for(marketing_client, preview_url, data)
    assert preview_status(client, token) == "UNPUBLISHED_CHANGES"
    assert data_of(gql(client, PREVIEW, {"token": token}))["preview"]["summary"] == (
        "Not yet live."
    )


def test_a_story_never_published_previews_as_a_draft(client, marketing_client):
    index = StoryIndexPage.objects.get()
    preview_url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["careers", "storypage", index.pk]
    )
    data = story_form(marketing_client, index)
    assert marketing_client.post(preview_url, data).json()["is_valid"] is True
    preview = marketing_client.get(preview_url, {"in_preview_panel": "true"})
    token = parse_qs(
        urlparse(re.search(r'url=([^"]+)"', preview.content.decode()).group(1)).query
    )["token"][0]
    assert preview_status(client, token) == "DRAFT"

    # Saved as a draft (a row and revisions now, but nothing live): still a draft.
    response = marketing_client.post(
        reverse("wagtailadmin_pages:add", args=["careers", "storypage", index.pk]), data
    )
    assert response.status_code == 302
    draft = StoryPage.objects.get(slug=data["slug"])
    assert not draft.live
    edit_url = reverse("wagtailadmin_pages:edit", args=[draft.pk])
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[draft.pk])
    data = form_data(marketing_client, edit_url, "page-edit-form")
    assert preview_status(client, token_for(marketing_client, preview_url, data)) == "DRAFT"


def test_preview_status_refuses_a_tampered_token(client, editor_client):
    token = publication_token(editor_client)
    body = gql(client, PREVIEW_STATUS, {"t": token[:-2] + ("AA" if token[-2:] != "AA" else "BB")})
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == "This preview token is not valid."
    assert body["data"] is None


def test_the_preview_pane_names_the_draft_and_opens_the_frontend_as_configured(
    editor_client, settings
):
    # A frontend served under a path: its address is kept as given, one slash before
    # /preview.
    settings.FRONTEND_URL = "https://preview.example/BOX/"
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    edit_url = reverse("wagtailsnippets_research_publication:edit", args=[photon.pk])
    preview_url = reverse("wagtailsnippets_research_publication:preview_on_edit", args=[photon.pk])
    data = querydict_from_html(
        editor_client.get(edit_url).content.decode(), form_id="w-editor-form"
    )
    assert editor_client.post(preview_url, data).json()["is_valid"] is True
    page = editor_client.get(preview_url, {"in_preview_panel": "true"}).content.decode()
    assert f"<title>Preview: {PHOTON_TITLE}</title>" in page
    assert "url=https://preview.example/BOX/preview?token=" in page
