"""Browser tests of the reference frontend: Playwright driving Debian's Chromium
against pytest-django's live server, on the demo content.

Data: the live server runs in another thread, so these are transactional tests
(``serialized_rollback``): the demo content that ``tests/conftest.py`` loads and
re-serializes is restored before each test, on SQLite (whose in-memory test
database pytest-django shares with the server thread) and on PostgreSQL.

Playwright's sync API keeps an event loop running in the test's thread, where
Django refuses ORM calls; so the browser starts after the database is set up
and stops before it is flushed, and tests read expectations from the demo
content files, not from the ORM.
"""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DEMO_CONTENT = ROOT / "home" / "demo_content"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


#: Every browser test module uses this mark (see the module docstring).
LIVE_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="session")
def demo_publications_file():
    return json.loads((DEMO_CONTENT / "publications.json").read_text())


@pytest.fixture(scope="session")
def publications_json(demo_publications_file):
    """The demo publications; the first twelve are the seed page's, in its order."""
    return demo_publications_file["publications"]


@pytest.fixture(scope="session")
def domains(demo_publications_file):
    """Domain slug → name, in editor order."""
    return {domain["slug"]: domain["name"] for domain in demo_publications_file["domains"]}


@pytest.fixture(scope="session")
def site_json():
    """The demo home, careers and story content."""
    return json.loads((DEMO_CONTENT / "site.json").read_text())


class ConsoleErrors:
    """Console errors and uncaught exceptions of the page, minus the expected ones."""

    def __init__(self):
        self.messages = []
        self.expected = []

    def add(self, text):
        if not any(re.search(pattern, text) for pattern in self.expected):
            self.messages.append(text)

    def expect(self, pattern):
        """Tolerate errors matching ``pattern`` (a test that makes the API fail)."""
        self.expected.append(pattern)


class Browser:
    """One page at desktop width, with its console errors and screenshots."""

    def __init__(self, page, base_url, name):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.console = ConsoleErrors()
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console.add(f"page error: {error}"))

    def on_console(self, message):
        if message.type == "error":
            self.console.add(f"console: {message.text} ({message.location.get('url')})")

    def url(self, path):
        return self.base_url + path

    def goto(self, path):
        self.page.goto(self.url(path))

    def sign_in_to_admin(self, username, password=PASSWORD):
        """Sign in on the admin's login form, as an editor does."""
        self.goto("/admin/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("heading", level=1)).to_be_visible()

    def screenshots(self, label=""):
        """Save the current state at desktop and phone width (artifacts/screenshots/)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        stem = self.name + (f"-{label}" if label else "")
        self.page.screenshot(path=SCREENSHOTS / f"{stem}-desktop.png", full_page=True)
        self.page.set_viewport_size(PHONE)
        self.page.wait_for_timeout(100)  # let the layout settle
        self.page.screenshot(path=SCREENSHOTS / f"{stem}-phone.png", full_page=True)
        self.page.set_viewport_size(DESKTOP)

    def assert_no_console_errors(self):
        assert self.console.messages == [], "\n".join(self.console.messages)


@pytest.fixture
def browser(request, live_server, settings):
    """A Chromium page on the live server. Fails the test on any console error."""
    # Grapple builds image URLs on WAGTAILADMIN_BASE_URL: in a deployment it is the
    # site's own URL; here the live server's.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    if not os.access(CHROMIUM, os.X_OK):
        message = f"No Chromium at {CHROMIUM}: `apt-get install chromium` (see .ci/run)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-").removeprefix("test-")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url)
        context.set_default_timeout(10_000)
        page = context.new_page()
        session = Browser(page, live_server.url, name)
        try:
            yield session
            session.assert_no_console_errors()
        finally:
            context.close()
            chromium.close()
