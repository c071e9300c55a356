"""Nothing an editor saved is ever lost: revisions, locking and reverting, through the admin."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from careers.models import StoryPage
from home.roles import EDITORS
from research.models import Publication
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
PHOTON_TITLE = "Photon: A Fast Query Engine for Lakehouse Systems"


def photon():
    return Publication.objects.get(slug=PHOTON_SLUG)


def edit(client, title, *, publish=False):
    url = reverse("wagtailsnippets_research_publication:edit", args=[photon().pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="w-editor-form")
    data["title"] = title
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(url, data)


@pytest.fixture
def second_editor_client():
    client = Client()
    client.force_login(make_user("edna", EDITORS))
    return client


def test_every_save_is_a_revision(editor_client):
    before = photon().revisions.count()
    edit(editor_client, "Photon, first draft")
    edit(editor_client, "Photon, second draft")
    edit(editor_client, "Photon, published", publish=True)

    titles = [r.content["title"] for r in photon().revisions.order_by("created_at", "id")]
    assert photon().revisions.count() == before + 3
    assert titles[-3:] == ["Photon, first draft", "Photon, second draft", "Photon, published"]


def test_a_lock_keeps_a_second_editor_from_overwriting(editor_client, second_editor_client):
    lock_url = reverse("wagtailsnippets_research_publication:lock", args=[photon().pk])
    assert editor_client.post(lock_url).status_code == 302
    assert photon().locked

    response = edit(second_editor_client, "Edna's competing change")
    assert photon().latest_revision.content["title"] != "Edna's competing change"
    assert response.status_code == 200  # the form comes back, with the lock message
    assert "locked" in response.content.decode().lower()

    # The editor holding the lock can still save.
    edit(editor_client, "Eddie's change")
    assert photon().latest_revision.content["title"] == "Eddie's change"


def test_reverting_a_publication_to_an_earlier_revision(editor_client):
    edit(editor_client, "Photon, a mistake", publish=True)
    assert photon().title == "Photon, a mistake"
    original = photon().revisions.order_by("created_at", "id").first()

    revert_url = reverse(
        "wagtailsnippets_research_publication:revisions_revert", args=[photon().pk, original.pk]
    )
    data = querydict_from_html(
        editor_client.get(revert_url).content.decode(), form_id="w-editor-form"
    )
    assert data["title"] == PHOTON_TITLE  # the form is filled from the old revision
    data["action-publish"] = "action-publish"
    assert editor_client.post(revert_url, data).status_code == 302

    assert photon().title == PHOTON_TITLE
    assert photon().revisions.count() == 3  # nothing was deleted to get back


def test_reverting_a_story_page_to_an_earlier_revision(marketing_client):
    story = StoryPage.objects.get()
    original_summary = story.summary
    story.summary = "A summary that should not have been published."
    story.save_revision(log_action=False).publish(log_action=False)
    original = story.revisions.order_by("created_at", "id").first()
    revert_url = reverse("wagtailadmin_pages:revisions_revert", args=[story.pk, original.pk])

    # The revert page is the edit form, filled from the old revision.
    page = marketing_client.get(revert_url)
    assert "validation of personal success" in page.content.decode()
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form")
    for key in [k for k in data if "__prefix__" in k]:
        del data[key]
    # The StreamField is rendered by JavaScript; submit it as the browser would.
    data.update(nested_form_data({"body": streamfield(body_items(original))}))
    assert data["summary"].strip() == original_summary
    data["action-publish"] = "action-publish"
    revisions_before = story.revisions.count()
    assert marketing_client.post(revert_url, data).status_code == 302

    story.refresh_from_db()
    assert story.summary == original_summary
    assert story.revisions.count() == revisions_before + 1


def body_items(revision):
    items = []
    for block in json.loads(revision.content["body"]):
        value = block["value"]
        if block["type"] == "paragraph":
            value = rich_text(value, features=["bold", "italic", "link", "ol", "ul"])
        items.append((block["type"], value))
    return items
