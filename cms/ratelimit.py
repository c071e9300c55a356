"""A sliding-window limiter shared by the API, persisted-query registration and the admin login.

Why not a fixed window: a counter per calendar minute lets a client send the
limit at 0:59 and the limit again at 1:00, twice the limit within two seconds.
Here each identity's window is split into ``SLOTS`` slots; a slot counts every
cost charged while it was current, and a charge is admitted only if the slots
that overlap the last ``window`` seconds, plus the charge, stay within the
limit. A slot counts whole as long as any part of it is still inside the
window, so the sum never underestimates: **in any ``window`` seconds at most
``limit`` is admitted**. The price is that a refused client may wait up to one
slot (``window / SLOTS``) longer than strictly needed; the wait is computed
exactly from the slots, so ``Retry-After`` is never too early.

The counts live in the cache's Redis (one small hash per identity, updated by
one Lua script, so concurrent workers cannot both take the last unit), reached
through ``cms.cache_guard``. Without Redis (local memory in development), or
while the guard reports it unavailable, a per-process limiter with the same
rules takes over: each worker then admits up to the limit on its own, which is
looser but never unlimited, and the API keeps answering.
"""

import math
import threading
import time
from collections import OrderedDict

from cms import cache_guard

#: Slots per window: 12 slots of 5 s for a one-minute window.
SLOTS = 12
#: Identities the per-process fallback remembers (least recently used are dropped).
MEMORY_IDENTITIES = 10_000
#: What ``cache_guard.call`` answers when Redis cannot be used: count in this process.
_IN_MEMORY = object()

# KEYS[1]: the identity's hash (slot index -> count).
# ARGV: oldest slot still inside the window, current slot, cost, limit (-1: none),
# record (1: add the cost when admitted, 0: only check), expiry in milliseconds.
# Returns {1} when admitted, else {0, slot, count, slot, count, ...} (the live slots).
_SCRIPT = """
local oldest, current = tonumber(ARGV[1]), tonumber(ARGV[2])
local cost, limit, record = tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1'
local stored = redis.call('HGETALL', KEYS[1])
local live, total = {}, 0
for i = 1, #stored, 2 do
  local slot, count = tonumber(stored[i]), tonumber(stored[i + 1])
  if slot < oldest then
    redis.call('HDEL', KEYS[1], stored[i])
  else
    total = total + count
    live[#live + 1] = slot
    live[#live + 1] = count
  end
end
if limit >= 0 and total + cost > limit then
  table.insert(live, 1, 0)
  return live
end
if record and cost > 0 then
  redis.call('HINCRBY', KEYS[1], current, cost)
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return {1}
"""


def _slot_seconds(window):
    return window / SLOTS


def _slot_range(now, window):
    """``(oldest, current)``: the slots that overlap ``[now - window, now]``."""
    length = _slot_seconds(window)
    return math.floor((now - window) / length), math.floor(now / length)


def seconds_until_fits(slots, *, now, cost, limit, window):
    """Whole seconds until ``cost`` more fits: the oldest slots leave the window one by one.

    ``slots`` maps live slot indexes to their counts. A slot ``s`` overlaps the
    window until ``now - window`` reaches its end, ``(s + 1) * slot length``.
    """
    if cost > limit:
        return math.ceil(window)
    length = _slot_seconds(window)
    total = sum(slots.values())
    leaves_at = now
    for slot in sorted(slots):
        if total + cost <= limit:
            break
        total -= slots[slot]
        leaves_at = (slot + 1) * length + window
    return max(1, math.ceil(leaves_at - now))


class SlidingWindowLimiter:
    """``limit`` units per ``window`` seconds for each identity under ``name``.

    ``take`` checks and charges in one step (the API); ``check``, ``add`` and
    ``reset`` are for limits that count only some outcomes (failed logins).
    """

    def __init__(self, name, *, limit, window, cache_alias="default"):
        self.name = name
        self.limit = limit
        self.window = window
        self.cache_alias = cache_alias

    def take(self, identity, cost=1):
        """Charge ``cost`` if it fits: ``None``, or the seconds to wait (nothing charged)."""
        return self._run(identity, cost=cost, limit=self.limit, record=True)

    def check(self, identity, cost=1):
        """The seconds to wait before ``cost`` would fit, or ``None``; charges nothing."""
        return self._run(identity, cost=cost, limit=self.limit, record=False)

    def add(self, identity, cost=1):
        """Charge ``cost`` whether or not it fits (e.g. a failed login that already happened)."""
        self._run(identity, cost=cost, limit=-1, record=True)

    def reset(self, identity):
        key = self._key(identity)
        cache_guard.call(lambda backend: backend.delete(key), alias=self.cache_alias)
        _memory.reset(key)

    def _key(self, identity):
        """The cache key (the cache's prefix is added where Redis is called)."""
        return f"cms:ratelimit:{self.name}:{identity}"

    def _run(self, identity, *, cost, limit, record):
        now = time.time()
        oldest, current = _slot_range(now, self.window)
        key = self._key(identity)
        arguments = [oldest, current, cost, limit, int(record), self._expiry_ms()]
        slots = cache_guard.call(
            lambda backend: _run_in_redis(backend, key, arguments),
            _IN_MEMORY,
            alias=self.cache_alias,
        )
        if slots is _IN_MEMORY:
            slots = _memory.run(key, oldest, current, cost, limit, record)
        if slots is None:
            return None
        return seconds_until_fits(slots, now=now, cost=cost, limit=limit, window=self.window)

    def _expiry_ms(self):
        return math.ceil((self.window + _slot_seconds(self.window)) * 1000)


def _run_in_redis(backend, key, arguments):
    """The script's answer: ``None`` when admitted, else the live slots as a dict;
    ``_IN_MEMORY`` when the cache is not a Redis (local memory in development)."""
    client = getattr(backend, "client", None)
    if not hasattr(client, "get_client"):
        return _IN_MEMORY
    redis = client.get_client(write=True)
    answer = redis.register_script(_SCRIPT)(keys=[backend.make_key(key)], args=arguments)
    if int(answer[0]) == 1:
        return None
    values = [int(value) for value in answer[1:]]
    return dict(zip(values[::2], values[1::2], strict=True))


class _MemoryCounts:
    """The same sliding window in this process's memory, bounded in identities."""

    def __init__(self):
        self._lock = threading.Lock()
        self._slots = OrderedDict()

    def run(self, key, oldest, current, cost, limit, record):
        with self._lock:
            slots = self._slots.pop(key, {})
            slots = {slot: count for slot, count in slots.items() if slot >= oldest}
            admitted = limit < 0 or sum(slots.values()) + cost <= limit
            if admitted and record and cost > 0:
                slots[current] = slots.get(current, 0) + cost
            if slots:
                self._slots[key] = slots
                while len(self._slots) > MEMORY_IDENTITIES:
                    self._slots.popitem(last=False)
            return None if admitted else slots

    def reset(self, key):
        with self._lock:
            self._slots.pop(key, None)

    def clear(self):
        with self._lock:
            self._slots.clear()


_memory = _MemoryCounts()


def forget_memory_counts():
    """Empty the per-process fallback (tests: each starts with no counts)."""
    _memory.clear()
