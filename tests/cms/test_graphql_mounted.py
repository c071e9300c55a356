"""The URL configuration: the public GraphQL endpoint and the admin behind a login."""

import json

import pytest
from django.test import Client
from wagtail.models import Page, Site

from research.models import Publication

pytestmark = pytest.mark.django_db


def graphql(client, query):
    return client.post("/graphql/", json.dumps({"query": query}), content_type="application/json")


def test_graphql_answers_a_pages_query_from_the_frontend():
    # The frontend has no CSRF cookie: the endpoint must accept its POST as is.
    frontend = Client(enforce_csrf_checks=True)
    response = graphql(frontend, "{ pages(first: 100) { edges { node { title } } } }")

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    titles = {edge["node"]["title"] for edge in body["data"]["pages"]["edges"]}
    site_root = Site.objects.get(is_default_site=True).root_page
    live_pages = Page.objects.live().public().descendant_of(site_root, inclusive=True)
    assert titles == set(live_pages.values_list("title", flat=True))
    assert {"Research at Databricks and MosaicML", "Publications"} <= titles


def test_graphql_reports_a_bad_query_as_a_graphql_error(client):
    response = graphql(client, "{ noSuchField }")
    assert response.status_code == 200  # application/json: GraphQL errors come in a 200
    assert response.json()["errors"][0]["message"]


def test_admin_redirects_anonymous_visitors_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"

    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert 'name="password"' in login.content.decode()


def test_anonymous_visitors_cannot_use_admin_views(client):
    url = "/admin/snippets/research/publication/add/"
    response = client.post(url, {"title": "Anonymous paper", "year": 2024})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Publication.objects.filter(title="Anonymous paper").exists()
