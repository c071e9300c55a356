"""Response cache and automatic persisted queries, both in the default cache (Redis).

Every cached response key includes the *content generation*, a counter that
any published, unpublished or deleted content bumps (``cms.signals``). A bump
makes every earlier entry unreachable at once, so the next read after a publish
sees the change; stale entries simply expire.
"""

import hashlib
import json
import time

from django.core.cache import cache

from .conf import api_setting

GENERATION_KEY = "cms:api:generation"


def _fresh_generation():
    """A starting value no earlier counter can have held (milliseconds since the epoch),
    so an emptied cache never brings back a generation an old cursor remembers."""
    return int(time.time() * 1000)


def content_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def bump_content_generation():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def response_key(query, variables, operation_name):
    material = json.dumps(
        [content_generation(), query, variables or {}, operation_name or ""],
        sort_keys=True,
        separators=(",", ":"),
    )
    return "cms:api:response:" + hashlib.sha256(material.encode()).hexdigest()


def cached_response(key):
    return cache.get(key)


def store_response(key, body):
    cache.set(key, body, timeout=api_setting("RESPONSE_CACHE_SECONDS"))


def query_hash(query):
    return hashlib.sha256(query.encode()).hexdigest()


def persisted_query(sha256_hash):
    return cache.get(f"cms:api:apq:{sha256_hash}")


def persist_query(sha256_hash, query):
    cache.set(f"cms:api:apq:{sha256_hash}", query, timeout=api_setting("PERSISTED_QUERY_SECONDS"))


def cached_for_content(namespace, parts, compute):
    """``compute()``, remembered until content changes (same generation as responses).

    For expensive derived values that many responses share, e.g. the counts of
    one search and filter across all of its pages.
    """
    material = json.dumps([content_generation(), parts], sort_keys=True, default=str)
    key = f"cms:api:{namespace}:" + hashlib.sha256(material.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=api_setting("COUNT_CACHE_SECONDS"))
    return value
