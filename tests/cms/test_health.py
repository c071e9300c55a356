"""/healthz reports whether the database and the cache answer (recovery: test_cache_outage)."""

import pytest
from django.test import override_settings

from tests.fresh_process import UNREACHABLE_DATABASES, run_in_fresh_process

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


HEALTHZ_IN_A_FRESH_PROCESS = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.parametrize("database_url", UNREACHABLE_DATABASES.values(), ids=UNREACHABLE_DATABASES)
def test_an_unreachable_database_gives_503_naming_it(database_url):
    answer, _ = run_in_fresh_process(HEALTHZ_IN_A_FRESH_PROCESS, database_url)
    assert answer["status"] == 503
    assert answer["body"] == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "cache": "ok"},
    }
