"""Optional moderation: with MARKETING_REVIEW on, a submitted story is not live until a
Marketing lead approves it. Through the admin views, as the editors use them."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import Workflow

from careers.models import StoryIndexPage, StoryPage
from careers.roles import REVIEW_WORKFLOW
from home.roles import MARKETING, MARKETING_LEADS, ensure_roles
from tests.careers.test_story_admin import add_url, story_form
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_review_is_off_by_default_and_marketing_publishes_directly():
    assert not Workflow.objects.get(name=REVIEW_WORKFLOW).active


@override_settings(MARKETING_REVIEW=True)
def test_a_submitted_story_goes_live_only_when_a_lead_approves():
    ensure_roles()
    assert Workflow.objects.get(name=REVIEW_WORKFLOW).active
    index = StoryIndexPage.objects.get()
    writer = Client()
    writer.force_login(make_user("wendy", MARKETING))

    # A Marketing writer can no longer publish a story directly...
    data = story_form(writer, index)
    data["action-publish"] = "action-publish"
    writer.post(add_url(index), data)
    assert not StoryPage.objects.filter(slug="building-a-query-engine", live=True).exists()

    # ...but submits it for review.
    data = story_form(writer, index, slug="reviewed-story", title="A reviewed story")
    data["action-submit"] = "action-submit"
    assert writer.post(add_url(index), data).status_code == 302
    story = StoryPage.objects.get(slug="reviewed-story")
    assert not story.live
    task_state = story.current_workflow_task_state
    assert task_state is not None

    # Stories in review never reach the API.
    api = Client()
    body = api.post(
        "/graphql/", {"query": "{ stories { totalCount } }"}, content_type="application/json"
    ).json()
    assert body["data"]["stories"]["totalCount"] == 1

    lead = Client()
    lead.force_login(make_user("lena", MARKETING_LEADS))
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[story.pk, "approve", task_state.pk]
    )
    approved = lead.post(approve, {"comment": "Lovely."})
    # Done, back to the page's editor (a refusal would redirect to the dashboard).
    assert (approved.status_code, approved["Location"]) == (302, f"/admin/pages/{story.pk}/edit/")

    story.refresh_from_db()
    assert story.live
    body = api.post(
        "/graphql/", {"query": "{ stories { totalCount } }"}, content_type="application/json"
    ).json()
    assert body["data"]["stories"]["totalCount"] == 2
