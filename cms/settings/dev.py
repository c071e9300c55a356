"""Development: DEBUG, GraphiQL, a key that is not a secret."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "django-insecure-dev-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
GRAPHIQL = True
CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000", "http://localhost:3000"]
# A webhook receiver on this machine (e.g. the README's example on 127.0.0.1:9000).
# Development only: production allows neither http nor internal addresses.
CMS_WEBHOOKS = {"ALLOW_HTTP": True, "ALLOWED_PRIVATE_NETWORKS": ["127.0.0.0/8", "::1/128"]}
