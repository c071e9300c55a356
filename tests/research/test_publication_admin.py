"""Publications in the Wagtail admin, as an Editor uses them.

Every step goes through the real admin views with the forms an editor submits:
log in, list and filter, create a draft with authors, publish it, and get
plain-language messages when something is wrong.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from home.models import Person
from research.models import Publication, ResearchDomain

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/research/publication/"
ADD_URL = "/admin/snippets/research/publication/add/"
PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
PHOTON_TITLE = "Photon: A Fast Query Engine for Lakehouse Systems"

DUPLICATE_SLUG_MESSAGE = (
    "Another publication already uses this slug. Change the slug (or the title) so each "
    "publication has its own address."
)
NO_AUTHOR_MESSAGE = (
    "Add at least one author. Every publication needs the name of the person or people "
    "who wrote it."
)


def edit_url(publication):
    return f"/admin/snippets/research/publication/edit/{publication.pk}/"


def soup(response):
    return WagtailTestUtils.get_soup(response.content)


def listed_titles(response):
    """The titles in the listing table, in the order shown."""
    table = soup(response).select_one("table.listing tbody")
    if table is None:
        return []
    return [row.select_one("td.title a").get_text(strip=True) for row in table.select("tr")]


def authors_panel_errors(response):
    """The error messages shown inside the Authors panel, beside its author rows."""
    rows = soup(response).find(id="id_authors-FORMS")
    assert rows is not None
    return [
        span.get_text(strip=True)
        for error in rows.parent.find_all(class_="error-message", recursive=False)
        for span in error.find_all("span")
    ]


def title_in_form(response):
    return soup(response).find("input", attrs={"name": "title"})["value"]


def publication_form(**overrides):
    """What the add form submits: the fields plus the author inline."""
    fields = {
        "title": "Lakehouse Storage Without Tears",
        "slug": "",
        "domain": ResearchDomain.objects.get(slug="distributed-systems").pk,
        "venue": "CIDR",
        "year": 2024,
        "abstract": "How to keep table formats simple.",
        "url": "https://example.org/lakehouse.pdf",
        "pdf": "",
        "date_added": "2024-05-01 09:30",
        "authors": [
            {"name": "Ada Example", "person": ""},
            {"name": "Shoumik Palkar", "person": ""},
        ],
    }
    fields.update(overrides)
    fields["authors"] = inline_formset(fields["authors"])
    return nested_form_data(fields)


# --- Logging in and the listing --------------------------------------------


def test_editor_logs_in_through_the_login_form_and_reaches_the_publications(client, editor):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")

    response = client.post(
        "/admin/login/",
        {"username": "eddie", "password": "correct horse battery staple", "next": LIST_URL},
    )
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert int(client.session["_auth_user_id"]) == editor.pk

    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert PHOTON_TITLE in listed_titles(response)


def test_wrong_password_does_not_log_in(client, editor):
    response = client.post(
        "/admin/login/", {"username": "eddie", "password": "wrong", "next": LIST_URL}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(LIST_URL).status_code == 302


def test_listing_shows_every_publication_sorted_by_title(editor_client):
    response = editor_client.get(LIST_URL)
    assert response.status_code == 200
    titles = listed_titles(response)
    assert len(titles) == 46
    assert response.context["page_obj"].paginator.count == 46
    assert titles == sorted(titles, key=str.lower)
    assert set(titles) == set(Publication.objects.values_list("title", flat=True))


def test_listing_filters_by_domain(editor_client):
    systems = ResearchDomain.objects.get(slug="distributed-systems")
    response = editor_client.get(LIST_URL, {"domain": systems.pk})
    assert response.status_code == 200
    titles = listed_titles(response)
    assert len(titles) == 26
    assert set(titles) == set(systems.publications.values_list("title", flat=True))
    assert PHOTON_TITLE in titles

    ai = ResearchDomain.objects.get(slug="ai-and-ml")
    response = editor_client.get(LIST_URL, {"domain": ai.pk})
    titles = listed_titles(response)
    assert len(titles) == 15
    assert PHOTON_TITLE not in titles

    # The filter takes several domains at once.
    applications = ResearchDomain.objects.get(slug="applications")
    response = editor_client.get(LIST_URL, {"domain": [ai.pk, applications.pk]})
    assert len(listed_titles(response)) == 20


def test_listing_filters_by_year_and_combines_filters(editor_client):
    response = editor_client.get(LIST_URL, {"year": 2023})
    titles = listed_titles(response)
    assert len(titles) == 6
    assert set(Publication.objects.filter(title__in=titles).values_list("year", flat=True)) == {
        2023
    }

    systems = ResearchDomain.objects.get(slug="distributed-systems")
    response = editor_client.get(LIST_URL, {"year": 2016, "domain": systems.pk})
    assert len(listed_titles(response)) == 3
    ai = ResearchDomain.objects.get(slug="ai-and-ml")
    response = editor_client.get(LIST_URL, {"year": 2016, "domain": ai.pk})
    assert len(listed_titles(response)) == 1


def test_listing_filters_by_live_status(editor_client):
    editor_client.post(ADD_URL, publication_form(title="An Unpublished Draft"))
    assert Publication.objects.get(title="An Unpublished Draft").live is False

    response = editor_client.get(LIST_URL)
    assert len(listed_titles(response)) == 47

    response = editor_client.get(LIST_URL, {"live": "false"})
    assert listed_titles(response) == ["An Unpublished Draft"]

    response = editor_client.get(LIST_URL, {"live": "true"})
    titles = listed_titles(response)
    assert len(titles) == 46
    assert "An Unpublished Draft" not in titles


# --- Creating, drafting and publishing --------------------------------------


def test_editor_creates_a_draft_with_two_authors_then_publishes_it(editor_client, editor):
    response = editor_client.get(ADD_URL)
    assert response.status_code == 200
    assert soup(response).find("input", attrs={"name": "authors-TOTAL_FORMS"}) is not None

    # "Save draft" is the default action of the create form.
    response = editor_client.post(ADD_URL, publication_form())
    publication = Publication.objects.get(title="Lakehouse Storage Without Tears")
    assert response.status_code == 302
    assert response["Location"] == edit_url(publication)

    assert publication.live is False
    assert publication.has_unpublished_changes is True
    assert publication.live_revision is None
    assert publication.slug == "lakehouse-storage-without-tears"
    assert publication.revisions.count() == 1
    draft = publication.latest_revision
    assert draft.user == editor
    assert draft.content["title"] == "Lakehouse Storage Without Tears"
    assert [a.name for a in publication.authors.all()] == ["Ada Example", "Shoumik Palkar"]
    assert publication not in Publication.objects.live()

    # The editor opens the draft again and presses "Publish".
    response = editor_client.get(edit_url(publication))
    assert response.status_code == 200
    assert title_in_form(response) == "Lakehouse Storage Without Tears"

    author_ids = list(publication.authors.values_list("pk", flat=True))
    data = publication_form(
        authors=[
            {"id": author_ids[0], "name": "Ada Example", "person": ""},
            {"id": author_ids[1], "name": "Shoumik Palkar", "person": ""},
        ]
    )
    data["authors-INITIAL_FORMS"] = "2"
    data["action-publish"] = "action-publish"
    response = editor_client.post(edit_url(publication), data, follow=True)
    assert response.status_code == 200
    assert any("published" in str(m) for m in get_messages(response.wsgi_request))

    publication.refresh_from_db()
    assert publication.live is True
    assert publication.has_unpublished_changes is False
    assert publication.live_revision == publication.latest_revision
    assert publication.revisions.count() == 2
    assert publication.first_published_at is not None
    assert publication in Publication.objects.live()
    assert list(publication.authors.values_list("name", flat=True)) == [
        "Ada Example",
        "Shoumik Palkar",
    ]
    assert list(publication.authors.values_list("pk", flat=True)) == author_ids


def test_author_order_follows_the_order_field(editor_client):
    """Editors reorder authors by dragging, which submits the ORDER field."""
    data = publication_form(
        authors=[
            {"name": "Second Author", "person": "", "ORDER": "1"},
            {"name": "First Author", "person": "", "ORDER": "0"},
        ]
    )
    data["action-publish"] = "action-publish"
    editor_client.post(ADD_URL, data)
    publication = Publication.objects.get(title="Lakehouse Storage Without Tears")
    assert publication.live is True
    assert [a.name for a in publication.authors.all()] == ["First Author", "Second Author"]


def test_saving_a_draft_of_a_live_publication_keeps_the_published_version(editor_client):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    revisions_before = photon.revisions.count()

    # The editor opens the edit form, changes only the title and saves a draft.
    response = editor_client.get(edit_url(photon))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    assert data["title"] == PHOTON_TITLE
    assert data["authors-TOTAL_FORMS"] == "23"
    data["title"] = "Photon, revised"
    response = editor_client.post(edit_url(photon), data)
    assert response.status_code == 302

    photon.refresh_from_db()
    assert photon.title == PHOTON_TITLE
    assert Publication.objects.live().filter(title=PHOTON_TITLE).exists()
    assert not Publication.objects.filter(title="Photon, revised").exists()
    assert photon.live is True
    assert photon.has_unpublished_changes is True
    assert photon.revisions.count() == revisions_before + 1
    assert photon.latest_revision.content["title"] == "Photon, revised"
    assert photon.live_revision.content["title"] == PHOTON_TITLE
    assert photon.authors.count() == 23

    # The edit form now shows the draft, not the published title.
    assert title_in_form(editor_client.get(edit_url(photon))) == "Photon, revised"


# --- Validation messages ----------------------------------------------------


def assert_nothing_saved(title):
    assert not Publication.objects.filter(title=title).exists()
    assert Publication.objects.count() == 46


@pytest.mark.parametrize("action", [None, "action-publish"], ids=["draft", "publish"])
def test_duplicate_slug_is_refused_with_a_plain_message(editor_client, action):
    revisions_before = Revision.objects.count()
    data = publication_form(title="Photon Again", slug=PHOTON_SLUG)
    if action:
        data[action] = action
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["slug"] == [DUPLICATE_SLUG_MESSAGE]
    assert DUPLICATE_SLUG_MESSAGE in response.content.decode()
    assert title_in_form(response) == "Photon Again"
    assert_nothing_saved("Photon Again")
    assert Revision.objects.count() == revisions_before


def test_slug_made_from_a_duplicate_title_is_refused_too(editor_client):
    """An empty slug is filled in from the title; a clash must be a message, not a crash."""
    response = editor_client.post(ADD_URL, publication_form(title=PHOTON_TITLE, slug=""))
    assert response.status_code == 200
    assert DUPLICATE_SLUG_MESSAGE in response.content.decode()
    assert title_in_form(response) == PHOTON_TITLE
    assert Publication.objects.filter(title=PHOTON_TITLE).count() == 1


def test_a_title_that_lengthens_when_folded_is_published_with_a_slug_that_fits(editor_client):
    """A ligature is two letters in a slug ("ﬁ" is "fi"): the slug the form fills in from
    such a title is cut to its field's 255 characters, not refused as too long."""
    title = "ﬁ" * 100 + "İ" * 100
    data = publication_form(title=title, slug="")
    data["action-publish"] = "action-publish"
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["form"].errors
    publication = Publication.objects.get(title=title)
    assert (publication.live, publication.slug) == (True, ("fi" * 100 + "i" * 100)[:255])


@pytest.mark.parametrize("action", [None, "action-publish"], ids=["draft", "publish"])
@pytest.mark.parametrize("offset", ["too_early", "too_late"])
def test_year_outside_the_allowed_range_is_refused(editor_client, action, offset):
    latest = timezone.now().year + 1
    year = 1949 if offset == "too_early" else latest + 1
    data = publication_form(year=year)
    if action:
        data[action] = action
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    message = f"Enter the year the paper was published, between 1950 and {latest}."
    assert message in response.context["form"].errors["year"]
    # Coded too, for code that tells this refusal from others (Django's error codes).
    year_errors = response.context["form"].errors.as_data()["year"]
    assert "year_out_of_range" in [error.code for error in year_errors]
    assert message in response.content.decode()
    page = soup(response)
    assert title_in_form(response) == "Lakehouse Storage Without Tears"
    assert page.find("input", attrs={"name": "year"})["value"] == str(year)
    assert page.find("input", attrs={"name": "authors-1-name"})["value"] == "Shoumik Palkar"
    assert_nothing_saved("Lakehouse Storage Without Tears")


@pytest.mark.parametrize("year", [1950, "next"])
def test_years_at_the_edges_of_the_range_are_accepted(editor_client, year):
    if year == "next":
        year = timezone.now().year + 1
    response = editor_client.post(ADD_URL, publication_form(year=year))
    assert response.status_code == 302
    assert Publication.objects.get(title="Lakehouse Storage Without Tears").year == year


@pytest.mark.parametrize("action", [None, "action-publish"], ids=["draft", "publish"])
@pytest.mark.parametrize(
    "authors",
    [[], [{"name": "", "person": ""}], [{"name": "Only Author", "person": "", "DELETE": "1"}]],
    ids=["no-rows", "blank-name", "all-deleted"],
)
def test_a_publication_needs_at_least_one_author(editor_client, action, authors):
    data = publication_form(authors=authors)
    if action:
        data[action] = action
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert response.context["form"].formsets["authors"].non_form_errors() == [NO_AUTHOR_MESSAGE]
    assert authors_panel_errors(response) == [NO_AUTHOR_MESSAGE]
    assert title_in_form(response) == "Lakehouse Storage Without Tears"
    assert soup(response).find("input", attrs={"name": "venue"})["value"] == "CIDR"
    assert_nothing_saved("Lakehouse Storage Without Tears")


def test_removing_every_author_from_a_live_publication_is_refused(editor_client):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    data = querydict_from_html(
        editor_client.get(edit_url(photon)).content.decode(), form_id="w-editor-form"
    )
    for index in range(int(data["authors-TOTAL_FORMS"])):
        data[f"authors-{index}-DELETE"] = "1"
    data["action-publish"] = "action-publish"
    response = editor_client.post(edit_url(photon), data)

    assert response.status_code == 200
    assert authors_panel_errors(response) == [NO_AUTHOR_MESSAGE]
    photon.refresh_from_db()
    assert photon.authors.count() == 23
    assert photon.has_unpublished_changes is False


def test_listing_url_names_match_the_paths_used_here():
    """Guards the hard-coded admin paths above against a viewset rename."""
    assert reverse("wagtailsnippets_research_publication:list") == LIST_URL
    assert reverse("wagtailsnippets_research_publication:add") == ADD_URL


# --- Authors linked to a person's profile -----------------------------------


def test_choosing_a_profile_fills_the_authors_name(editor_client):
    shoumik = Person.objects.get(name="Shoumik Palkar")
    data = publication_form(
        authors=[
            {"name": "", "person": shoumik.pk},
            {"name": "A. Example", "person": ""},
        ]
    )
    data["action-publish"] = "action-publish"
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    publication = Publication.objects.get(title="Lakehouse Storage Without Tears")
    assert publication.live is True
    assert [(a.name, a.person) for a in publication.authors.all()] == [
        ("Shoumik Palkar", shoumik),
        ("A. Example", None),
    ]
    assert publication.live_revision.content["authors"][0]["name"] == "Shoumik Palkar"


def test_a_typed_name_is_kept_when_a_profile_is_chosen_too(editor_client):
    """The byline is printed as on the paper, even when the profile's name differs."""
    shoumik = Person.objects.get(name="Shoumik Palkar")
    editor_client.post(
        ADD_URL, publication_form(authors=[{"name": "S. Palkar", "person": shoumik.pk}])
    )
    publication = Publication.objects.get(title="Lakehouse Storage Without Tears")
    assert [(a.name, a.person) for a in publication.authors.all()] == [("S. Palkar", shoumik)]


def test_the_name_field_says_the_profile_fills_it(editor_client):
    response = editor_client.get(ADD_URL)
    template = soup(response).find(id="id_authors-EMPTY_FORM_TEMPLATE")
    assert "the profile's name is filled in" in template.decode_contents()


def test_an_author_row_with_neither_name_nor_profile_says_so_beside_it(editor_client):
    data = publication_form(
        authors=[{"name": "Ada Example", "person": ""}, {"name": "", "person": ""}]
    )
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 200
    authors = response.context["form"].formsets["authors"]
    assert authors.forms[1].errors["name"] == ["Type the author's name, or choose their profile."]
    assert "Type the author&#x27;s name, or choose their profile." in response.content.decode()
    assert_nothing_saved("Lakehouse Storage Without Tears")
