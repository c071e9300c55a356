"""Response cache in the default cache (Redis), invalidated by cache tag.

A cached answer is stored with the cache tags of what it was built from
(``cms.api.tags``) and the version each tag had when the answer was computed.
Publishing's events (``cms.publishing``, connected by ``subscribe``) bump the
version of every tag a change purges, at the change and again after its commit;
a read compares the stored versions with the current ones (one ``MGET``), so an
answer is dropped exactly when something it showed, or a list it depends on,
changed. A publish no longer empties the whole cache.

An answer computed while content changed is not stored (``CHANGES_KEY``, a
counter every change bumps, moved meanwhile): it may hold the old state under the
new versions. Nor is it sent cacheable: the edge's purge went out before it
arrived, so an edge that kept it would serve the old state until the next purge.

Expiry needs no edit: a live item stops being public when its ``expire_at``
passes, whether or not the scheduler has unpublished it yet. So an answer keeps
the earliest expiry time of what it served and is not served past it; an answer
that depends on a list (which also counts and orders items it does not show) is
not served past the next expiry time of all live content; the scheduler's
unpublish then purges the lists the item leaves. HTTP caches are told that next
expiry time (``seconds_until_expiry`` caps ``Cache-Control``). A scheduled
go-live needs no bound: the item is not live until the scheduler publishes it,
and that save purges the lists it enters.

Every call goes through ``cms.cache_guard``: while Redis is unreachable nothing is
cached or read from the cache, and before it is trusted again the generation
(``GENERATION_KEY``, part of every answer's versions) is bumped, since a change
during the outage could not bump its tags.
"""

import hashlib
import json
import math
import time
from contextlib import suppress
from dataclasses import dataclass

from django.db import DatabaseError
from django.utils import timezone

from cms import cache_guard
from cms.cache_guard import shared_cache
from cms.publishing import changes_committed, content_changed
from cms.scheduling import earliest_expiry

from .conf import api_setting

GENERATION_KEY = "cms:api:generation"
CHANGES_KEY = "cms:api:changes"
NEXT_EXPIRY_KEY = "cms:api:next-expiry"
TAG_PREFIX = "cms:api:tag:"
#: Stored for "no live content has an expiry time" (the cache cannot hold ``None``).
NO_EXPIRY = 0
#: Most bytes of tags kept with a cached answer (past it, objects collapse as in the
#: header: ``TagCollector.tags``).
STORED_TAG_BYTES = 16 * 1024


def _fresh_version():
    """A starting value no earlier counter can have held (milliseconds since the epoch),
    so an emptied cache never brings back a version an old entry or cursor remembers."""
    return int(time.time() * 1000)


def tag_key(tag):
    return TAG_PREFIX + tag


def subscribe():
    content_changed.connect(_on_content_changed)
    changes_committed.connect(_on_changes_committed)


def _on_content_changed(tags=(), **kwargs):
    # The editor's request has not returned yet when the next reader is served.
    bump_tags(tags)


def _on_changes_committed(tags=(), **kwargs):
    # A reader may have cached the old state between the change and the commit.
    bump_tags(tags)
    try:
        refresh_next_expiry_time()  # an expiry time may have been set, moved or removed
    except DatabaseError:
        # Mid-``migrate`` (a data migration saving pages) not every table exists yet:
        # forget the time instead; the next read looks it up.
        forget_next_expiry_time()


def bump_tags(tags):
    """Drop every answer built from what ``tags`` name."""
    cache_guard.call(lambda backend: _bump(backend, [CHANGES_KEY, *map(tag_key, tags)]))


def bump_content_generation():
    """Drop every cached answer (after an outage; benchmarks)."""
    cache_guard.call(lambda backend: _bump(backend, [CHANGES_KEY, GENERATION_KEY]))


def _bump(backend, keys):
    for key in keys:
        # Missing (never used, or evicted): every answer that stored a version of it is
        # stale already; the next one stored starts it afresh.
        with suppress(ValueError):
            backend.incr(key)


@cache_guard.on_recovery
def _distrust_entries_from_before_an_outage(backend):
    """A change while the cache was unreachable could not bump its tags or forget the
    next expiry time: drop everything before anything cached is served again."""
    _bump(backend, [CHANGES_KEY, GENERATION_KEY])
    backend.delete(NEXT_EXPIRY_KEY)


def _versions(backend, keys):
    """The current values of ``keys``, missing ones started afresh."""
    known = backend.get_many(keys)
    for key in keys:
        if known.get(key) is None:
            backend.add(key, _fresh_version(), timeout=None)
            known[key] = backend.get(key)
    return [known[key] for key in keys]


def content_version(tags=()):
    """What an answer or cursor built from ``tags`` depends on, as one short string: the
    generation, the versions of ``tags`` and the next expiry time (in milliseconds).

    ``None`` while the cache is unavailable: then nothing may be cached, and no
    cursor's remembered position can be trusted.
    """
    keys = [GENERATION_KEY, NEXT_EXPIRY_KEY, *map(tag_key, sorted(tags))]
    known = cache_guard.call(lambda backend: backend.get_many(keys))
    if known is None:
        return None
    if any(known.get(key) is None for key in keys if key != NEXT_EXPIRY_KEY):
        versioned = [key for key in keys if key != NEXT_EXPIRY_KEY]
        values = cache_guard.call(lambda backend: _versions(backend, versioned))
        if values is None:
            return None
        known.update(zip(versioned, values, strict=True))
    expiry = _usable_expiry(known.get(NEXT_EXPIRY_KEY))
    parts = [known[key] for key in keys if key != NEXT_EXPIRY_KEY]
    parts.append(0 if expiry is None else round(expiry * 1000))
    return ".".join(map(str, parts))


@dataclass
class Lookup:
    """One answer's place in the cache: what was found there, and the state to store a
    fresh answer against."""

    key: str
    #: The cached body and the edge's tags, when a valid answer was found.
    body: str | None = None
    header_tags: tuple = ()
    #: ``CHANGES_KEY`` when looked up: a fresh answer is stored only if it did not move.
    changes: int | None = None


def lookup(query, variables, operation_name, variant=""):
    """The cached answer of a request, or ``None`` when it must not be cached (cache down).

    ``variant`` is whatever else of the request changes the answer (the scheme and
    host of absolute URLs when no public base URL is configured).
    """
    material = json.dumps(
        [query, variables or {}, operation_name or "", variant],
        sort_keys=True,
        separators=(",", ":"),
    )
    key = "cms:api:response:" + hashlib.sha256(material.encode()).hexdigest()
    return cache_guard.call(lambda backend: _lookup(backend, key))


def _lookup(backend, key):
    found = backend.get_many([key, CHANGES_KEY])
    changes = found.get(CHANGES_KEY)
    if changes is None:
        (changes,) = _versions(backend, [CHANGES_KEY])
    entry = found.get(key)
    if entry is None or (entry["x"] is not None and entry["x"] <= time.time()):
        return Lookup(key, changes=changes)
    keys = [GENERATION_KEY, *map(tag_key, entry["t"])]
    current = backend.get_many(keys)
    if [current.get(key) for key in keys] != [entry["g"], *entry["v"]]:
        return Lookup(key, changes=changes)
    return Lookup(key, body=entry["b"], header_tags=tuple(entry["h"]), changes=changes)


def store_response(lookup, body, collector, header_tags):
    """Keep ``body`` with the versions of the tags ``collector`` gathered, unless content
    changed since ``lookup``; ``False`` then (the answer may show the old state, and no
    cache may keep it: a purge sent meanwhile could not reach it), else ``True`` or
    ``None`` (the cache is unreachable)."""
    tags = collector.tags(STORED_TAG_BYTES)
    expires_at = collector.expires_at
    if collector.lists or collector.scoped:
        # A list also counts and orders items it does not show: it is not served past the
        # moment any of them may expire, as HTTP caches are told (``seconds_until_expiry``).
        upcoming = next_expiry_time()
        if upcoming is not None and (expires_at is None or upcoming < expires_at):
            expires_at = upcoming

    def store(backend):
        keys = [CHANGES_KEY, GENERATION_KEY, *map(tag_key, tags)]
        changes, generation, *versions = _versions(backend, keys)
        if changes != lookup.changes:
            return False  # computed while content changed: maybe the old state
        timeout = api_setting("RESPONSE_CACHE_SECONDS")
        if expires_at is not None:
            timeout = max(1, min(timeout, math.ceil(expires_at - time.time())))
        entry = {
            "b": body,
            "t": tags,
            "v": versions,
            "g": generation,
            "x": expires_at,
            "h": list(header_tags),
        }
        backend.set(lookup.key, entry, timeout=timeout)
        return True

    return cache_guard.call(store)


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


def cached_for_content(namespace, parts, compute, *, tags):
    """``compute()``, remembered until what ``tags`` name changes, or content expires.

    For expensive derived values that many responses share, e.g. the counts of
    one search and filter across all of its pages. ``parts`` (JSON values: lists,
    strings, numbers) name the value within ``namespace``.
    """
    version = content_version(tags)
    if version is None:  # the cache is down: compute every time
        return compute()
    material = json.dumps([version, parts])
    key = f"cms:api:{namespace}:" + hashlib.sha256(material.encode()).hexdigest()
    value = shared_cache.get(key)
    if value is None:
        value = compute()
        shared_cache.set(key, value, timeout=api_setting("COUNT_CACHE_SECONDS"))
    return value
