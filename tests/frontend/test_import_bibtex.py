"""Importing publications from BibTeX in a real browser: an Editor uploads the committed
``.bib`` fixture in the admin, reads the plan, confirms, and readers find the papers
through GraphQL search; the same file a second time has nothing to import."""

import json

import pytest
from playwright.sync_api import expect

from home.roles import EDITORS
from tests.conftest import make_user
from tests.research.bibtex_fixture import FIXTURE, NEW, NEW_TITLES, SKIPPED, UPDATED

from .conftest import LIVE_DB

pytestmark = LIVE_DB

IMPORT_URL = "/admin/snippets/research/publication/import/"
IMPORT_TIMEOUT_MS = 180_000


@pytest.fixture
def editor_login():
    """Made before the browser starts: Playwright's event loop forbids ORM calls later."""
    make_user("eddie", EDITORS)
    return "eddie"


def search(page, base_url, text):
    query = (
        "query ($q: String) { publications(search: $q, first: 50) { edges { node { title } } } }"
    )
    response = page.request.post(
        f"{base_url}/graphql/",
        data=json.dumps({"query": query, "variables": {"q": text}}),
        headers={"Content-Type": "application/json"},
    )
    assert response.ok
    return [edge["node"]["title"] for edge in response.json()["data"]["publications"]["edges"]]


def preview(page):
    page.get_by_label("BibTeX file").set_input_files(str(FIXTURE))
    page.get_by_label("Research domain").select_option(label="AI and ML")
    page.get_by_label("Published publications").check()
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()


def test_editor_imports_a_bib_file_and_readers_find_it(editor_login, browser):
    page = browser.page
    assert search(page, browser.base_url, NEW_TITLES[0]) == []

    browser.sign_in_to_admin(editor_login)

    browser.goto("/admin/snippets/research/publication/")
    page.get_by_role("link", name="Import from BibTeX").click()
    expect(page).to_have_url(browser.url(IMPORT_URL))

    preview(page)
    expect(page.locator("[data-count=new]")).to_have_text(f"{NEW} new")
    expect(page.locator("[data-count=update]")).to_have_text(f"{UPDATED} updated")
    expect(page.locator("[data-count=skip]")).to_have_text(f"{SKIPPED} skipped")
    plan = page.locator("table.bibtex-plan-table")
    expect(plan.locator("tr", has_text="broken2022")).to_contain_text("could not be read")
    expect(plan.locator("tr", has_text="behm2022photon")).to_contain_text("changes link, DOI")
    expect(plan.locator("tr", has_text="noyear2021")).to_contain_text("no year")
    browser.screenshots("1-plan")

    # Each publication is saved as the admin saves one (a revision, a publish): on a
    # loaded machine that takes longer than the default ten seconds.
    page.get_by_role("button", name=f"Import {NEW + UPDATED} publications").click(
        timeout=IMPORT_TIMEOUT_MS
    )
    expect(page.get_by_text(f"{NEW} new, {UPDATED} updated, {SKIPPED} skipped")).to_be_visible()
    for title in NEW_TITLES:
        assert title in search(page, browser.base_url, title), title

    # The same file again: everything is skipped, there is nothing to confirm.
    page.get_by_role("link", name="Import from BibTeX").click()
    preview(page)
    expect(page.locator("[data-count=new]")).to_have_text("0 new")
    expect(page.locator("[data-count=update]")).to_have_text("0 updated")
    expect(page.get_by_text("Nothing to import")).to_be_visible()
    expect(page.locator("form.bibtex-confirm")).to_have_count(0)
    browser.screenshots("2-again")
