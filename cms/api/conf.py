"""API limits and defaults, overridable through the ``CMS_API`` setting.

``CMS_API = {"MAX_PAGE_SIZE": 50}`` in settings changes one value; the rest keep
the defaults below.
"""

from django.conf import settings

DEFAULTS = {
    #: Page size when a list query gives neither ``first`` nor ``last`` (the seed page shows 12).
    "DEFAULT_PAGE_SIZE": 12,
    #: Largest ``first``/``last`` accepted; larger values are refused, never capped.
    "MAX_PAGE_SIZE": 100,
    #: Longest search string accepted, in characters.
    "MAX_SEARCH_LENGTH": 200,
    #: Most words a search may have.
    "MAX_SEARCH_TERMS": 12,
    #: Most values a list filter (e.g. ``domains``) may have.
    "MAX_FILTER_VALUES": 50,
    #: Deepest field nesting accepted (``publications.edges.node.authors.person.name`` is 6).
    "MAX_QUERY_DEPTH": 10,
    #: Most aliases of one field in a query.
    "MAX_ALIASES_PER_FIELD": 20,
    #: Estimated-cost budget (see ``cms.api.limits``): the seed page costs about 2,200,
    #: 100 publications with everything about 18,000, 100 stories with their related
    #: publications and authors about 101,000.
    "MAX_QUERY_COST": 150_000,
    #: Work units spec validation may spend comparing same-named fields (graphql-core's
    #: own default is 500,000, about 1 s); real queries spend a few.
    "VALIDATION_BUDGET": 50_000,
    #: Wall-clock seconds a request's operations may run before they are stopped with a
    #: ``TIMEOUT`` error (``cms.api.budget``); below gunicorn's timeout. 0 turns it off.
    "REQUEST_BUDGET_SECONDS": 10,
    #: PostgreSQL ``statement_timeout`` for the API's SQL statements, in milliseconds;
    #: a cancelled statement is a ``TIMEOUT`` error too. 0 turns it off.
    "STATEMENT_TIMEOUT_MS": 5_000,
    #: Parsed documents kept per worker (``cms.api.documents``): at most this many, holding
    #: at most this much query text (a parsed, validated document takes about 100 times
    #: its text: 512 KiB of text is about 50 MB), and none longer than the last value
    #: (those are parsed on every request).
    "DOCUMENT_CACHE_SIZE": 512,
    "DOCUMENT_CACHE_BYTES": 512 * 1024,
    "DOCUMENT_CACHE_MAX_QUERY_BYTES": 16 * 1024,
    #: Most operations in one batched request.
    "MAX_BATCH_SIZE": 10,
    #: Largest request body, in bytes; larger gets HTTP 413.
    "MAX_BODY_BYTES": 64 * 1024,
    #: Most tokens in one query document (guards the parser).
    "MAX_TOKENS": 5_000,
    #: Operations per sliding window per client IP (each operation of a batch counts);
    #: 0 turns rate limiting off.
    "RATE_LIMIT_REQUESTS": 1_200,
    #: Rate-limit window in seconds: never more than the limit in any such span.
    "RATE_LIMIT_WINDOW": 60,
    #: The cache (``CACHES`` alias) whose Redis holds the counts.
    "RATE_LIMIT_CACHE": "default",
    #: Trusted reverse proxies in front of the app: 0 uses REMOTE_ADDR as the client IP,
    #: n uses the n-th address from the right of X-Forwarded-For.
    "TRUSTED_PROXIES": 0,
    #: Seconds a public response may be served from Redis (invalidated on publish anyway).
    "RESPONSE_CACHE_SECONDS": 300,
    #: Seconds derived values (result counts of a search and filter) stay cached; content
    #: changes invalidate them at once, like responses.
    "COUNT_CACHE_SECONDS": 300,
    #: Response header naming a public answer's cache tags for the edge (``cms.api.tags``):
    #: ``xkey`` (Varnish's xkey vmod), ``Surrogate-Key`` (Fastly) or ``Cache-Tag``
    #: (Cloudflare; comma-separated).
    "CACHE_TAG_HEADER": "xkey",
    #: Longest value of that header, in bytes (Varnish accepts header lines up to 8 KiB by
    #: default, Fastly and Cloudflare 16 KiB): past it, object tags collapse into one tag
    #: per model that every change of such an object purges (``TagCollector.tags``).
    "CACHE_TAG_HEADER_BYTES": 4096,
    #: ``Cache-Control: max-age`` for browsers and ``s-maxage`` for CDNs.
    "BROWSER_MAX_AGE": 0,
    "CDN_MAX_AGE": 60,
    #: Seconds an automatic persisted query stays known after its last use.
    "PERSISTED_QUERY_SECONDS": 24 * 3600,
    #: Largest query stored as a persisted query, in bytes (larger ones run, unstored).
    "PERSISTED_QUERY_MAX_BYTES": 16 * 1024,
    #: New persisted queries one client IP may register per window (more run, unstored).
    "PERSISTED_QUERY_REGISTRATIONS": 60,
    "PERSISTED_QUERY_REGISTRATION_WINDOW": 3600,
    #: ``Retry-After`` seconds of the 503 answered while the database is unreachable.
    "SERVICE_UNAVAILABLE_RETRY_AFTER": 5,
    #: Schema introspection (``__schema``, ``__type``); ``__typename`` always works.
    "INTROSPECTION": True,
}


def api_setting(name):
    return getattr(settings, "CMS_API", {}).get(name, DEFAULTS[name])
