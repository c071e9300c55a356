"""GraphiQL (development) is served from pinned local assets, with the README's seed query."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
ENDPOINT = "/graphql/"


@pytest.fixture
def graphiql_html(client):
    with override_settings(GRAPHIQL=True):
        response = client.get(ENDPOINT, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    return response.content.decode()


def asset_urls(html):
    return re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)


def readme_seed_query():
    readme = (ROOT / "README.md").read_text()
    return re.search(r"```graphql\n(.*?)```", readme, re.DOTALL).group(1)


def test_graphiql_loads_only_local_assets_that_exist(graphiql_html, settings):
    urls = asset_urls(graphiql_html)
    assert len(urls) >= 6  # React, ReactDOM, GraphiQL, the explorer (JS, CSS), init
    for url in urls:
        assert not re.match(r"(https?:)?//", url), f"{url} is not served by this project"
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), f"{url} does not exist"


def test_graphiql_preloads_the_readme_seed_query(graphiql_html):
    data = re.search(
        r'<script id="graphiql-settings" type="application/json">(.*?)</script>',
        graphiql_html,
        re.DOTALL,
    ).group(1)
    assert json.loads(data)["defaultQuery"] == readme_seed_query()


def test_each_pinned_asset_comes_with_its_licence():
    folder = ROOT / "cms" / "static" / "graphiql"
    for package in ("graphiql", "react", "react-dom"):
        assert "MIT License" in (folder / f"LICENSE.{package}").read_text()
