"""An unreachable database: uncached requests get 503 SERVICE_UNAVAILABLE with Retry-After.

The database connection is the process's own, so this runs in a fresh process
whose DATABASE_URL points nowhere: a real failed connection. Cached answers
while PostgreSQL is stopped, and recovery when it starts again, are proven on
the gunicorn stack (``test_fault_stack``).
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

SEED_QUERY_IN_A_FRESH_PROCESS = """
import json, os, django
django.setup()
from django.conf import settings
from django.test import Client
if os.environ.get("RESPONSE_CACHE") == "off":  # the first database call is then in a resolver
    settings.CMS_API = {**settings.CMS_API, "RESPONSE_CACHE_SECONDS": 0}
client = Client()
answers = []
for _ in range(2):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": "{ publications(first: 3) { totalCount } }"}),
        content_type="application/json",
    )
    answers.append({
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "cache_control": response.get("Cache-Control"),
        "body": response.json(),
    })
print(json.dumps(answers))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/test?connect_timeout=1",  # nothing listens
        "sqlite:////nonexistent-directory/cms.sqlite3",  # cannot be opened
    ],
    ids=["postgresql", "sqlite"],
)
@pytest.mark.parametrize("response_cache", ["on", "off"])
def test_an_unreachable_database_gives_503_service_unavailable(database_url, response_cache):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": database_url,
        "RESPONSE_CACHE": response_cache,
    }
    result = subprocess.run(
        [sys.executable, "-c", SEED_QUERY_IN_A_FRESH_PROCESS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,  # a loaded machine can take a minute to start Django
        check=True,
    )
    for answer in json.loads(result.stdout.strip().splitlines()[-1]):
        assert answer["status"] == 503, answer
        assert answer["retry_after"] == "5"
        assert answer["cache_control"] == "no-store"
        [error] = answer["body"]["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert "retry" in error["message"]
    assert result.stderr.count("The database is unreachable") == 1, "logged once, not per request"
    assert "Service Unavailable: /graphql/" not in result.stderr
