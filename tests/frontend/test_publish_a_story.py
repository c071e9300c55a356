"""Publishing without a deploy, in a real browser: a Marketing user writes a story in the
real admin, previews it in the frontend, publishes it, and the API serves it at once."""

import json

import pytest
from playwright.sync_api import expect

from careers.models import StoryIndexPage
from home.roles import MARKETING
from tests.conftest import make_user

from .conftest import LIVE_DB

pytestmark = LIVE_DB

TITLE = "Shipping Photon to every customer"


@pytest.fixture
def marketing_login():
    """Made before the browser starts: Playwright's event loop forbids ORM calls later."""
    make_user("marge", MARKETING)
    return {"username": "marge", "stories": StoryIndexPage.objects.get().pk}


def stories(page, base_url):
    query = (
        "{ stories(first: 5) { totalCount edges { node { title summary portrait { url } } } } }"
    )
    response = page.request.post(
        f"{base_url}/graphql/",
        data=json.dumps({"query": query}),
        headers={"Content-Type": "application/json"},
    )
    assert response.ok
    return response.json()["data"]["stories"]


def test_marketing_writes_previews_and_publishes_a_story(marketing_login, browser, settings):
    settings.FRONTEND_URL = browser.base_url  # the preview opens this frontend
    # Wagtail 8 autosaves drafts twice a second while one types; off here, so that the
    # story is created by the editor's own Save/Publish click and nothing races it.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page = browser.page
    assert stories(page, browser.base_url)["totalCount"] == 1

    # Log in to the real admin.
    browser.sign_in_to_admin(marketing_login["username"])
    browser.screenshots("1-logged-in")

    # Write the story: title, name, summary, a portrait and a body.
    browser.goto(f"/admin/pages/add/careers/storypage/{marketing_login['stories']}/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_person_name").fill("Riley Example")
    page.locator("#id_role").fill("Software Engineer")
    page.locator("#id_summary").fill("Riley rolled Photon out to every customer in a year.")
    page.get_by_role("button", name="Choose an image").first.click()
    page.locator(".modal").get_by_role("link", name="Portrait of Shoumik Palkar").click()
    expect(page.locator(".modal")).to_be_hidden()
    page.locator("#panel-child-content-body-section button[title='Insert a block']").first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor = page.locator("#panel-child-content-body-section [contenteditable='true']").first
    editor.click()
    editor.type("We measured every query before and after the switch.")
    browser.screenshots("2-written")

    # Preview it: the preview panel shows the frontend's rendering of the draft.
    page.get_by_role("button", name="Toggle preview").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some("
        "f => f.contentWindow && f.contentWindow.location.href.includes('/preview?token='))",
        timeout=15_000,
    )
    preview = next(frame for frame in page.frames if "/preview?token=" in frame.url)
    expect(preview.get_by_text(TITLE).first).to_be_visible(timeout=15_000)
    expect(preview.locator(".preview-banner")).to_contain_text(
        "a draft employee story, not yet published"
    )
    browser.screenshots("3-preview")
    assert stories(page, browser.base_url)["totalCount"] == 1  # nothing is live yet

    # Publish: the API serves it on the very next request. No restart, no deploy.
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("published", exact=False).first).to_be_visible()
    browser.screenshots("4-published")

    live = stories(page, browser.base_url)
    assert live["totalCount"] == 2
    newest = live["edges"][0]["node"]
    assert newest["title"] == TITLE
    assert newest["portrait"]["url"]
