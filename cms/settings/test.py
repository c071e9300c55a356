"""Tests: the real database (SQLite or DATABASE_URL) and cache, a fast hasher."""

import os

from .base import *  # noqa: F403
from .base import LOCAL_FRONTEND_ORIGINS, cache_settings, env_list

SECRET_KEY = "django-insecure-test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A mutation run's sessions share the media of the database they copy (tests/conftest.py).
MEDIA_ROOT = os.environ.get("CMS_TEST_MEDIA_ROOT", BASE_DIR / ".test-media")  # noqa: F405
# The real Redis, on a database of its own: each test starts with it emptied.
# A key prefix per test process keeps concurrent runs (SQLite and PostgreSQL, two
# developers' shells, or the sessions a mutation run forks from one process) from
# emptying each other's cache: taken when a key is made, so a forked process has its own.
CACHES = cache_settings(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
CACHES["default"]["KEY_FUNCTION"] = "cms.settings.test.per_process_key"
# Generous timeouts: the shared test Redis is busy with parallel runs. Tests of a dead
# or hung Redis use the production timeouts (``cache_settings``) on their own cache.
CACHES["default"]["OPTIONS"].update({"SOCKET_CONNECT_TIMEOUT": 5, "SOCKET_TIMEOUT": 5})


def per_process_key(key, key_prefix, version):
    """Django's key, with the pid of the process making it (a forked one has its own)."""
    return f"{key_prefix}:{os.getpid()}:{version}:{key}"


# Rate limits off (their tests turn them on), counted in the test Redis above.
CMS_API = {**CMS_API, "RATE_LIMIT_REQUESTS": 0, "RATE_LIMIT_CACHE": "default"}  # noqa: F405
GRAPHIQL = False
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", LOCAL_FRONTEND_ORIGINS)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file (in WAL mode, see base), not Django's shared in-memory test database: the
    # browser tests' live server answers the admin's concurrent requests (preview,
    # editing session pings) on several threads, which share one in-memory connection
    # and then fail with "table is locked"; with a file each thread has its own
    # connection, readers never wait and writers wait their turn.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405

# Webhook tests deliver to receivers they start on 127.0.0.1 over plain http. Only for
# tests: the guard's own tests empty ALLOWED_PRIVATE_NETWORKS (production has neither).
CMS_WEBHOOKS = {"ALLOW_HTTP": True, "ALLOWED_PRIVATE_NETWORKS": ["127.0.0.1/32"]}
