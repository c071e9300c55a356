"""``/healthz``: the state of the database and the cache.

- both answer: 200 ``{"status": "ok"}``;
- the cache (Redis) does not: 200 ``{"status": "degraded"}`` — the API still
  answers, from the database, without its response cache (``cms.cache_guard``);
- the database does not: 503 ``{"status": "unavailable"}`` — only answers
  already in the cache can be served.

``checks`` names the state of each part. The cache is probed for real on each
call, even while the API's circuit breaker is open, so a recovered Redis is
noticed (and re-validated) here too.
"""

import logging
import uuid

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from cms import cache_guard

logger = logging.getLogger("cms.health")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _round_trip(backend):
    key = f"cms:health:{uuid.uuid4().hex}"
    backend.set(key, "ok", timeout=5)
    answered = backend.get(key)
    backend.delete(key)
    return answered == "ok"


def _cache():
    if not cache_guard.call(_round_trip, fallback=False, force=True):
        raise RuntimeError("the cache is unreachable or did not return what was written")


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("cache", _cache)):
        try:
            check()
            checks[name] = "ok"
        except Exception as error:  # any failure is a failed check, never a 500
            logger.warning("Health check %s failed: %s", name, error)
            checks[name] = "unavailable"
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["cache"] != "ok":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "unavailable" else 200
    )
