"""Nothing an editor saves is lost: a save from a form opened before someone else's is refused.

Two editors open the same publication or story in the admin (two logged-in test
clients GET the real edit view); one saves; the other then submits the form they
opened earlier. That second save must write nothing, show the editor their own
input again and say who saved the newer version and when, with a link to compare
(see cms/edit_conflicts.py). One editor working alone, autosave included, is
never stopped.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from careers.models import StoryPage
from cms.edit_conflicts import FIELD_NAME, check_edit_forms_are_version_checked
from home.roles import EDITORS, MARKETING, ensure_roles
from research.models import Publication
from tests.conftest import make_user
from tests.home.test_roles import edit_form_data

pytestmark = pytest.mark.django_db

PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
PHOTON_TITLE = "Photon: A Fast Query Engine for Lakehouse Systems"
SNIPPET_FORM = "w-editor-form"
PAGE_FORM = "page-edit-form"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def named_user(username, group, first_name, last_name):
    user = make_user(username, group)
    user.first_name, user.last_name = first_name, last_name
    user.save()
    return user


@pytest.fixture
def maria(db):
    return named_user("maria", EDITORS, "Maria", "Lopez")


@pytest.fixture
def ben(db):
    return named_user("ben", EDITORS, "Ben", "Okafor")


@pytest.fixture
def photon():
    return Publication.objects.get(slug=PHOTON_SLUG)


@pytest.fixture
def story():
    return StoryPage.objects.live().order_by("pk").first()


def publication_edit_url(publication):
    return f"/admin/snippets/research/publication/edit/{publication.pk}/"


def page_edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def open_form(client, url, form_id):
    """GET the edit view and return what its form would submit."""
    data = edit_form_data(client, url, form_id)
    assert data[FIELD_NAME], "the edit form carries the version it was opened on"
    if form_id == PAGE_FORM:
        # The StreamField editor is drawn by JavaScript, so the HTML holds no body
        # inputs; send a body as the browser would.
        data.update(nested_form_data({"body": streamfield([("heading", "Why I joined")])}))
    return data


def both_open(url, form_id, first_user, second_user):
    """Two editors, each in their own browser, open the same edit form."""
    first, second = client_for(first_user), client_for(second_user)
    return first, open_form(first, url, form_id), second, open_form(second, url, form_id)


def submit(client, url, data, action):
    data = data.copy()
    if action in ("publish", "submit"):
        data[f"action-{action}"] = f"action-{action}"
    return client.post(url, data)


def error_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request) if "error" in m.tags]


def input_value(response, name):
    return WagtailTestUtils.get_soup(response.content).find("input", attrs={"name": name})["value"]


def assert_refused_naming(response, who, verb, newer, review_link_ends=None):
    """Refused: the form is shown again with a message naming who, what, when and a link.

    The link compares the version the form was opened on with the newer one.
    """
    assert response.status_code == 200
    at = timezone.localtime(newer.created_at).strftime("%H:%M")
    expected = (
        f"{who} {verb} a newer version at {at} while you were editing. "
        "Review the newer version, then copy your changes over."
    )
    messages = error_messages(response)
    explained = [m for m in messages if expected in m]
    assert explained, messages
    link = WagtailTestUtils.get_soup(explained[0]).find("a", string="Review the newer version")
    review_link_ends = review_link_ends or f"...{newer.pk}/"
    assert link is not None and link["href"].endswith(review_link_ends), explained[0]
    assert response.context["form"].non_field_errors(), "the form itself refuses the save"


# --- Publications (snippets with drafts and revisions) ----------------------


@pytest.mark.parametrize("b_action", ["publish", "save"], ids=["b-publishes", "b-saves-draft"])
def test_publishing_an_outdated_publication_form_is_refused(maria, ben, photon, b_action):
    url = publication_edit_url(photon)
    maria_client, maria_form, ben_client, ben_form = both_open(url, SNIPPET_FORM, maria, ben)

    maria_form["title"] = "Photon, the vectorized engine"
    response = submit(maria_client, url, maria_form, "publish")
    assert response.status_code == 302
    photon.refresh_from_db()
    assert photon.title == "Photon, the vectorized engine"
    venue_before = photon.venue
    revisions_before = photon.revisions.count()

    ben_form["venue"] = "SIGMOD 2022 (Industry track)"
    response = submit(ben_client, url, ben_form, b_action)

    assert_refused_naming(response, "Maria Lopez", "published", photon.latest_revision)
    photon.refresh_from_db()
    assert photon.title == "Photon, the vectorized engine"
    assert photon.venue == venue_before
    assert photon.revisions.count() == revisions_before
    assert photon.latest_revision.user == maria
    assert Publication.objects.live().filter(title="Photon, the vectorized engine").exists()
    # Ben's form comes back with his input, his venue and the title he had.
    assert input_value(response, "venue") == "SIGMOD 2022 (Industry track)"
    assert input_value(response, "title") == PHOTON_TITLE

    # Sending the same form again is refused again; a freshly opened one is accepted.
    assert submit(ben_client, url, ben_form, b_action).status_code == 200
    fresh = open_form(ben_client, url, SNIPPET_FORM)
    assert fresh["title"] == "Photon, the vectorized engine"
    fresh["venue"] = "SIGMOD 2022 (Industry track)"
    assert submit(ben_client, url, fresh, "publish").status_code == 302
    photon.refresh_from_db()
    assert (photon.title, photon.venue) == (
        "Photon, the vectorized engine",
        "SIGMOD 2022 (Industry track)",
    )


def test_a_newer_draft_also_makes_a_form_outdated(maria, ben, photon):
    url = publication_edit_url(photon)
    maria_client, maria_form, ben_client, ben_form = both_open(url, SNIPPET_FORM, maria, ben)

    maria_form["abstract"] = "A draft Maria is still working on."
    assert submit(maria_client, url, maria_form, "save").status_code == 302

    ben_form["venue"] = "SIGMOD"
    response = submit(ben_client, url, ben_form, "publish")
    photon.refresh_from_db()
    assert_refused_naming(response, "Maria Lopez", "saved", photon.latest_revision)
    assert photon.latest_revision.content["abstract"] == "A draft Maria is still working on."
    assert photon.live_revision.user != ben


def test_a_publication_without_revisions_is_guarded_too(maria, ben, photon):
    """Content loaded by the demo loader may have no revision yet: the form says so."""
    photon.revisions.all().delete()
    Publication.objects.filter(pk=photon.pk).update(latest_revision=None, live_revision=None)
    url = publication_edit_url(photon)
    maria_client, maria_form, ben_client, ben_form = both_open(url, SNIPPET_FORM, maria, ben)
    assert maria_form[FIELD_NAME] == ben_form[FIELD_NAME] == "none"

    maria_form["title"] = "Photon, first revision"
    assert submit(maria_client, url, maria_form, "publish").status_code == 302
    ben_form["venue"] = "VLDB"
    response = submit(ben_client, url, ben_form, "publish")

    photon.refresh_from_db()
    # Nothing to compare with: the link opens the history.
    history = f"/publication/history/{photon.pk}/"
    assert_refused_naming(response, "Maria Lopez", "published", photon.latest_revision, history)
    assert photon.title == "Photon, first revision"
    assert photon.revisions.count() == 1


def test_the_same_editor_in_two_windows_is_told_it_was_them(maria, photon):
    url = publication_edit_url(photon)
    first_window, old_form, second_window, new_form = both_open(url, SNIPPET_FORM, maria, maria)
    new_form["title"] = "Photon (second window)"
    assert submit(second_window, url, new_form, "publish").status_code == 302

    response = submit(first_window, url, old_form, "publish")
    assert response.status_code == 200
    photon.refresh_from_db()
    at = timezone.localtime(photon.latest_revision.created_at).strftime("%H:%M")
    assert any(
        f"You published a newer version at {at} in another window while you were editing." in m
        for m in error_messages(response)
    )


# --- One editor alone is never stopped --------------------------------------


def test_one_editor_saves_drafts_in_a_row_then_publishes(maria, photon):
    url = publication_edit_url(photon)
    client = client_for(maria)
    for title in ("Photon, draft one", "Photon, draft two"):
        data = open_form(client, url, SNIPPET_FORM)
        data["title"] = title
        assert submit(client, url, data, "save").status_code == 302
    data = open_form(client, url, SNIPPET_FORM)
    assert data["title"] == "Photon, draft two"
    assert submit(client, url, data, "publish").status_code == 302
    photon.refresh_from_db()
    assert photon.title == "Photon, draft two"


def test_a_form_refused_for_a_validation_error_can_be_fixed_and_sent_again(maria, photon):
    url = publication_edit_url(photon)
    client = client_for(maria)
    data = open_form(client, url, SNIPPET_FORM)
    data["year"] = "1900"
    response = submit(client, url, data, "publish")
    assert response.status_code == 200
    assert not error_messages(response) or all(
        "newer version" not in m for m in error_messages(response)
    )
    # The editor corrects the year in the form shown again and publishes.
    data = querydict_from_html(response.content.decode(), form_id=SNIPPET_FORM)
    for key in [k for k in data if "__prefix__" in k]:
        del data[key]
    data["year"] = "2022"
    assert submit(client, url, data, "publish").status_code == 302


def test_autosave_keeps_the_editors_own_form_current(maria, ben, photon):
    """Wagtail 8 autosaves drafts in the background; each answer updates the form's version."""
    url = publication_edit_url(photon)
    client = client_for(maria)
    data = open_form(client, url, SNIPPET_FORM)
    opened = data[FIELD_NAME]

    overwrite = None
    for abstract in ("Autosaved once.", "Autosaved twice."):
        data["abstract"] = abstract
        autosave = data.copy()
        if overwrite:
            autosave["overwrite_revision_id"] = overwrite
        response = client.post(url, autosave, HTTP_ACCEPT="application/json")
        answer = response.json()
        assert answer["success"] is True, answer
        overwrite = answer["revision_id"]
        # What Wagtail's autosave script does with the answer: write the field updates back.
        for name, value in answer["field_updates"].items():
            data[name] = value
    assert data[FIELD_NAME] != opened

    data["title"] = "Photon, autosaved then published"
    response = submit(client, url, data, "publish")
    assert response.status_code == 302, error_messages(response)
    photon.refresh_from_db()
    assert photon.title == "Photon, autosaved then published"
    assert photon.abstract == "Autosaved twice."

    # Someone else's autosave, though, makes an older form outdated.
    ben_client = client_for(ben)
    ben_form = open_form(ben_client, url, SNIPPET_FORM)
    stale = open_form(client, url, SNIPPET_FORM)
    ben_form["abstract"] = "Ben's autosaved draft."
    assert ben_client.post(url, ben_form, HTTP_ACCEPT="application/json").json()["success"]
    response = submit(client, url, stale, "publish")
    photon.refresh_from_db()
    assert_refused_naming(response, "Ben Okafor", "saved", photon.latest_revision)


def test_an_autosave_that_rewrites_a_draft_in_place_still_counts(maria, ben, photon):
    """Autosave rewrites its own revision (same id, new time): the token covers the time too."""
    url = publication_edit_url(photon)
    ben_client, maria_client = client_for(ben), client_for(maria)
    ben_form = open_form(ben_client, url, SNIPPET_FORM)
    ben_form["abstract"] = "Ben's first autosave."
    answer = ben_client.post(url, ben_form, HTTP_ACCEPT="application/json").json()
    assert answer["success"] is True, answer

    maria_form = open_form(maria_client, url, SNIPPET_FORM)
    ben_form["abstract"] = "Ben's second autosave."
    ben_form[FIELD_NAME] = answer["field_updates"][FIELD_NAME]
    ben_form["overwrite_revision_id"] = answer["revision_id"]
    again = ben_client.post(url, ben_form, HTTP_ACCEPT="application/json").json()
    assert again["success"] is True and again["revision_id"] == answer["revision_id"], again

    maria_form["title"] = "Photon, Maria's version"
    response = submit(maria_client, url, maria_form, "publish")
    photon.refresh_from_db()
    assert photon.latest_revision.pk == answer["revision_id"]
    assert_refused_naming(
        response, "Ben Okafor", "saved", photon.latest_revision, f"/history/{photon.pk}/"
    )
    assert photon.latest_revision.content["abstract"] == "Ben's second autosave."
    assert photon.title == PHOTON_TITLE


def test_reverting_to_an_earlier_version_still_works(maria, photon):
    url = publication_edit_url(photon)
    client = client_for(maria)
    data = open_form(client, url, SNIPPET_FORM)
    data["title"] = "Photon, renamed"
    assert submit(client, url, data, "publish").status_code == 302
    photon.refresh_from_db()
    first = photon.revisions.order_by("created_at", "pk").first()

    revert_url = (
        f"/admin/snippets/research/publication/history/{photon.pk}/revisions/{first.pk}/revert/"
    )
    data = open_form(client, revert_url, SNIPPET_FORM)
    assert data["title"] == PHOTON_TITLE
    assert submit(client, revert_url, data, "publish").status_code == 302
    photon.refresh_from_db()
    assert photon.title == PHOTON_TITLE


# --- Pages: an employee story ------------------------------------------------


@pytest.mark.parametrize(
    ("a_action", "b_action", "verb"),
    [("publish", "save", "published"), ("save", "publish", "saved")],
    ids=["a-publishes-b-saves-draft", "a-saves-draft-b-publishes"],
)
def test_an_outdated_story_form_is_refused(story, a_action, b_action, verb):
    marge = named_user("marge", MARKETING, "Maria", "Lopez")
    url = page_edit_url(story)
    marge_client, marge_form, ben_client, ben_form = both_open(
        url, PAGE_FORM, marge, named_user("ben", MARKETING, "Ben", "Okafor")
    )
    live_summary = story.summary

    marge_form["title"] = "A newer story title"
    assert submit(marge_client, url, marge_form, a_action).status_code == 302
    story.refresh_from_db()
    revisions_before = Revision.objects.for_instance(story).count()

    ben_form["summary"] = "Ben's rewrite of the summary."
    response = submit(ben_client, url, ben_form, b_action)

    newest = story.revisions.order_by("-created_at", "-pk").first()
    assert_refused_naming(response, "Maria Lopez", verb, newest)
    assert f"/admin/pages/{story.pk}/revisions/compare/" in error_messages(response)[0]
    story.refresh_from_db()
    assert Revision.objects.for_instance(story).count() == revisions_before
    assert story.get_latest_revision().user == marge
    assert story.get_latest_revision_as_object().title == "A newer story title"
    assert story.summary == live_summary
    if a_action == "publish":
        assert story.title == "A newer story title"
    # Ben's input is shown again.
    soup = WagtailTestUtils.get_soup(response.content)
    assert soup.find("textarea", attrs={"name": "summary"}).text.strip() == (
        "Ben's rewrite of the summary."
    )


@override_settings(MARKETING_REVIEW=True)
def test_submitting_an_outdated_story_for_review_is_refused(story):
    ensure_roles()
    marge = named_user("marge", MARKETING, "Maria", "Lopez")
    url = page_edit_url(story)
    marge_client, marge_form, ben_client, ben_form = both_open(
        url, PAGE_FORM, marge, named_user("ben", MARKETING, "Ben", "Okafor")
    )

    marge_form["title"] = "A newer story title"
    assert submit(marge_client, url, marge_form, "save").status_code == 302
    ben_form["summary"] = "Ben's rewrite of the summary."
    response = submit(ben_client, url, ben_form, "submit")

    newest = story.revisions.order_by("-created_at", "-pk").first()
    assert_refused_naming(response, "Maria Lopez", "saved", newest)
    assert story.workflow_states.count() == 0
    story.refresh_from_db()
    assert story.get_latest_revision_as_object().title == "A newer story title"


def test_one_marketer_saves_a_story_draft_twice_then_publishes(marketing_client, story):
    url = page_edit_url(story)
    for summary in ("First draft summary.", "Second draft summary."):
        data = open_form(marketing_client, url, PAGE_FORM)
        data["summary"] = summary
        assert submit(marketing_client, url, data, "save").status_code == 302
    data = open_form(marketing_client, url, PAGE_FORM)
    assert submit(marketing_client, url, data, "publish").status_code == 302
    story.refresh_from_db()
    assert story.summary == "Second draft summary."


def test_a_story_can_be_reverted_to_an_earlier_version(marketing_client, story):
    url = page_edit_url(story)
    original_summary = story.summary
    data = open_form(marketing_client, url, PAGE_FORM)
    data["summary"] = "A summary to undo."
    assert submit(marketing_client, url, data, "publish").status_code == 302
    first = story.revisions.order_by("created_at", "pk").first()

    revert_url = f"/admin/pages/{story.pk}/revisions/{first.pk}/revert/"
    data = open_form(marketing_client, revert_url, PAGE_FORM)
    assert submit(marketing_client, revert_url, data, "publish").status_code == 302
    story.refresh_from_db()
    assert story.summary == original_summary


# --- Every page type and revisioned snippet is covered -----------------------


def test_every_page_type_and_snippet_with_revisions_is_checked(monkeypatch):
    assert check_edit_forms_are_version_checked() == []
    monkeypatch.setattr(StoryPage, "base_form_class", WagtailAdminPageForm)
    errors = check_edit_forms_are_version_checked()
    assert [(error.id, error.obj) for error in errors] == [("cms.E001", StoryPage)]
