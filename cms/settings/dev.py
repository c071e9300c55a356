"""Development: DEBUG, GraphiQL, a key that is not a secret."""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, LOCAL_FRONTEND_ORIGINS, env_list

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
GRAPHIQL = True
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", LOCAL_FRONTEND_ORIGINS)
# A webhook receiver on this machine (e.g. the README's example on 127.0.0.1:9000).
# Development only: production allows neither http nor internal addresses.
CMS_WEBHOOKS = {"ALLOW_HTTP": True, "ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8", "::1/128"]}
# Where `make run` keeps the development login (ensure_dev_admin); with DATABASE_URL and
# MEDIA_ROOT, a second `make run` (e.g. tests/frontend/test_make_run.py) leaves the
# developer's own db.sqlite3, media/ and login alone.
DEV_ADMIN_PASSWORD_FILE = Path(
    os.environ.get("DEV_ADMIN_PASSWORD_FILE", BASE_DIR / ".dev-admin-password")
)
