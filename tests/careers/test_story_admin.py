"""Employee stories in the Wagtail admin, as a Marketing user publishes them.

The page is created with the real page-create form (fields, StreamField body and
the related-publications inline), so a broken panel, block or clean() shows up here.
"""

import pytest
from django.contrib.messages import get_messages
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from careers.models import StoryIndexPage, StoryPage
from home.models import Person
from research.models import Publication

pytestmark = pytest.mark.django_db

NO_PERSON_MESSAGE = "Choose the person the story is about, or type their name."
PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


@pytest.fixture
def story_index():
    return StoryIndexPage.objects.get()


def add_url(parent):
    return f"/admin/pages/add/careers/storypage/{parent.pk}/"


def story_form(client, parent, **overrides):
    """The add form as rendered for this user, filled in like an editor would."""
    response = client.get(add_url(parent))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    # The __prefix__ rows are the JavaScript template for new inline rows; the browser
    # does not submit them.
    for key in [k for k in data if "__prefix__" in k]:
        del data[key]
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    fields = {
        "title": "Building a query engine in my first year",
        "slug": "building-a-query-engine",
        "person": "",
        "person_name": "Riley Example",
        "role": "Software Engineer",
        "summary": "Riley joined the Photon team straight from university.",
        "date": "2024-06-01",
        "body": streamfield(
            [
                ("heading", "Why Photon"),
                (
                    "paragraph",
                    rich_text(
                        "<p>I wanted to work on <b>fast</b> query engines.</p>",
                        features=PARAGRAPH_FEATURES,
                    ),
                ),
            ]
        ),
        "related_publications": inline_formset([{"publication": photon.pk}]),
    }
    fields.update(overrides)
    data.update(nested_form_data(fields))
    return data


def test_marketing_creates_and_publishes_a_story(marketing_client, marketer, story_index):
    data = story_form(marketing_client, story_index)
    data["action-publish"] = "action-publish"
    response = marketing_client.post(add_url(story_index), data)

    assert response.status_code == 302
    story = StoryPage.objects.get(slug="building-a-query-engine")
    assert response["Location"] == f"/admin/pages/{story_index.pk}/"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("published" in m for m in messages), messages

    assert story.live is True
    assert story.has_unpublished_changes is False
    assert story.first_published_at is not None
    assert story.get_parent().specific == story_index
    assert story.live_revision == story.latest_revision
    assert story.latest_revision.user == marketer
    assert story.owner == marketer
    assert story in StoryPage.objects.live().public()

    assert story.person is None
    assert story.display_name == "Riley Example"
    assert story.role == "Software Engineer"
    assert story.summary == "Riley joined the Photon team straight from university."
    assert [block.block_type for block in story.body] == ["heading", "paragraph"]
    assert story.body[0].value == "Why Photon"
    assert "<b>fast</b>" in story.body[1].value.source
    assert [r.publication.slug for r in story.related_publications.all()] == [
        "photon-a-fast-query-engine-for-lakehouse-systems"
    ]
    assert str(story.date) == "2024-06-01"


def test_marketing_can_save_a_story_as_a_draft_first(marketing_client, story_index):
    response = marketing_client.post(
        add_url(story_index), story_form(marketing_client, story_index)
    )
    assert response.status_code == 302
    story = StoryPage.objects.get(slug="building-a-query-engine")
    assert response["Location"] == f"/admin/pages/{story.pk}/edit/"
    assert story.live is False
    assert story.live_revision is None
    assert story.latest_revision.content["person_name"] == "Riley Example"
    assert story not in StoryPage.objects.live()


def test_a_story_linked_to_a_person_needs_no_typed_name(marketing_client, story_index):
    person = Person.objects.get(slug="shoumik-palkar")
    data = story_form(marketing_client, story_index, person=person.pk, person_name="")
    data["action-publish"] = "action-publish"
    response = marketing_client.post(add_url(story_index), data)

    assert response.status_code == 302
    story = StoryPage.objects.get(slug="building-a-query-engine")
    assert story.live is True
    assert story.person == person
    assert story.display_name == "Shoumik Palkar"


@pytest.mark.parametrize("action", [None, "action-publish"], ids=["draft", "publish"])
@pytest.mark.parametrize("typed_name", ["", "   "], ids=["empty", "spaces"])
def test_a_story_without_a_person_or_name_is_refused(
    marketing_client, story_index, action, typed_name
):
    pages_before = Page.objects.count()
    revisions_before = Revision.objects.count()
    data = story_form(marketing_client, story_index, person="", person_name=typed_name)
    if action:
        data[action] = action
    response = marketing_client.post(add_url(story_index), data)

    assert response.status_code == 200
    assert response.context["form"].errors["person_name"] == [NO_PERSON_MESSAGE]
    assert NO_PERSON_MESSAGE in response.content.decode()
    soup = WagtailTestUtils.get_soup(response.content)
    title = soup.find("input", attrs={"name": "title"})["value"]
    assert title == "Building a query engine in my first year"
    assert "Riley joined the Photon team" in soup.find("textarea", attrs={"name": "summary"}).text
    assert not StoryPage.objects.filter(slug="building-a-query-engine").exists()
    assert Page.objects.count() == pages_before
    assert Revision.objects.count() == revisions_before
