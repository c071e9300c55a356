"""Production: every secret and host comes from the environment.

Required: ``SECRET_KEY``, ``ALLOWED_HOSTS`` (comma-separated), ``DATABASE_URL``.
Recommended: ``REDIS_URL`` (cache), ``CSRF_TRUSTED_ORIGINS``, ``FRONTEND_URL``.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CMS_API, LOGGING, MIDDLEWARE, env_list


def required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable for production.")
    return value


DEBUG = False
GRAPHIQL = os.environ.get("GRAPHIQL", "").lower() in {"1", "true", "yes"}
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) for production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
# Load-balancer health probes and metric scrapers speak plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing here is meant to be framed. Wagtail's preview panel still works: its
# preview views set SAMEORIGIN themselves (xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"

# Introspection and GraphiQL are off unless asked for.
INTROSPECTION = os.environ.get("API_INTROSPECTION", "").lower() in {"1", "true", "yes"}
CMS_API = {**CMS_API, "INTROSPECTION": INTROSPECTION}

# Purge Varnish by cache tag after every change of public content (cms/purging.py):
# comma-separated URLs of the Varnish instances, e.g. http://127.0.0.1:8080.
if env_list("VARNISH_PURGE_URLS"):
    CMS_PURGE_BACKENDS = {
        "varnish": {
            "BACKEND": "cms.purging.VarnishBackend",
            "LOCATION": env_list("VARNISH_PURGE_URLS"),
        }
    }

LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT", "json")

# Static files (the admin's, the frontend's) from the app server, after
# `manage.py collectstatic`: WhiteNoise serves them with caching headers, so a
# CDN or Varnish in front keeps them. Set SERVE_STATIC=false when a web server
# or bucket serves STATIC_ROOT instead.
if os.environ.get("SERVE_STATIC", "true").lower() != "false":
    MIDDLEWARE = [*MIDDLEWARE]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# Uploaded media on S3-compatible storage (AWS S3, MinIO, R2, …) when a bucket is set;
# otherwise on the local disk under MEDIA_ROOT.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES = {  # noqa: F405
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }

# A database that does not answer must fail a request in seconds, not hang it until
# gunicorn's timeout: the API then answers 503 SERVICE_UNAVAILABLE (cms.api.database_outage).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(  # noqa: F405
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )
