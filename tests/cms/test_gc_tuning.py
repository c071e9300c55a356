"""A serving process keeps the garbage collector off what start-up built, checked in a
fresh process that loads ``cms.wsgi`` as gunicorn does, and out of the way of the
requests it answers (``cms.gc_tuning``)."""

import gc
import threading

import pytest
from django.db import connection

from cms import gc_tuning
from cms.gc_tuning import SERVING_THRESHOLDS
from tests.fresh_process import UNREACHABLE_DATABASES, run_in_fresh_process
from tests.graphql import data_of, gql

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


class Collections:
    """The collector's runs, each noted with how many requests were in flight."""

    def __init__(self):
        self.runs = []

    def __call__(self, phase, info):
        if phase == "start":
            self.runs.append((info["generation"], gc_tuning._in_flight))


@pytest.fixture
def collections():
    """Collections noted while the test runs, with young ones due every 50 allocations
    (CPython's 700 may not be reached by a small answer) and the collector on."""
    was_enabled, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(50, 10, 10)
    noted = Collections()
    gc.callbacks.append(noted)
    try:
        yield noted
    finally:
        gc.callbacks.remove(noted)
        gc.set_threshold(*threshold)
        (gc.enable if was_enabled else gc.disable)()


LIST_WITH_AUTHORS = """{ publications(first: 46) { totalCount edges { node {
  title domain { name } authors { name person { name } } } } } }"""


@pytest.mark.django_db
def test_no_collection_runs_while_a_request_is_answered_and_collection_resumes_after(
    client, collections
):
    collector_on_at_each_statement = []

    def note_collector(execute, sql, params, many, context):
        collector_on_at_each_statement.append(gc.isenabled())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_collector):
        body = data_of(gql(client, LIST_WITH_AUTHORS))
    assert len(body["publications"]["edges"]) == 46
    # Off in the middle of the answer, and so never run there, though due every 50
    # allocations; on again once it is answered.
    assert collector_on_at_each_statement and not any(collector_on_at_each_statement)
    assert not [run for run in collections.runs if run[1]]
    assert gc.isenabled()
    before = len(collections.runs)
    kept = [[index] for index in range(1000)]
    assert len(collections.runs) > before and len(kept) == 1000


def _answering(started, release):
    """A ``get_response`` that holds its request until ``release`` is set."""

    def get_response(request):
        started.set()
        assert release.wait(10)
        return request

    return get_response


def _in_thread(function, *arguments):
    thread = threading.Thread(target=function, args=arguments)
    thread.start()
    return thread


def test_overlapping_requests_keep_collection_off_until_the_last_one_ends(collections):
    first_started, second_started = threading.Event(), threading.Event()
    release_first, release_second = threading.Event(), threading.Event()
    first = _in_thread(
        gc_tuning.CollectBetweenRequests(_answering(first_started, release_first)), 1
    )
    assert first_started.wait(10)
    second = _in_thread(
        gc_tuning.CollectBetweenRequests(_answering(second_started, release_second)), 2
    )
    assert second_started.wait(10)
    try:
        release_first.set()
        first.join(10)
        assert not gc.isenabled()  # the second is still being answered
    finally:
        release_first.set()
        release_second.set()
        second.join(10)
    assert gc.isenabled() and gc_tuning._in_flight == 0


def test_an_overdue_collection_runs_while_requests_overlap(collections, monkeypatch):
    monkeypatch.setattr(gc_tuning, "MAX_DEFERRED", 100)
    started, release = threading.Event(), threading.Event()
    held = _in_thread(gc_tuning.CollectBetweenRequests(_answering(started, release)), 1)
    assert started.wait(10)

    def outliving_its_request(request):
        return [[index] for index in range(1000)]  # 1,000 lists outlive the request

    try:
        kept = gc_tuning.CollectBetweenRequests(outliving_its_request)(2)
        assert not gc.isenabled()
        # One collection at its end (of the generations then due, as CPython picks
        # them), although the first request is still in flight.
        assert len([run for run in collections.runs if run[1]]) == 1
    finally:
        release.set()
        held.join(10)
    assert gc.isenabled() and len(kept) == 1000


def test_a_failing_request_resumes_collection_and_one_turned_off_before_stays_off(
    collections,
):
    def failing(request):
        raise RuntimeError("the view failed")

    with pytest.raises(RuntimeError):
        gc_tuning.CollectBetweenRequests(failing)(1)
    assert gc.isenabled() and gc_tuning._in_flight == 0

    gc.disable()  # e.g. by a profiler, or a process that collects on its own schedule
    assert gc_tuning.CollectBetweenRequests(lambda request: request)(1) == 1
    assert not gc.isenabled()
