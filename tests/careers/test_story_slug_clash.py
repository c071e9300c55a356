"""An abandoned draft holding a new story's slug: the error says which page, with a link.

The editor starts a story, abandons it (autosave has already made a draft), starts
again with the same title and presses Publish. Wagtail refuses the slug (it must stay
unique) with a message on the Promote tab only; here the message names the draft,
links to it, and is shown beside the title too.
"""

import pytest
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from careers.models import StoryPage
from tests.careers.test_story_admin import add_url, story_form, story_index  # noqa: F401

pytestmark = pytest.mark.django_db


def field_errors(response, name):
    """The error texts rendered in the admin next to the form field ``name``."""
    soup = WagtailTestUtils.get_soup(response.content)
    field = soup.find(attrs={"name": name})
    wrapper = field.find_parent(attrs={"data-field-wrapper": True})
    return [error.get_text(" ", strip=True) for error in wrapper.select(".error-message")]


def test_new_story_whose_slug_an_abandoned_draft_holds_names_the_draft(
    marketing_client,
    story_index,  # noqa: F811
):
    # The abandoned first attempt: saved (as autosave does) as a draft, never published.
    first = story_form(marketing_client, story_index)
    assert marketing_client.post(add_url(story_index), first).status_code == 302
    draft = StoryPage.objects.get(slug="building-a-query-engine")
    assert draft.live is False

    # The second attempt, same title and slug, published.
    data = story_form(marketing_client, story_index)
    data["action-publish"] = "action-publish"
    response = marketing_client.post(add_url(story_index), data)

    assert response.status_code == 200
    expected = (
        "The address “building-a-query-engine” is already used by a draft that was never "
        "published, “Building a query engine in my first year” in the same section. "
        "Edit or delete that page, or give this one another title and slug."
    )
    # Beside the title (Content tab) and beside the slug (Promote tab), with the link.
    for name in ("title", "slug"):
        assert field_errors(response, name) == [expected]
    html = response.content.decode()
    assert html.count(f'href="/admin/pages/{draft.pk}/edit/"') >= 2
    assert StoryPage.objects.filter(slug="building-a-query-engine").count() == 1
