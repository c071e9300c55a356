"""Per-client-IP rate limit of the API: each operation costs one, in a sliding window.

A batch of ten operations costs ten and is refused as a whole when it does not
fit, so batching gains no more work than separate requests. The window and
its guarantees are ``cms.ratelimit``'s.
"""

import ipaddress

from cms.ratelimit import SlidingWindowLimiter

from .conf import api_setting


def client_ip(request):
    """REMOTE_ADDR, or the address a trusted proxy saw (``TRUSTED_PROXIES``).

    Each trusted proxy appends the address it received the request from, so the
    n-th entry from the right is the one the outermost trusted proxy saw; anything
    further left was written by the client and is ignored.
    """
    proxies = api_setting("TRUSTED_PROXIES")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def client_identity(request):
    """What one client's requests are counted under: its IPv4 address, or its IPv6 /64
    (one subscriber usually holds a whole /64 and could rotate through it)."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def api_limiter():
    return SlidingWindowLimiter(
        "api",
        limit=api_setting("RATE_LIMIT_REQUESTS"),
        window=api_setting("RATE_LIMIT_WINDOW"),
        cache_alias=api_setting("RATE_LIMIT_CACHE"),
    )


def retry_after(request, operations):
    """Charge ``operations`` to the client; return the seconds to wait when over the
    limit (nothing charged), else ``None``."""
    if not api_setting("RATE_LIMIT_REQUESTS"):
        return None
    return api_limiter().take(client_identity(request), cost=operations)
