"""The preview banner says how the previewed draft stands against what readers see:
unpublished changes of a live story, or a publication that was never published.

The drafts are made before the browser starts (Playwright's event loop forbids ORM
calls later); the editor then opens each in the real admin and its preview panel."""

import pytest
from playwright.sync_api import expect

from careers.models import StoryPage
from tests.conftest import make_user
from tests.graphql import create_publication

from .conftest import LIVE_DB

pytestmark = LIVE_DB

DRAFT_SUMMARY = "A summary saved as a draft, not yet published."
NEW_TITLE = "Lakehouse caching, a draft never published"


@pytest.fixture
def drafts():
    make_user("ada", superuser=True)
    story = StoryPage.objects.live().get()
    live_summary = story.summary
    story.summary = DRAFT_SUMMARY
    story.save_revision(log_action=False)  # Save draft: the live version is unchanged
    publication = create_publication(NEW_TITLE, publish=False)
    return {
        "story": story.pk,
        "live_summary": live_summary,
        "publication": publication.pk,
    }


def open_preview_panel(page):
    """Open the editor's preview panel; the frame showing the frontend's /preview.

    The admin remembers an open side panel from page to page (in localStorage), and
    the toggle would then close it: forget it first, so every edit view starts closed."""
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.get_by_role("button", name="Toggle preview").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].some(f => f.offsetParent !== null"
        " && f.contentWindow && f.contentWindow.location.href.includes('/preview?token='))",
        timeout=15_000,
    )
    return next(frame for frame in page.frames if "/preview?token=" in frame.url)


def test_the_banner_tells_unpublished_changes_from_a_draft(drafts, browser, settings):
    settings.FRONTEND_URL = browser.base_url  # the preview opens this frontend
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # nothing but the drafts above is saved
    settings.WAGTAIL_ENABLE_UPDATE_CHECK = False  # a superuser's admin asks wagtail.org
    page = browser.page
    browser.sign_in_to_admin("ada")

    # A live story with a saved draft: the preview shows the draft and says so.
    browser.goto(f"/admin/pages/{drafts['story']}/edit/")
    preview = open_preview_panel(page)
    expect(preview.get_by_text(DRAFT_SUMMARY)).to_be_visible(timeout=15_000)
    banner = preview.locator(".preview-banner")
    expect(banner).to_contain_text("unpublished changes to a live employee story")
    expect(banner).not_to_contain_text("not yet published")
    browser.screenshots("story-with-a-draft")

    # A publication never published: a draft, not yet published.
    browser.goto(f"/admin/snippets/research/publication/edit/{drafts['publication']}/")
    preview = open_preview_panel(page)
    expect(preview.get_by_text(NEW_TITLE).first).to_be_visible(timeout=15_000)
    banner = preview.locator(".preview-banner")
    expect(banner).to_contain_text("a draft publication, not yet published")
    expect(banner).not_to_contain_text("unpublished changes")
    browser.screenshots("never-published-publication")

    # Readers still see the live story.
    story = page.request.post(
        f"{browser.base_url}/graphql/",
        data={"query": "{ stories(first: 1) { edges { node { summary } } } }"},
    ).json()["data"]["stories"]["edges"][0]["node"]
    assert story["summary"] == drafts["live_summary"]
