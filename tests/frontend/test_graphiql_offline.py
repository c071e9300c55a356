"""GraphiQL renders its editor and docs with every request off this server blocked."""

from urllib.parse import urlsplit

from django.test import override_settings
from playwright.sync_api import expect

from .conftest import LIVE_DB

pytestmark = LIVE_DB


def test_graphiql_works_offline(browser):
    server = urlsplit(browser.base_url).netloc
    blocked = []

    def only_this_server(route):
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page = browser.page
    page.route("**/*", only_this_server)
    with override_settings(GRAPHIQL=True):
        page.goto(browser.url("/graphql/"), wait_until="networkidle")
        editor = page.locator(".graphiql-query-editor .CodeMirror")
        expect(editor).to_be_visible()
        expect(editor).to_contain_text("query ResearchPage(")
        page.get_by_role("button", name="Show Documentation Explorer").click()
        expect(page.locator(".graphiql-doc-explorer")).to_contain_text("Query")
        page.locator(".graphiql-doc-explorer").get_by_text("Query", exact=True).first.click()
        expect(page.locator(".graphiql-doc-explorer")).to_contain_text("publications")
        page.get_by_role("button", name="Execute query").click()
        expect(page.locator(".graphiql-response")).to_contain_text('"totalCount": 46')
    assert blocked == []
    browser.screenshots()
