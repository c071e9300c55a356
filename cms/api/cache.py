"""Response cache in the default cache (Redis).

Every cached response key includes the *content generation*, a counter that
any published, unpublished or deleted content bumps (``subscribe``: publishing's
events, ``cms.publishing``, at the change and again after its commit). A bump
makes every earlier entry unreachable at once, so the next read after a publish
sees the change; stale entries simply expire.

Expiry needs no edit: a live item stops being public when its ``expire_at``
passes, whether or not the scheduler has unpublished it yet. So keys also hold
the next expiry time of live content: once it has passed, every earlier entry
is unreachable, as after a publish. HTTP caches are told the same
(``seconds_until_expiry`` caps ``Cache-Control``).

Every call goes through ``cms.cache_guard``: while Redis is unreachable
nothing is cached or read from the cache (``content_version`` is ``None``), and
before it is trusted again the generation is bumped, since a publish during
the outage could not bump it.
"""

import hashlib
import json
import math
import time

from django.db import DatabaseError
from django.utils import timezone

from cms import cache_guard
from cms.cache_guard import shared_cache
from cms.publishing import changes_committed, content_changed
from cms.scheduling import earliest_expiry

from .conf import api_setting

GENERATION_KEY = "cms:api:generation"
NEXT_EXPIRY_KEY = "cms:api:next-expiry"
#: Stored for "no live content has an expiry time" (the cache cannot hold ``None``).
NO_EXPIRY = 0


def _fresh_generation():
    """A starting value no earlier counter can have held (milliseconds since the epoch),
    so an emptied cache never brings back a generation an old cursor remembers."""
    return int(time.time() * 1000)


def content_generation():
    """The current generation, or ``None`` while the cache is unavailable."""
    return cache_guard.call(_generation)


def _generation(backend):
    generation = backend.get(GENERATION_KEY)
    if generation is None:
        backend.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = backend.get(GENERATION_KEY) or _fresh_generation()
    return generation


def bump_content_generation():
    cache_guard.call(_bump_generation)


def _bump_generation(backend):
    try:
        backend.incr(GENERATION_KEY)
    except ValueError:
        backend.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def subscribe():
    content_changed.connect(_on_content_changed, dispatch_uid="cms-api-cache-changed")
    changes_committed.connect(_on_changes_committed, dispatch_uid="cms-api-cache-committed")


def _on_content_changed(**kwargs):
    # The editor's request has not returned yet when the next reader is served.
    bump_content_generation()


def _on_changes_committed(**kwargs):
    # A reader may have cached the old state between the change and the commit.
    bump_content_generation()
    try:
        refresh_next_expiry_time()  # an expiry time may have been set, moved or removed
    except DatabaseError:
        # Mid-``migrate`` (a data migration saving pages) not every table exists yet:
        # forget the time instead; the next read looks it up.
        forget_next_expiry_time()


@cache_guard.on_recovery
def _distrust_entries_from_before_an_outage(backend):
    """A publish while the cache was unreachable could not bump the generation or
    forget the next expiry time: do both before anything cached is served again."""
    _bump_generation(backend)
    backend.delete(NEXT_EXPIRY_KEY)


def content_version():
    """What cached answers depend on: the content generation and the next expiry time
    (in milliseconds), as one short string. One cache round trip when both are known.

    ``None`` while the cache is unavailable: then nothing may be cached, and no
    cursor's remembered position can be trusted.
    """
    known = cache_guard.call(lambda backend: backend.get_many([GENERATION_KEY, NEXT_EXPIRY_KEY]))
    if known is None:
        return None
    generation = known.get(GENERATION_KEY) or content_generation()
    if generation is None:
        return None
    expiry = _usable_expiry(known.get(NEXT_EXPIRY_KEY))
    return f"{generation}.{0 if expiry is None else round(expiry * 1000)}"


def response_key(query, variables, operation_name, variant=""):
    """The cache key of an answer, or ``None`` when it must not be cached (cache down).

    ``variant`` is whatever else of the request changes the answer (the scheme and
    host of absolute URLs when no public base URL is configured).
    """
    version = content_version()
    if version is None:
        return None
    material = json.dumps(
        [version, query, variables or {}, operation_name or "", variant],
        sort_keys=True,
        separators=(",", ":"),
    )
    return "cms:api:response:" + hashlib.sha256(material.encode()).hexdigest()


def cached_response(key):
    return None if key is None else shared_cache.get(key)


def store_response(key, body):
    if key is not None:
        shared_cache.set(key, body, timeout=api_setting("RESPONSE_CACHE_SECONDS"))


def seconds_until_expiry():
    """Whole seconds until live content next expires (``None`` if nothing will): how long
    an HTTP cache may keep an answer computed now."""
    next_expiry = next_expiry_time()
    if next_expiry is None:
        return None
    return max(0, math.floor(next_expiry - time.time()))


def next_expiry_time():
    """The earliest future ``expire_at`` of live content, as a UNIX time, or ``None``.

    Kept in the cache; recomputed (one query per model with an expiry) only when
    missing or passed, and after each committed content change (``subscribe``).
    """
    return _usable_expiry(shared_cache.get(NEXT_EXPIRY_KEY))


def _usable_expiry(stored):
    if stored is None or (stored != NO_EXPIRY and stored <= time.time()):
        stored = refresh_next_expiry_time()
    return None if stored == NO_EXPIRY else stored


def refresh_next_expiry_time():
    expiry = earliest_expiry(timezone.now())
    stored = expiry.timestamp() if expiry is not None else NO_EXPIRY
    shared_cache.set(NEXT_EXPIRY_KEY, stored, timeout=None)
    return stored


def forget_next_expiry_time():
    shared_cache.delete(NEXT_EXPIRY_KEY)


def cached_for_content(namespace, parts, compute):
    """``compute()``, remembered until content changes or expires (like responses).

    For expensive derived values that many responses share, e.g. the counts of
    one search and filter across all of its pages.
    """
    version = content_version()
    if version is None:  # the cache is down: compute every time
        return compute()
    material = json.dumps([version, parts], sort_keys=True, default=str)
    key = f"cms:api:{namespace}:" + hashlib.sha256(material.encode()).hexdigest()
    value = shared_cache.get(key)
    if value is None:
        value = compute()
        shared_cache.set(key, value, timeout=api_setting("COUNT_CACHE_SECONDS"))
    return value
