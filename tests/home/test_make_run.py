"""`make run HOST=… PORT=…`: every URL the development server prints or generates follows.

The Makefile runs with a stand-in for the virtualenv's Python that prints its arguments
and the URL settings it was given, so nothing is installed, migrated or served."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
URL_VARIABLES = ("WAGTAILADMIN_BASE_URL", "FRONTEND_URL")


@pytest.fixture
def fake_python(tmp_path):
    script = tmp_path / "python"
    script.write_text(
        "#!/bin/sh\n"
        'echo "ran: $* | WAGTAILADMIN_BASE_URL=$WAGTAILADMIN_BASE_URL"'
        ' "FRONTEND_URL=$FRONTEND_URL"\n'
    )
    script.chmod(0o755)
    return script


def make_run(fake_python, *arguments, **environment):
    env = {key: value for key, value in os.environ.items() if key not in URL_VARIABLES}
    result = subprocess.run(
        ["make", "-s", "run", f"PY={fake_python}", "UV=/bin/true", "VERBOSE=1", *arguments],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=True,  # the recipe signals its own process group
    )
    return [line for line in result.stdout.splitlines() if line.startswith("ran: ")]


def setup_commands(lines):
    """The set-up steps, which run one after the other before the server starts."""
    return {
        line.split()[2]: line.split(" | ")[1]
        for line in lines
        if line.split()[2] in {"migrate", "load_initial_data", "ensure_dev_admin"}
    }


def test_make_run_port_moves_every_url(fake_python):
    lines = make_run(fake_python, "PORT=9101")
    commands = setup_commands(lines)
    assert set(commands) == {"migrate", "load_initial_data", "ensure_dev_admin"}
    for given in commands.values():
        assert given == (
            "WAGTAILADMIN_BASE_URL=http://127.0.0.1:9101 FRONTEND_URL=http://127.0.0.1:9101"
        )


def test_urls_set_in_the_environment_win(fake_python):
    lines = make_run(fake_python, "HOST=0.0.0.0", "PORT=9101", FRONTEND_URL="http://x.test:3000")
    for given in setup_commands(lines).values():
        # 0.0.0.0 listens everywhere; links point at this machine.
        assert (
            given == "WAGTAILADMIN_BASE_URL=http://127.0.0.1:9101 FRONTEND_URL=http://x.test:3000"
        )


def test_settings_read_the_urls_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.WAGTAILADMIN_BASE_URL, settings.FRONTEND_URL)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:9101",
        "FRONTEND_URL": "http://127.0.0.1:9101",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["http://127.0.0.1:9101", "http://127.0.0.1:9101"]


@pytest.mark.django_db
def test_the_printed_admin_login_is_on_the_server_address(settings, tmp_path, capsys):
    settings.DEV_ADMIN_PASSWORD_FILE = tmp_path / ".dev-admin-password"
    settings.DEBUG = True
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:9101"
    call_command("ensure_dev_admin")
    password = (tmp_path / ".dev-admin-password").read_text().strip()
    assert f"http://127.0.0.1:9101/admin/ username “admin”, password “{password}”" in (
        capsys.readouterr().out
    )
