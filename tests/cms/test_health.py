"""/healthz reports whether the database and the cache answer (recovery: test_cache_outage)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_cache_is_degraded_not_down(client):
    # A real Redis client pointed at a port where nothing listens.
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    with override_settings(CACHES=unreachable):  # Django rebuilds its cache handlers
        response = client.get("/healthz")
    assert response.status_code == 200  # the API answers from the database meanwhile
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }


# The database connection is the process's own, so an unreachable database is tested
# in a fresh process whose DATABASE_URL points nowhere: a real failed connection.
HEALTHZ_IN_A_FRESH_PROCESS = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/test?connect_timeout=1",  # nothing listens
        "sqlite:////nonexistent-directory/cms.sqlite3",  # cannot be opened
    ],
    ids=["postgresql", "sqlite"],
)
def test_an_unreachable_database_gives_503_naming_it(database_url):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_IN_A_FRESH_PROCESS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,  # a loaded machine can take a minute to start Django
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"] == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
