"""Page URLs open the reference frontend (frontend/), which reads everything from /graphql/.

The frontend's routes mirror the page tree, so a page's `url` in the API and the
admin's "View live" land on the frontend's rendering of that page. Serving the
HTML shell touches neither a template nor the database. Wagtail's own page view
stays behind them for any other path.
"""

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import resolve

from careers.models import StoryPage
from home.models import HomePage
from research.models import ResearchPage

pytestmark = pytest.mark.django_db

STORY = "/careers/stories/life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford/"
ROUTES = ["/", "/publications/", "/careers/", "/careers/stories/", STORY, "/preview"]
ASSETS = settings.BASE_DIR / "frontend" / "assets"


@pytest.mark.parametrize("url", ROUTES)
def test_frontend_routes_serve_the_html_shell_without_the_database(
    client, url, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    html = b"".join(response.streaming_content).decode()
    assert '<script type="module" src="/static/frontend/app.js"></script>' in html
    assert "{%" not in html and "{{" not in html


def test_only_the_preview_route_may_be_framed_by_the_admin(client):
    assert client.get("/preview?token=abc")["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get("/publications/")["X-Frame-Options"] == "DENY"


def test_the_shell_is_read_only(client):
    assert client.post("/publications/").status_code == 405
    assert client.head("/").status_code == 200


def test_page_urls_from_the_api_are_frontend_routes():
    pages = [HomePage.objects.get(), ResearchPage.objects.get(), StoryPage.objects.get()]
    for page in pages:
        assert resolve(page.url).func.__name__ == "frontend", page.url
    assert StoryPage.objects.get().url == STORY


def test_other_paths_still_reach_wagtail(client):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/careers/stories/a/b/").status_code == 404


def test_the_api_admin_and_health_check_keep_their_urls(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/admin/").status_code == 302  # to the login page
    assert client.get("/documents/1/missing.pdf").status_code == 404
    answer = client.post(
        "/graphql/", data={"query": "{ __typename }"}, content_type="application/json"
    )
    assert answer.json() == {"data": {"__typename": "Query"}}


def test_every_asset_and_module_import_resolves():
    """No build step: what index.html and the modules reference must exist as written."""
    index = (settings.BASE_DIR / "frontend" / "index.html").read_text()
    referenced = re.findall(r'(?:href|src)="/static/(frontend/[^"]+)"', index)
    assert "frontend/app.js" in referenced and "frontend/styles.css" in referenced
    for path in referenced:
        assert finders.find(path), path
    modules = sorted(ASSETS.rglob("*.js"))
    assert modules
    for module in modules:
        for target in re.findall(r'from\s+"(\.{1,2}/[^"]+)"', module.read_text()):
            assert (module.parent / target).resolve().is_file(), f"{module.name}: {target}"
