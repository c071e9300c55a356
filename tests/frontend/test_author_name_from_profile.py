"""Choosing a person's profile in a publication's author row fills the empty name at
once, in the browser, before the form is saved; a name the editor typed is kept.

The server fills it too (PublicationAuthorForm.clean, tested in tests/research/); this
is the live fill of research/static/research/js/author_name.js, on rows added with
"Add author" after the page loaded."""

import pytest
from playwright.sync_api import expect

from home.models import Person
from home.roles import EDITORS
from tests.conftest import make_user
from tests.graphql import create_publication

from .conftest import LIVE_DB

pytestmark = LIVE_DB

PERSON = "Grace Chooserton"
TYPED = "G. M. Chooserton"


@pytest.fixture
def publication():
    """Made before the browser starts: Playwright's event loop forbids ORM calls later."""
    make_user("eddie", EDITORS)
    Person.objects.create(name=PERSON, slug="grace-chooserton")
    return create_publication("Choosing authors, a study", authors=["Ada Example"]).pk


def choose_person(page, row):
    """Choose PERSON in author row ``row`` through the person chooser modal."""
    page.locator(f"#id_authors-{row}-person-chooser [data-chooser-action-choose]").click()
    modal = page.locator(".modal")
    modal.get_by_role("textbox", name="Search").fill("Chooserton")
    modal.get_by_role("link", name=PERSON).click()
    expect(modal).to_be_hidden()


def test_choosing_a_profile_fills_an_empty_author_name(publication, browser, settings):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # nothing is saved behind the editor's back
    page = browser.page
    browser.sign_in_to_admin("eddie")

    browser.goto(f"/admin/snippets/research/publication/edit/{publication}/")
    expect(page.locator("#id_authors-0-name")).to_have_value("Ada Example")

    # A new row with an empty name: the profile's name appears as soon as it is chosen.
    page.get_by_role("button", name="Add author").click()
    name = page.locator("#id_authors-1-name")
    expect(name).to_have_value("")
    choose_person(page, 1)
    expect(name).to_have_value(PERSON)

    # A name the editor typed first is the printed byline: choosing keeps it.
    page.get_by_role("button", name="Add author").click()
    typed = page.locator("#id_authors-2-name")
    typed.fill(TYPED)
    choose_person(page, 2)
    expect(page.locator("#id_authors-2-person-chooser [data-chooser-title]")).to_have_text(PERSON)
    expect(typed).to_have_value(TYPED)
    expect(page.locator("#id_authors-0-name")).to_have_value("Ada Example")
    browser.screenshots("chosen")
