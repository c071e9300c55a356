"""An unreachable database: uncached requests get 503 SERVICE_UNAVAILABLE with Retry-After.

The database connection is the process's own, so this runs in a fresh process
whose DATABASE_URL points nowhere: a real failed connection. Cached answers
while PostgreSQL is stopped, and recovery when it starts again, are proven on
the gunicorn stack (``test_fault_stack``).
"""

import pytest

from tests.fresh_process import UNREACHABLE_DATABASES, run_in_fresh_process

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


@pytest.mark.parametrize("database_url", UNREACHABLE_DATABASES.values(), ids=UNREACHABLE_DATABASES)
@pytest.mark.parametrize("response_cache", ["on", "off"])
def test_an_unreachable_database_gives_503_service_unavailable(database_url, response_cache):
    answers, stderr = run_in_fresh_process(
        SEED_QUERY_IN_A_FRESH_PROCESS, database_url, RESPONSE_CACHE=response_cache
    )
    for answer in answers:
        assert answer["status"] == 503, answer
        assert answer["retry_after"] == "5"
        assert answer["cache_control"] == "no-store"
        [error] = answer["body"]["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert "retry" in error["message"]
    assert stderr.count("The database is unreachable") == 1, "logged once, not per request"
    assert "Service Unavailable: /graphql/" not in stderr
