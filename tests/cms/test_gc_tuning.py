"""A serving process keeps the garbage collector off what start-up built
(``cms.gc_tuning``): checked in a fresh process that loads ``cms.wsgi`` as gunicorn does."""

from cms.gc_tuning import SERVING_THRESHOLDS
from tests.fresh_process import UNREACHABLE_DATABASES, run_in_fresh_process

LOAD_AND_SERVE = """
import gc, json
from cms.wsgi import application
from django.test import Client
frozen, threshold = gc.get_freeze_count(), gc.get_threshold()
# Answered before any database access: a document that does not parse.
response = Client().get("/graphql/", {"query": "{ publications"}, HTTP_ACCEPT="application/json")
print(json.dumps({
    "frozen": frozen,
    "threshold": threshold,
    "status": response.status_code,
    "code": response.json()["errors"][0]["extensions"]["code"],
}))
"""


def test_a_serving_process_freezes_its_start_up_heap_and_collects_less_often():
    loaded, _ = run_in_fresh_process(LOAD_AND_SERVE, UNREACHABLE_DATABASES["postgresql"])
    # The modules, models, URLconf and GraphQL schema: far more than Django alone.
    assert loaded["frozen"] > 100_000
    assert tuple(loaded["threshold"]) == SERVING_THRESHOLDS != (700, 10, 10)
    # And the application still answers (``application/json``: errors come with 200).
    assert loaded["status"] == 200
    assert loaded["code"] == "GRAPHQL_PARSE_FAILED"
