"""Every cache call the API makes goes through here, so a dead Redis cannot take it down.

The cache (Redis in production) only ever makes answers faster: when it is
unreachable the API answers from the database. A connection error or timeout
opens a *circuit breaker* for ``CACHE_BREAKER_SECONDS`` (default 5 s): until
then every call returns its fallback at once ("miss" for reads, "skipped" for
writes) instead of waiting on the dead server, and a warning is logged at most
once per ``CACHE_WARNING_INTERVAL_SECONDS`` (default 60 s). After the pause one
caller probes again; the others keep their fallback until it has answered.

A Redis that was only unreachable comes back with its old entries, while
content may have been published in between (the publisher's bump of the content
generation failed). So before a process trusts the cache again it runs the
``on_recovery`` callbacks (``cms.api.cache`` bumps the generation and forgets
the next expiry time there): a stale answer is never served after an outage
this process noticed.

Use ``shared_cache`` for plain calls, or ``call(lambda backend: ..., fallback)``
for several calls that belong together (or for the raw Redis client, e.g.
``django_redis.get_redis_connection``). The breaker is per process and per
cache location, shared by the threads of a worker.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("cms.cache")

#: Errors that mean "the cache cannot be used now". ``ValueError`` (``incr`` of a
#: missing key) is not one of them: callers handle it.
UNAVAILABLE_ERRORS = (RedisError, ConnectionInterrupted, OSError)
_PROBE_KEY = "cms:cache-guard:probe"


def breaker_seconds():
    return getattr(settings, "CACHE_BREAKER_SECONDS", 5)


def warning_interval_seconds():
    return getattr(settings, "CACHE_WARNING_INTERVAL_SECONDS", 60)


@dataclass
class _Breaker:
    #: ``time.monotonic()`` before which nobody calls the cache.
    open_until: float = 0.0
    #: A call failed since the last success: the cache must be re-validated
    #: (recovery callbacks) before it is trusted again.
    failed: bool = False
    last_warning: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


_breakers = {}
_breakers_lock = threading.Lock()
_recovery_callbacks = []


def on_recovery(callback):
    """Register ``callback(backend)`` to run before the cache is trusted after a failure.

    It gets the raw cache backend; if it raises a connection error the cache stays
    unavailable and the callbacks run again at the next probe.
    """
    if callback not in _recovery_callbacks:
        _recovery_callbacks.append(callback)
    return callback


def _backend(alias="default"):
    return caches[alias]


def _breaker_for(backend):
    # Django keeps one backend object per thread: key on where it points instead,
    # so the threads of a worker share one breaker (and a test's other cache has its own).
    identity = (type(backend).__qualname__, repr(getattr(backend, "_server", id(backend))))
    breaker = _breakers.get(identity)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.setdefault(identity, _Breaker())
    return breaker


def _may_call(breaker, *, force):
    """Whether this caller may talk to the cache now; claims the probe after a pause."""
    if not breaker.failed:
        return True
    with breaker.lock:
        now = time.monotonic()
        if not force and now < breaker.open_until:
            return False
        # This caller probes; the others keep their fallback until it has answered.
        breaker.open_until = now + breaker_seconds()
        return True


def _trip(breaker, error):
    with breaker.lock:
        breaker.failed = True
        now = time.monotonic()
        breaker.open_until = now + breaker_seconds()
        warn = now - breaker.last_warning >= warning_interval_seconds()
        if warn:
            breaker.last_warning = now
    if warn:
        logger.warning(
            "The cache is unavailable (%s: %s): answering from the database without it, "
            "trying again every %s s",
            type(error).__name__,
            error,
            breaker_seconds(),
        )


def _recover(breaker, backend):
    """Run the recovery callbacks; True once the cache may be trusted again."""
    try:
        for callback in _recovery_callbacks:
            callback(backend)
        if not _recovery_callbacks:
            backend.get(_PROBE_KEY)
    except UNAVAILABLE_ERRORS as error:
        _trip(breaker, error)
        return False
    with breaker.lock:
        breaker.failed = False
        breaker.open_until = 0.0
    logger.warning("The cache is available again; entries from before the outage are dropped")
    return True


def call(operation, fallback=None, *, alias="default", force=False):
    """``operation(backend)``, or ``fallback`` while the cache is unavailable.

    ``force`` probes even while the breaker is open (the health check does).
    """
    backend = _backend(alias)
    breaker = _breaker_for(backend)
    if not _may_call(breaker, force=force):
        return fallback
    if breaker.failed and not _recover(breaker, backend):
        return fallback
    try:
        return operation(backend)
    except UNAVAILABLE_ERRORS as error:
        _trip(breaker, error)
        return fallback


def available(alias="default"):
    """False while the breaker is open (after a failure, until a probe succeeds)."""
    return not _breaker_for(_backend(alias)).failed


def reset():
    """Forget every breaker (tests that point the cache somewhere else)."""
    with _breakers_lock:
        _breakers.clear()


class GuardedCache:
    """The default cache's methods, each answering a miss or skipping while it is down."""

    def get(self, key, default=None):
        return call(lambda backend: backend.get(key, default), default)

    def get_many(self, keys):
        return call(lambda backend: backend.get_many(keys), {})

    def set(self, key, value, timeout):
        return call(lambda backend: backend.set(key, value, timeout=timeout), False)

    def add(self, key, value, timeout):
        return call(lambda backend: backend.add(key, value, timeout=timeout), False)

    def incr(self, key, delta=1):
        """The new value; ``None`` while the cache is down; ValueError if ``key`` is missing."""
        return call(lambda backend: backend.incr(key, delta), None)

    def delete(self, key):
        return call(lambda backend: backend.delete(key), False)


shared_cache = GuardedCache()
