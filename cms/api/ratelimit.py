"""Per-client-IP rate limit in the shared cache (Redis): a fixed window counter.

It fails open: while the cache is unavailable (``cms.cache_guard``) nobody is limited.
"""

import time

from cms import cache_guard

from .conf import api_setting


def client_ip(request):
    """REMOTE_ADDR, or the address a trusted proxy saw (``TRUSTED_PROXIES``)."""
    proxies = api_setting("TRUSTED_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def retry_after(request):
    """Count this request; return the seconds to wait when over the limit, else None."""
    limit = api_setting("RATE_LIMIT_REQUESTS")
    if not limit:
        return None
    window = api_setting("RATE_LIMIT_WINDOW")
    now = time.time()
    window_start = int(now // window) * window
    key = f"cms:api:ratelimit:{client_ip(request)}:{window_start}"
    count = cache_guard.call(lambda backend: _count(backend, key, window + 1))
    if count is not None and count > limit:
        return max(1, int(window_start + window - now) + 1)
    return None


def _count(backend, key, timeout):
    backend.add(key, 0, timeout=timeout)
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout=timeout)
        return 1
