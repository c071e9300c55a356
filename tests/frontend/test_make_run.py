"""`make run PORT=N` as a newcomer uses it: a real `make run` on this checkout, then the
printed admin URL and login in Chromium, a story's preview panel, and the frontend's
preview with its images, every URL on port N; Ctrl-C stops everything.

It needs no test database: `make run` sets up its own, in a temporary directory
(`DATABASE_URL`, `MEDIA_ROOT`, `DEV_ADMIN_PASSWORD_FILE`), so the developer's
`db.sqlite3`, `media/` and `.dev-admin-password` are never touched. Nothing is
hard-coded: the URLs and the login are read from what `make run` prints.
"""

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from .conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, ROOT, Browser

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

#: Set-up (uv sync, migrations, demo content, login) and start-up on a busy machine.
START_SECONDS = 480
#: From Ctrl-C until `make` and every process it started have ended.
STOP_SECONDS = 60

#: Variables that would send `make run` elsewhere than its defaults (pytest-django's
#: test settings, a developer's database, cache or URLs, a parent `make`'s flags).
CLEARED = (
    "DJANGO_SETTINGS_MODULE",
    "HOST",
    "WAGTAILADMIN_BASE_URL",
    "FRONTEND_URL",
    "PUBLIC_BASE_URL",
    "REDIS_URL",
    "RATE_LIMIT_REDIS_URL",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def untouched(path):
    """What of the developer's own files this test must leave as they are."""
    if path.is_dir():
        return sorted((p.name, p.stat().st_mtime_ns) for p in path.iterdir())
    return path.stat().st_mtime_ns if path.exists() else None


class MakeRun:
    """`make run PORT=…` in its own process group, its output collected line by line."""

    def __init__(self, port, workdir):
        self.marker = str(workdir)
        env = {key: value for key, value in os.environ.items() if key not in CLEARED}
        env.update(
            DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
            MEDIA_ROOT=str(workdir / "media"),
            DEV_ADMIN_PASSWORD_FILE=str(workdir / ".dev-admin-password"),
            PYTHONUNBUFFERED="1",
        )
        self.lines = []
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # a process group of its own, as a terminal gives it
            # Ctrl-C must reach it even when this test runs where SIGINT is ignored (a
            # background job): an ignored signal would be inherited.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self):
        return "\n".join(self.lines)

    def wait_for(self, pattern, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output, re.MULTILINE)
            if match:
                return match
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.5)
        pytest.fail(f"`make run` never printed {pattern!r}; it printed:\n{self.output}")

    def ctrl_c(self):
        """What Ctrl-C in the terminal does: SIGINT to the whole foreground group."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    def survivors(self):
        """Processes still running with this run's environment (it names our directory)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if self.marker.encode() in environ:
                found.append(int(entry.name))
        return found

    def kill_everything(self):
        """After a failure: end what is left of this run, by process id only."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in self.survivors():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def graphql(url, query):
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (our server)
        body = json.load(response)
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        message = f"No Chromium at {CHROMIUM}: `apt-get install chromium` (see .ci/run)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def test_make_run_on_another_port_serves_the_admin_preview_and_images(tmp_path, chromium):
    if not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
        pytest.skip("`make run` serves SQLite only: the SQLite run of the suite covers it.")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    developer_files = [ROOT / "db.sqlite3", ROOT / "media", ROOT / ".dev-admin-password"]
    before = [untouched(path) for path in developer_files]
    run = MakeRun(port, tmp_path)
    context = None
    try:
        # The closing block, printed once the server answers.
        run.wait_for(r"^\s+Login\s+\S+ / \S+", START_SECONDS)
        admin_url = run.wait_for(r"^\s+Admin\s+(\S+)", 1).group(1)
        graphql_url = run.wait_for(r"^\s+GraphQL\s+(\S+)", 1).group(1)
        frontend_url = run.wait_for(r"^\s+Frontend\s+(\S+)", 1).group(1)
        username, password = run.wait_for(r"^\s+Login\s+(\S+) / (\S+)", 1).groups()
        stored = run.wait_for(r"stored in (\S+?)\)", 1).group(1)
        assert Path(stored) == tmp_path / ".dev-admin-password"
        assert admin_url == f"{base}/admin/"
        assert frontend_url == f"{base}/"
        assert graphql_url == f"{base}/graphql/"

        # The admin's page ids are the API's numeric `databaseId`s.
        query = "{ stories(first: 1) { edges { node { databaseId title } } } }"
        story = graphql(graphql_url, query)["stories"]["edges"][0]["node"]

        context = chromium.new_context(viewport=DESKTOP)
        context.set_default_timeout(20_000)
        page = context.new_page()
        browser = Browser(page, base, "make-run")
        # The admin asks releases.wagtail.org for a newer Wagtail; CI has no internet.
        browser.console.expect(r"releases\.wagtail\.org")

        # The printed admin URL, the printed login.
        page.goto(admin_url)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.url.startswith(admin_url)

        # A story's edit view (linked from the admin, on the printed address), its preview.
        page.goto(f"{admin_url}pages/{story['databaseId']}/edit/")
        expect(page.locator("#id_title")).to_have_value(story["title"])
        page.get_by_role("button", name="Toggle preview").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('iframe')].some(f => f.offsetParent !== null"
            " && f.contentWindow && f.contentWindow.location.href.includes('/preview?token='))",
            timeout=30_000,
        )
        preview = next(frame for frame in page.frames if "/preview?token=" in frame.url)
        assert preview.url.startswith(f"{frontend_url}preview?token=")
        expect(preview.locator("h1")).to_have_text(story["title"], timeout=30_000)
        expect(preview.locator(".preview-banner")).to_contain_text("a published employee story")

        # Every image of the preview (the portrait and the body's) loads, from this port.
        images = preview.locator("img")
        assert images.count() >= 2
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            # Its natural width once loaded or failed (0 if broken), within 20 s.
            width = image.evaluate(
                "img => img.complete ? img.naturalWidth : new Promise(done => {"
                " img.addEventListener('load', () => done(img.naturalWidth));"
                " img.addEventListener('error', () => done(0));"
                " setTimeout(() => done(img.naturalWidth), 20000); })"
            )
            source = image.evaluate("img => img.currentSrc")
            assert width > 0, f"{source} did not load"
            assert source.startswith(f"{base}/")
        browser.screenshots("preview")
        browser.assert_no_console_errors()
        context.close()
        context = None

        # Ctrl-C: `make` ends cleanly, and with it the server, scheduler and worker.
        # (make passes the SIGINT on by ending with it, as programs do on Ctrl-C; no
        # "make: *** … Error", no "Segmentation fault", no traceback.)
        assert run.ctrl_c() in (0, -signal.SIGINT), run.output[-3000:]
        run.reader.join(10)
        for failure in ("make: ***", "Segmentation fault", "Traceback"):
            assert failure not in run.output, run.output[-3000:]
        time.sleep(1)
        assert run.survivors() == [], run.output[-3000:]

        # Every URL it printed, from the first set-up line to the last, is on this port.
        printed = re.findall(r"https?://[^\s)\"'>]+", run.output)
        assert printed
        assert {urlsplit(url).port for url in printed} == {port}, printed
        # The developer's own database, media and login were never touched.
        assert [untouched(path) for path in developer_files] == before
    finally:
        if context is not None:
            context.close()
        run.kill_everything()
