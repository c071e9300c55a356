"""Settings shared by every environment.

Everything that differs between machines comes from the environment; only
``dev.py`` and ``test.py`` hold a (non-secret) key. See the README's
"Production" section for the variables.
"""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

DEBUG = False

INSTALLED_APPS = [
    "cms",
    "cms.api",
    "home",
    "research",
    "careers",
    # grapple imports the redirect and embed models: both apps must be installed
    # or makemigrations writes a migration into site-packages.
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    # grapple after wagtail.snippets (whose ready() registers the snippet models that
    # grapple's ready() reads) and after research and careers (whose ready() registers
    # their page types, which grapple's ready() then builds: grapple.actions.load_type_fields).
    "grapple",
    "graphene_django",
    "corsheaders",
    "django_tasks_db",
    "wagtail_headless_preview",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Outermost: no garbage collection while a request is answered (cms.gc_tuning).
    "cms.gc_tuning.CollectBetweenRequests",
    "cms.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite under the project is the embedded default; PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `runserver` and the browser tests' live server answer on several threads, each
    # with its own connection. WAL: readers never wait for the writer. IMMEDIATE: a
    # transaction takes the writer lock when it begins, so one that reads before it
    # writes (Wagtail's publish) waits its turn; BEGUN DEFERRED, SQLite refuses its
    # upgrade at once with "database is locked" if another connection wrote meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_settings(redis_url):
    """Redis when a URL is given (production), local memory otherwise.

    Short socket timeouts: the cache only makes answers faster, so a dead or hanging
    Redis must cost milliseconds, after which ``cms.cache_guard`` stops asking it for
    ``CACHE_BREAKER_SECONDS``. (redis-py retries nothing unless told to.)
    """
    if redis_url:
        connect_timeout = float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.25"))
        timeout = float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.5"))
        return {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms"),
                "OPTIONS": {
                    "CLIENT_CLASS": "django_redis.client.DefaultClient",
                    "SOCKET_CONNECT_TIMEOUT": connect_timeout,
                    "SOCKET_TIMEOUT": timeout,
                },
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


#: While the cache is unreachable, how long nobody asks it again (``cms.cache_guard``).
CACHE_BREAKER_SECONDS = float(os.environ.get("CACHE_BREAKER_SECONDS", "5"))


CACHES = cache_settings(os.environ.get("REDIS_URL"))
# The rate limits' counts (API, admin login, persisted-query registrations) in a Redis
# of their own when given, kept out of the cache's eviction (README "Configuring Redis").
if os.environ.get("RATE_LIMIT_REDIS_URL"):
    CACHES["ratelimit"] = cache_settings(os.environ["RATE_LIMIT_REDIS_URL"])["default"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_ROOT = BASE_DIR / "static"
STATIC_URL = "/static/"
# The reference frontend's CSS and JavaScript modules, at /static/frontend/ (its HTML
# shell, frontend/index.html, is served at / and its other routes by cms.urls).
STATICFILES_DIRS = [("frontend", BASE_DIR / "frontend" / "assets")]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The apps whose saves and deletes change public content (cms.publishing): each change
# invalidates cached answers, purges the edge and may send webhooks.
CMS_CONTENT_APPS = ("home", "research", "careers")

# Wagtail
WAGTAIL_SITE_NAME = "Research at Databricks and MosaicML"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin login refuses attempts after too many failures (cms/login_throttle.py).
WAGTAILADMIN_USER_LOGIN_FORM = "cms.login_throttle.ThrottledLoginForm"
LOGIN_THROTTLE = {
    "FAILURES_PER_USER": int(os.environ.get("LOGIN_FAILURES_PER_USER", "10")),
    "FAILURES_PER_IP": int(os.environ.get("LOGIN_FAILURES_PER_IP", "20")),
    "WINDOW": int(os.environ.get("LOGIN_FAILURE_WINDOW", "900")),
}
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Every download goes through Wagtail's serve view, which refuses documents the public
# may not see (cms.wagtail_hooks): never a storage URL that would bypass the check
# ("direct", or "redirect" to an unsigned S3 URL that works forever once known).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]

# Background work. Wagtail's own tasks (search index, references) run immediately;
# webhook deliveries go to the database queue, worked by
# `manage.py db_worker --backend webhooks --queue-name webhooks` (make run starts one).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "webhooks": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["webhooks"]},
}

# Optional moderation of employee stories (see careers/roles.py).
MARKETING_REVIEW = os.environ.get("MARKETING_REVIEW", "").lower() in {"1", "true", "yes"}

# The public URL of this server (e.g. https://cms.example.org): every absolute URL in API
# answers (images, portraits, PDFs) is built on it, whatever Host or X-Forwarded-Proto a
# request carried. Empty (development): URLs follow each request, and cached answers are
# kept apart per scheme and host (cms/api/absolute_urls.py).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

# Headless: the public site is a separate frontend that reads /graphql/.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "http://127.0.0.1:8000")

GRAPHENE = {"SCHEMA": "cms.api.schema.schema"}
GRAPPLE = {
    # No app goes through grapple's model discovery (it would also make grapple types of
    # every snippet): each app registers its pages itself and gives its snippets
    # hand-written types (see each app's apps.py).
    "APPS": [],
    "PAGE_INTERFACE": "cms.api.pages.PublicPageInterface",
    # A public API must not write a row for every search.
    "ADD_SEARCH_HIT": False,
    "EXPOSE_GRAPHIQL": False,
    "PAGE_SIZE": 12,
    "MAX_PAGE_SIZE": 100,
    # The only renditions the API makes (each is a resize and a stored file): widths
    # for srcset, in JPEG/PNG as uploaded or WebP. Anything else is refused.
    "ALLOWED_IMAGE_FILTERS": [
        f"width-{width}{suffix}"
        for width in (320, 640, 960, 1280, 1920)
        for suffix in ("", "|format-webp")
    ],
}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The frontends allowed to call the API from a browser: comma-separated origins in
# CORS_ALLOWED_ORIGINS, in every settings module. None by default (production);
# development and tests default to LOCAL_FRONTEND_ORIGINS.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
LOCAL_FRONTEND_ORIGINS = "http://127.0.0.1:8000,http://localhost:8000,http://localhost:3000"
CORS_URLS_REGEX = r"^/graphql/$"
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]
CORS_ALLOW_HEADERS = [
    "accept",
    "content-type",
    "if-none-match",
    "x-preview-token",
    "x-request-id",
    # Apollo Client's client awareness (its `clientAwareness` name and version).
    "apollographql-client-name",
    "apollographql-client-version",
]
CORS_EXPOSE_HEADERS = ["etag", "retry-after", "x-request-id"]

#: API limits and caching (see cms/api/conf.py for every key and its default).
CMS_API = {
    "RATE_LIMIT_REQUESTS": int(os.environ.get("API_RATE_LIMIT_REQUESTS", "1200")),
    "RATE_LIMIT_WINDOW": int(os.environ.get("API_RATE_LIMIT_WINDOW", "60")),
    "TRUSTED_PROXIES": int(os.environ.get("API_TRUSTED_PROXIES", "0")),
    "RATE_LIMIT_CACHE": "ratelimit" if "ratelimit" in CACHES else "default",
    "MAX_QUERY_COST": int(os.environ.get("API_MAX_QUERY_COST", "150000")),
    "INTROSPECTION": True,
}

# Prometheus metrics at /metrics (cms.metrics): off (404) unless METRICS_TOKEN is set;
# scrapers send it as `Authorization: Bearer <token>`. METRICS_OPERATIONS lists the
# operation names that always get a label; other names get one while fewer than
# METRICS_MAX_OPERATIONS have (per process), then count as `other`.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_OPERATIONS = frozenset(env_list("METRICS_OPERATIONS"))
METRICS_MAX_OPERATIONS = int(os.environ.get("METRICS_MAX_OPERATIONS", "50"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cms.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per background task and per page action drowns the useful lines.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}

FORMS_URLFIELD_ASSUME_HTTPS = True

# No third-party avatar requests from the admin (privacy; works offline).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
