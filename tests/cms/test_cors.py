"""A browser frontend on another origin can call the API: CORS_ALLOWED_ORIGINS, Apollo's headers.

Every settings module reads ``CORS_ALLOWED_ORIGINS`` (comma-separated) from the
environment; production allows no origin by default (see test_production_settings),
development and tests the local frontends.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
FRONTEND = "https://research.example.org"
LOCAL_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000", "http://localhost:3000"]
APOLLO_HEADERS = "apollographql-client-name,apollographql-client-version,content-type"


def allowed_origins(settings_module, cors_env=None):
    """``CORS_ALLOWED_ORIGINS`` as ``settings_module`` sets it, in a fresh interpreter."""
    env = {key: value for key, value in os.environ.items() if key != "CORS_ALLOWED_ORIGINS"}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    if cors_env is not None:
        env["CORS_ALLOWED_ORIGINS"] = cors_env
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CORS_ALLOWED_ORIGINS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("settings_module", ["cms.settings.dev", "cms.settings.test"])
def test_development_and_tests_allow_the_local_frontends_unless_the_environment_says(
    settings_module,
):
    assert allowed_origins(settings_module) == LOCAL_ORIGINS
    configured = allowed_origins(settings_module, f"{FRONTEND}, https://preview.example.org")
    assert configured == [FRONTEND, "https://preview.example.org"]


def preflight(client, origin, headers=APOLLO_HEADERS, method="POST"):
    return client.options(
        "/graphql/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers,
    )


def header_list(response, name):
    return {item.strip().lower() for item in response.get(name, "").split(",") if item.strip()}


@pytest.mark.django_db
def test_a_preflight_from_an_allowed_origin_with_apollos_headers_is_allowed(client):
    with override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND]):
        response = preflight(client, FRONTEND)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert {
        "apollographql-client-name",
        "apollographql-client-version",
        "content-type",
        "accept",
    } <= header_list(response, "Access-Control-Allow-Headers")
    assert {"get", "post"} <= header_list(response, "Access-Control-Allow-Methods")


@pytest.mark.django_db
def test_a_preflight_from_another_origin_is_not_allowed(client):
    with override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND]):
        response = preflight(client, "https://attacker.example.net")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_the_query_itself_carries_the_cors_headers_and_exposes_the_etag(client):
    with override_settings(CORS_ALLOWED_ORIGINS=[FRONTEND]):
        response = client.get(
            "/graphql/",
            {"query": "{ researchDomains { edges { node { slug } } } }"},
            HTTP_ORIGIN=FRONTEND,
            HTTP_ACCEPT="application/graphql-response+json,application/json;q=0.9",
            HTTP_APOLLOGRAPHQL_CLIENT_NAME="research-web",
            HTTP_APOLLOGRAPHQL_CLIENT_VERSION="1.0.0",
        )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert "etag" in header_list(response, "Access-Control-Expose-Headers")
    assert {"origin", "accept"} <= header_list(response, "Vary")
