"""Settings for ``make bench``: production-like, plus the stock-grapple baseline field."""

import os

from cms.settings.base import *  # noqa: F403
from cms.settings.base import CMS_API, INSTALLED_APPS, cache_settings

DEBUG = False
SECRET_KEY = "benchmark-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
GRAPHIQL = False
ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [app if app != "grapple" else "benchmarks" for app in INSTALLED_APPS]
INSTALLED_APPS.insert(INSTALLED_APPS.index("benchmarks") + 1, "grapple")
CACHES = cache_settings(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"))
CACHES["default"]["KEY_PREFIX"] = "bench"
CMS_API = {
    **CMS_API,
    "RATE_LIMIT_REQUESTS": 0,
    "RESPONSE_CACHE_SECONDS": int(os.environ.get("BENCH_RESPONSE_CACHE_SECONDS", "300")),
    # The stock-grapple baseline must not be refused by this API's own cost limit, nor
    # stopped by its time budget (its search takes about 7 s at 1,000,000 publications).
    "MAX_QUERY_COST": 10**9,
    "STATEMENT_TIMEOUT_MS": 60_000,
    "REQUEST_BUDGET_SECONDS": 60,
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Production-like database use: persistent connections, and no JIT compilation (it
# costs more than it saves on short OLTP queries; PostgreSQL 15 enables it by default).
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"  # noqa: F405
