"""Least privilege for the Editors and Marketing groups, proven through the admin.

When a signed-in user lacks a permission, Wagtail's admin does not answer 403:
it redirects to the dashboard (``/admin/``) and shows "Sorry, you do not have
permission to access this area." ``assert_refused`` checks exactly that (a
wrong URL would be a 404, not this). Refused submissions are also sent by the
role that owns the content, to show the same data is accepted from them.
"""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    streamfield,
)

from careers.models import CareersPage, StoryIndexPage, StoryPage
from home.models import HomePage, Person, Team
from home.roles import EDITORS, MARKETING
from research.models import Publication, ResearchPage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DENIED_MESSAGE = "Sorry, you do not have permission to access this area."
PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
ADMIN_ONLY_URLS = ("/admin/users/", "/admin/groups/", "/admin/sites/", "/admin/workflows/list/")


def assert_refused(client, response):
    assert response.status_code == 302, response.status_code
    assert response["Location"] == "/admin/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert DENIED_MESSAGE in dashboard.content.decode()


def page_edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def story_add_url():
    return f"/admin/pages/add/careers/storypage/{StoryIndexPage.objects.get().pk}/"


def publication_edit_url(publication):
    return f"/admin/snippets/research/publication/edit/{publication.pk}/"


def minimal_story():
    return nested_form_data(
        {
            "title": "A story nobody else may write",
            "slug": "a-story-nobody-else-may-write",
            "person": "",
            "person_name": "Sam Example",
            "role": "",
            "team": "",
            "portrait": "",
            "summary": "Short.",
            "date": "2024-01-01",
            "body": streamfield([("heading", "Hello")]),
            "related_publications": inline_formset([]),
            "action-publish": "action-publish",
        }
    )


def edit_form_data(client, url, form_id):
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id=form_id)
    for key in [k for k in data if "__prefix__" in k]:
        del data[key]
    return data


# --- Neither group is a superuser -------------------------------------------


@pytest.mark.parametrize("user_fixture, group", [("editor", EDITORS), ("marketer", MARKETING)])
def test_neither_group_can_manage_users_groups_or_settings(request, client, user_fixture, group):
    user = request.getfixturevalue(user_fixture)
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.is_superuser is False
    client.force_login(user)
    assert client.get("/admin/").status_code == 200  # they do reach the admin
    for url in ADMIN_ONLY_URLS:
        assert_refused(client, client.get(url))


def test_those_admin_areas_exist_for_a_superuser(client):
    client.force_login(make_user("root", superuser=True))
    for url in ADMIN_ONLY_URLS:
        assert client.get(url).status_code == 200, url


# --- Editors: research only --------------------------------------------------


def test_editor_cannot_open_or_submit_the_story_add_view(client, editor, marketer):
    client.force_login(editor)
    assert_refused(client, client.get(story_add_url()))
    assert_refused(client, client.post(story_add_url(), minimal_story()))
    assert not StoryPage.objects.filter(slug="a-story-nobody-else-may-write").exists()

    # The very same submission works for Marketing.
    client.force_login(marketer)
    response = client.post(story_add_url(), minimal_story())
    assert response.status_code == 302
    assert StoryPage.objects.get(slug="a-story-nobody-else-may-write").live is True


def test_editor_cannot_open_or_submit_the_story_edit_view(client, editor, marketer):
    story = StoryPage.objects.get()
    client.force_login(marketer)
    data = edit_form_data(client, page_edit_url(story), "page-edit-form")
    data["summary"] = "Rewritten by someone from research."

    client.force_login(editor)
    assert_refused(client, client.get(page_edit_url(story)))
    assert_refused(client, client.post(page_edit_url(story), data))
    story.refresh_from_db()
    assert story.summary != "Rewritten by someone from research."
    assert story.revisions.count() == 1


@pytest.mark.parametrize("model_name, model", [("team", Team), ("person", Person)])
def test_editor_cannot_edit_or_add_teams_and_people(client, editor, marketer, model_name, model):
    instance = model.objects.order_by("pk").first()
    edit_url = f"/admin/snippets/home/{model_name}/edit/{instance.pk}/"
    add_url = f"/admin/snippets/home/{model_name}/add/"

    client.force_login(marketer)
    assert client.get(edit_url).status_code == 200
    assert client.get(add_url).status_code == 200
    data = edit_form_data(client, edit_url, "w-editor-form")
    data["name"] = "Renamed by an editor"

    client.force_login(editor)
    assert_refused(client, client.get(edit_url))
    assert_refused(client, client.get(add_url))
    assert_refused(client, client.post(edit_url, data))
    instance.refresh_from_db()
    assert instance.name != "Renamed by an editor"


def test_editor_may_only_look_people_up_for_author_links(client, editor):
    client.force_login(editor)
    response = client.get("/admin/snippets/home/person/")
    assert response.status_code == 200
    assert response.context["can_add"] is False
    assert_refused(client, client.get("/admin/snippets/home/team/"))
    assert_refused(client, client.get("/admin/snippets/home/organization/"))


def test_editor_edits_and_publishes_the_research_page(client, editor):
    research = ResearchPage.objects.get()
    client.force_login(editor)
    data = edit_form_data(client, page_edit_url(research), "page-edit-form")
    data["intro"] = "Papers from our researchers and engineers."
    data["action-publish"] = "action-publish"
    response = client.post(page_edit_url(research), data)
    assert response.status_code == 302

    research.refresh_from_db()
    assert research.intro == "Papers from our researchers and engineers."
    assert research.live and not research.has_unpublished_changes
    assert research.live_revision.user == editor


@pytest.mark.parametrize("page_model", [CareersPage, HomePage])
def test_editor_cannot_edit_pages_outside_research(client, editor, page_model):
    client.force_login(editor)
    assert_refused(client, client.get(page_edit_url(page_model.objects.get())))


def test_editor_cannot_delete_the_research_page(client, editor):
    """Wagtail lets whoever may edit and publish a childless page delete it; not this one."""
    research = ResearchPage.objects.get()
    delete_url = f"/admin/pages/{research.pk}/delete/"
    client.force_login(editor)
    assert delete_url not in client.get(page_edit_url(research)).content.decode()
    assert_refused(client, client.get(delete_url))
    assert_refused(client, client.post(delete_url))
    response = client.post(f"/admin/bulk/wagtailcore/page/delete/?id={research.pk}")
    assert response.status_code == 302
    assert Page.objects.filter(pk=research.pk).exists()


def test_a_superuser_can_still_delete_the_research_page(client):
    research = ResearchPage.objects.get()
    client.force_login(make_user("root", superuser=True))
    assert (
        f"/admin/pages/{research.pk}/delete/"
        in client.get(page_edit_url(research)).content.decode()
    )
    response = client.post(f"/admin/pages/{research.pk}/delete/")
    assert response.status_code == 302
    assert not Page.objects.filter(pk=research.pk).exists()


# --- Marketing: careers only -------------------------------------------------


def test_marketing_cannot_open_the_publication_add_or_edit_views(client, editor, marketer):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    client.force_login(editor)
    assert client.get(publication_edit_url(photon)).status_code == 200

    client.force_login(marketer)
    assert_refused(client, client.get("/admin/snippets/research/publication/add/"))
    assert_refused(client, client.get(publication_edit_url(photon)))

    # They may list publications (to link them to stories) but get no "Add" button.
    response = client.get("/admin/snippets/research/publication/")
    assert response.status_code == 200
    assert response.context["can_add"] is False


def test_marketing_cannot_change_or_publish_a_publication(client, editor, marketer):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    client.force_login(editor)
    data = edit_form_data(client, publication_edit_url(photon), "w-editor-form")
    data["title"] = "Photon, as marketing would like it"
    data["action-publish"] = "action-publish"

    client.force_login(marketer)
    assert_refused(client, client.post(publication_edit_url(photon), data))
    photon.refresh_from_db()
    assert photon.title == "Photon: A Fast Query Engine for Lakehouse Systems"
    assert photon.revisions.count() == 1

    unpublish_url = f"/admin/snippets/research/publication/unpublish/{photon.pk}/"
    assert_refused(client, client.post(unpublish_url))
    photon.refresh_from_db()
    assert photon.live is True

    # The identical submission is accepted from an Editor: the refusal is about the role.
    client.force_login(editor)
    assert client.post(publication_edit_url(photon), data).status_code == 302
    photon.refresh_from_db()
    assert photon.title == "Photon, as marketing would like it"


def test_marketing_cannot_create_a_publication_by_posting(client, marketer):
    client.force_login(marketer)
    data = nested_form_data(
        {
            "title": "Marketing's own paper",
            "domain": Publication.objects.first().domain_id,
            "year": 2024,
            "date_added": "2024-01-01 10:00",
            "authors": inline_formset([{"name": "Someone"}]),
            "action-publish": "action-publish",
        }
    )
    assert_refused(client, client.post("/admin/snippets/research/publication/add/", data))
    assert not Publication.objects.filter(title="Marketing's own paper").exists()


def test_marketing_edits_and_publishes_the_careers_page(client, marketer):
    careers = CareersPage.objects.get()
    client.force_login(marketer)
    data = edit_form_data(client, page_edit_url(careers), "page-edit-form")
    data["heading"] = "Come build with us"
    data["action-publish"] = "action-publish"
    response = client.post(page_edit_url(careers), data)
    assert response.status_code == 302

    careers.refresh_from_db()
    assert careers.heading == "Come build with us"
    assert careers.live and not careers.has_unpublished_changes
    assert careers.live_revision.user == marketer


@pytest.mark.parametrize("page_model", [ResearchPage, HomePage])
def test_marketing_cannot_edit_pages_outside_careers(client, marketer, page_model):
    client.force_login(marketer)
    assert_refused(client, client.get(page_edit_url(page_model.objects.get())))


def test_marketing_cannot_delete_the_careers_section(client, marketer):
    careers = CareersPage.objects.get()
    client.force_login(marketer)
    assert_refused(client, client.post(f"/admin/pages/{careers.pk}/delete/"))
    assert Page.objects.filter(pk=careers.pk).exists()


def test_marketing_cannot_edit_research_domains(client, marketer):
    client.force_login(marketer)
    assert_refused(client, client.get("/admin/snippets/research/researchdomain/"))
    assert_refused(client, client.get("/admin/snippets/research/researchdomain/add/"))
