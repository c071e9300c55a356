"""Production settings: Django's deployment checklist passes, and secrets are required.

``manage.py`` runs in a subprocess with a clean environment, exactly as a
deployment would start it, so the test settings of this pytest run play no part.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from research.models import Publication

PROJECT_DIR = Path(__file__).resolve().parents[2]
KEY_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*(-_=+)"


def random_secret_key():
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(60))


@pytest.fixture
def production_env(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        # Nothing from this shell may leak into "production".
        if name
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "CSRF_TRUSTED_ORIGINS",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "GRAPHIQL",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="cms.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'throwaway.sqlite3'}",
    )
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checklist_passes_with_production_settings(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Passing by silencing checks would not count.
    assert "System check identified no issues (0 silenced)." in output


def test_the_random_key_is_what_the_checklist_sees(production_env):
    """A weak key must fail the same command, so the pass above is not vacuous."""
    production_env["SECRET_KEY"] = "django-insecure-short"
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_a_secret_key(production_env, value):
    if value is None:
        del production_env["SECRET_KEY"]
    else:
        production_env["SECRET_KEY"] = value
    result = manage(production_env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(production_env):
    del production_env["ALLOWED_HOSTS"]
    result = manage(production_env, "check")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.django_db
def test_admin_preview_can_still_be_framed_when_everything_else_is_denied(editor_client, settings):
    """Production sends X-Frame-Options: DENY; the preview panel iframe must keep working."""
    settings.X_FRAME_OPTIONS = "DENY"
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    edit_url = reverse("wagtailsnippets_research_publication:edit", args=[photon.pk])
    response = editor_client.get(edit_url)
    assert response["X-Frame-Options"] == "DENY"

    preview_url = reverse("wagtailsnippets_research_publication:preview_on_edit", args=[photon.pk])
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    assert editor_client.post(preview_url, data).json()["is_valid"] is True
    preview = editor_client.get(preview_url, {"in_preview_panel": "true"})
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert photon.title in preview.content.decode()
