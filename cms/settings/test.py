"""Tests: the real database (SQLite or DATABASE_URL) and cache, a fast hasher."""

import os

from .base import *  # noqa: F403
from .base import cache_settings

SECRET_KEY = "django-insecure-test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
CACHES = cache_settings(os.environ.get("REDIS_URL"))
GRAPHIQL = False
