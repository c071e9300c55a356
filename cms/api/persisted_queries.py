"""Automatic persisted queries (Apollo's ``persistedQuery`` extension), bounded.

A frontend sends a query's SHA-256 alone; the first time, the API answers
``PERSISTED_QUERY_NOT_FOUND`` and the client sends the query with its hash,
which registers it. Stored in Redis for anyone to fill, registration is
bounded so that it cannot be used to fill Redis from outside:

* only a query that parsed and validated against the schema (and passed the
  query limits) is registered, after that check, never before;
* a query over ``PERSISTED_QUERY_MAX_BYTES`` is not stored;
* each client IP registers at most ``PERSISTED_QUERY_REGISTRATIONS`` new
  queries per ``PERSISTED_QUERY_REGISTRATION_WINDOW`` seconds;
* a stored query lives ``PERSISTED_QUERY_SECONDS`` after its last use.

A query that is not stored still runs and is answered: an Apollo client just
sends it with its hash again next time, as it does after any cache loss, so a
frontend keeps working and only loses the GET-by-hash shortcut.
"""

import hashlib
import logging

from cms import cache_guard
from cms.cache_guard import shared_cache
from cms.ratelimit import SlidingWindowLimiter

from .conf import api_setting
from .ratelimit import client_identity

logger = logging.getLogger("cms.api")


def query_hash(query):
    return hashlib.sha256(query.encode()).hexdigest()


def _key(sha256_hash):
    return f"cms:api:apq:{sha256_hash}"


def persisted_query(sha256_hash):
    """The query registered under ``sha256_hash``, or ``None``; its lifetime starts again."""
    query = shared_cache.get(_key(sha256_hash))
    if query is not None:
        _touch(sha256_hash)
    return query


def _touch(sha256_hash):
    """Start the stored query's lifetime again; False when it is not stored (or Redis is down)."""
    lifetime = api_setting("PERSISTED_QUERY_SECONDS")
    return cache_guard.call(lambda backend: backend.touch(_key(sha256_hash), lifetime), False)


def register(request, sha256_hash, query):
    """Store ``query`` under its hash if the bounds allow; call only once it has validated.

    Returns whether it is stored (already known counts as stored).
    """
    if sha256_hash is None:
        return False
    if _touch(sha256_hash):
        return True  # known already: a new lease of life, no new registration
    size = len(query.encode())
    if size > api_setting("PERSISTED_QUERY_MAX_BYTES"):
        logger.info("Persisted query %s not stored: %d bytes is over the limit", sha256_hash, size)
        return False
    limiter = SlidingWindowLimiter(
        "apq",
        limit=api_setting("PERSISTED_QUERY_REGISTRATIONS"),
        window=api_setting("PERSISTED_QUERY_REGISTRATION_WINDOW"),
        cache_alias=api_setting("RATE_LIMIT_CACHE"),
    )
    if limiter.take(client_identity(request)) is not None:
        logger.info("Persisted query %s not stored: too many registrations", sha256_hash)
        return False
    shared_cache.set(_key(sha256_hash), query, api_setting("PERSISTED_QUERY_SECONDS"))
    return True
