"""Prometheus metrics for operators, scraped from ``/metrics`` with a bearer token.

What an operator of the API needs to see before users notice: how long GraphQL
requests take and how many SQL queries they cost (by operation name), how often
the response cache answers, how often clients are refused by a rate limit, how
purges of the edge caches fare and how webhook deliveries fare.

Under gunicorn every worker is a process of its own; with
``PROMETHEUS_MULTIPROC_DIR`` set (``cms/gunicorn.conf.py`` empties it at start
and forgets a worker that exits), ``/metrics`` adds up every process writing
there, the scheduler and webhook worker included. Webhook deliveries are read
from the database at scrape time, so they are right whichever process sent them.

Operation names come from clients, so they are not trusted as label values:
only names listed in ``METRICS_OPERATIONS`` and, after those, the first
``METRICS_MAX_OPERATIONS`` well-formed names a process sees get a label of
their own; anything else is counted as ``other``. An attacker inventing names
cannot grow the scrape or the time series without bound.
"""

import hmac
import os
import re
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_SECONDS = Histogram(
    "cms_graphql_request_duration_seconds",
    "Time to answer a GraphQL request, from the view's start to its response.",
    ["operation", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SQL_QUERIES = Histogram(
    "cms_graphql_sql_queries",
    "SQL statements run to answer one GraphQL request (0 when served from the cache).",
    ["operation"],
    buckets=(0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100),
)
RESPONSE_CACHE_LOOKUPS = Counter(
    "cms_response_cache_lookups_total",
    "Response-cache lookups of GraphQL operations, by result (hit or miss).",
    ["result"],
)
RATE_LIMIT_REFUSALS = Counter(
    "cms_rate_limit_refusals_total",
    "Requests refused by a rate limit: `api` (GraphQL, 429) or `login` (admin sign-in).",
    ["limiter"],
)

PURGES = Counter(
    "cms_purges_total",
    "Cache-tag purge requests to edge caches after content changed, by backend and result "
    "(sent or failed).",
    ["backend", "result"],
)

PROCESS_METRICS = (
    REQUEST_SECONDS,
    SQL_QUERIES,
    RESPONSE_CACHE_LOOKUPS,
    RATE_LIMIT_REFUSALS,
    PURGES,
)

OTHER_OPERATION = "other"
ANONYMOUS_OPERATION = "anonymous"
BATCH_OPERATION = "batch"
_WELL_FORMED = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_labelled = set()
_labelled_lock = threading.Lock()


def operation_label(name):
    """The label an operation is counted under (bounded: see the module's docstring)."""
    if not name:
        return ANONYMOUS_OPERATION
    if not isinstance(name, str) or not _WELL_FORMED.fullmatch(name):
        return OTHER_OPERATION
    if name in settings.METRICS_OPERATIONS or name in _labelled:
        return name
    with _labelled_lock:
        if len(_labelled) < settings.METRICS_MAX_OPERATIONS:
            _labelled.add(name)
            return name
    return OTHER_OPERATION


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def measured_request():
    """Times the block and counts its SQL; the caller names the operation and status."""
    counter = _QueryCounter()
    started = time.perf_counter()
    outcome = {}
    try:
        with connection.execute_wrapper(counter):
            yield outcome
    except BaseException:
        outcome["status"] = 500
        raise
    finally:
        _observe(outcome, started, counter.count)


def _observe(outcome, started, queries):
    operation = outcome.get("operation", ANONYMOUS_OPERATION)
    REQUEST_SECONDS.labels(operation, str(outcome.get("status", 0))).observe(
        time.perf_counter() - started
    )
    SQL_QUERIES.labels(operation).observe(queries)


class WebhookDeliveryCollector:
    """Webhook deliveries by status, counted in the database at scrape time."""

    def collect(self):
        from django.db.models import Count

        from cms.models import WebhookDelivery

        family = GaugeMetricFamily(
            "cms_webhook_deliveries",
            "Webhook deliveries by status (pending, retrying, succeeded, failed, cancelled).",
            labels=["status"],
        )
        try:
            counts = dict(
                WebhookDelivery.objects.values_list("status").annotate(n=Count("pk")).order_by()
            )
        except DatabaseError:
            return  # the process metrics still matter most while the database is down
        for status in WebhookDelivery.Status.values:
            family.add_metric([status], counts.get(status, 0))
        yield family


def _registry():
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        for collector in PROCESS_METRICS:
            registry.register(collector)
    registry.register(WebhookDeliveryCollector())
    return registry


def metrics_view(request):
    """``/metrics`` for Prometheus: 404 unless ``METRICS_TOKEN`` is set and presented.

    A 404 rather than a 401/403, so the endpoint's existence says nothing to a
    scanner; the token is compared in constant time.
    """
    token = settings.METRICS_TOKEN
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not presented or not hmac.compare_digest(presented, token):
        raise Http404
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
