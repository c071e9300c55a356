"""Research → Publications → "Import from BibTeX", as an Editor uses it.

Upload, read the plan, confirm; the publications are then saved the way the
admin saves them (revisions, publish) and readers find them through GraphQL.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from research.models import Publication, ResearchDomain
from tests.graphql import data_of, gql

from .bibtex_fixture import (
    NEW,
    NEW_TITLES,
    PHOTON,
    PHOTON_DOI,
    SKIP_REASONS,
    SKIPPED,
    UPDATED,
    fixture_text,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/research/publication/"
IMPORT_URL = "/admin/snippets/research/publication/import/"
SEARCH = """
query ($search: String) {
  publications(search: $search, first: 100) { totalCount edges { node { title doi } } }
}
"""


def soup(response):
    return WagtailTestUtils.get_soup(response.content)


def upload(client, text=None, *, publish=True, domain="ai-and-ml", pasted=""):
    data = {
        "domain": ResearchDomain.objects.get(slug=domain).pk,
        "publish": "publish" if publish else "",
        "text": pasted,
    }
    if text is not None:
        data["bib_file"] = SimpleUploadedFile("papers.bib", text.encode(), "text/x-bibtex")
    return client.post(IMPORT_URL, data)


def plan_rows(response):
    """``{key: (action, reason)}`` from the plan table (the first row of a repeated key)."""
    rows = {}
    for row in soup(response).select("table.bibtex-plan-table tbody tr"):
        cells = [cell.get_text(strip=True) for cell in row.select("td")]
        rows.setdefault(cells[1], (cells[3], cells[4]))
    return rows


def counts(response):
    page = soup(response)
    return {
        name: int(page.select_one(f"[data-count={name}]").get_text().split()[0])
        for name in ("new", "update", "skip")
    }


def confirm(client, preview):
    token = soup(preview).select_one("form.bibtex-confirm input[name=token]")["value"]
    return client.post(IMPORT_URL, {"token": token})


def search_titles(client, text):
    return [
        e["node"]["title"]
        for e in data_of(gql(client, SEARCH, {"search": text}))["publications"]["edges"]
    ]


def test_the_listing_offers_the_import_and_the_page_shows_the_form(editor_client):
    listing = soup(editor_client.get(LIST_URL))
    link = listing.select_one(f'a[href="{IMPORT_URL}"]')
    assert link is not None and "Import from BibTeX" in link.get_text()
    response = editor_client.get(IMPORT_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.find("input", attrs={"name": "bib_file", "type": "file"}) is not None
    assert page.find("textarea", attrs={"name": "text"}) is not None
    assert page.find("select", attrs={"name": "domain"}) is not None


def test_editor_previews_confirms_and_readers_find_the_publications(editor_client, editor):
    before = Publication.objects.count()
    preview = upload(editor_client, fixture_text())
    assert preview.status_code == 200
    assert counts(preview) == {"new": NEW, "update": UPDATED, "skip": SKIPPED}
    rows = plan_rows(preview)
    assert rows["behm2022photon"] == ("Update", f"matched “{PHOTON}” by title; changes link, DOI")
    for key, reason in SKIP_REASONS.items():
        if key != "kim2019streams":  # its first row is the new entry
            assert rows[key] == ("Skip", reason)
    # The preview changed nothing.
    assert Publication.objects.count() == before
    assert Publication.objects.get(title=PHOTON).doi == ""

    response = confirm(editor_client, preview)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert Publication.objects.count() == before + NEW

    cafe = Publication.objects.get(title__startswith="Café: Cost-Aware")
    assert cafe.live and cafe.domain.slug == "ai-and-ml"
    assert cafe.live_revision == cafe.latest_revision and cafe.latest_revision.user == editor
    assert [a.name for a in cafe.authors.all()] == ["María García", "Wei Nguyen", "Shoumik Palkar"]
    assert cafe.authors.get(name="Shoumik Palkar").person.slug == "shoumik-palkar"
    assert ModelLogEntry.objects.filter(object_id=str(cafe.pk), action="wagtail.publish").exists()
    photon = Publication.objects.get(title=PHOTON)
    assert photon.doi == PHOTON_DOI and photon.domain.slug == "distributed-systems"
    assert photon.url == f"https://doi.org/{PHOTON_DOI}"

    # Readers find them through the public API's search.
    for title in NEW_TITLES:
        assert title in search_titles(editor_client, title), title
    assert search_titles(editor_client, "Skalierbarkeit Lakehouse") == [NEW_TITLES[0]]
    assert search_titles(editor_client, "Erdos Renyi") == [NEW_TITLES[2]]


def test_importing_the_same_file_again_changes_nothing(editor_client):
    confirm(editor_client, upload(editor_client, fixture_text()))
    count = Publication.objects.count()
    revisions = sum(p.revisions.count() for p in Publication.objects.all())

    again = upload(editor_client, fixture_text())
    assert counts(again) == {"new": 0, "update": 0, "skip": NEW + UPDATED + SKIPPED}
    assert soup(again).select_one("form.bibtex-confirm") is None
    assert "Nothing to import" in again.content.decode()
    assert plan_rows(again)["behm2022photon"][1].startswith("unchanged")
    assert Publication.objects.count() == count
    assert sum(p.revisions.count() for p in Publication.objects.all()) == revisions


def test_drafts_are_saved_but_not_published(editor_client):
    confirm(editor_client, upload(editor_client, fixture_text(), publish=False))
    uber = Publication.objects.get(title=NEW_TITLES[0])
    assert uber.live is False and uber.has_unpublished_changes
    assert uber.latest_revision is not None and uber.live_revision is None
    assert search_titles(editor_client, "Skalierbarkeit") == []
    # Photon stays live as it was; the DOI waits in its draft revision.
    photon = Publication.objects.get(title=PHOTON)
    assert photon.live and photon.doi == "" and photon.has_unpublished_changes
    assert photon.get_latest_revision_as_object().doi == PHOTON_DOI
    # Importing the file again compares with the drafts: nothing to do.
    assert counts(upload(editor_client, fixture_text(), publish=False))["skip"] == 34


def test_pasted_entries_work_like_a_file(editor_client):
    pasted = "@article{a, title={Pasted {P}aper}, author={Doe, Jane}, year=2020, journal={X}}"
    preview = upload(editor_client, pasted=pasted)
    assert counts(preview) == {"new": 1, "update": 0, "skip": 0}
    confirm(editor_client, preview)
    assert Publication.objects.get(title="Pasted Paper").venue == "X"


def test_an_empty_form_and_a_tampered_confirmation_are_refused(editor_client):
    response = upload(editor_client)
    assert "Choose a .bib file or paste BibTeX entries." in response.content.decode()
    preview = upload(editor_client, fixture_text())
    token = soup(preview).select_one("input[name=token]")["value"]
    count = Publication.objects.count()
    response = editor_client.post(IMPORT_URL, {"token": token[:-3] + "abc"})
    assert response.status_code == 200
    assert "expired or is not valid" in response.content.decode()
    assert Publication.objects.count() == count


def test_confirmation_after_the_publications_changed_shows_the_new_plan(editor_client):
    pasted = "@article{a, title={A Paper Nobody Has}, author={Doe, Jane}, year=2020}"
    preview = upload(editor_client, pasted=pasted)
    confirm(editor_client, upload(editor_client, pasted=pasted))  # someone else imports it
    response = confirm(editor_client, preview)
    assert response.status_code == 200
    assert "The publications changed since your preview" in response.content.decode()
    assert counts(response) == {"new": 0, "update": 0, "skip": 1}
    assert Publication.objects.filter(title="A Paper Nobody Has").count() == 1


def test_marketing_may_not_import(marketing_client):
    assert marketing_client.get(IMPORT_URL).status_code in (302, 403)
    count = Publication.objects.count()
    response = marketing_client.post(IMPORT_URL, {"text": "@misc{a, title={X}}"})
    assert response.status_code in (302, 403)
    assert Publication.objects.count() == count
