"""Every absolute URL in API answers is built here, on one base.

Cached answers are shared by every client, so an answer must not depend on
what one request said about itself. With ``PUBLIC_BASE_URL`` set (production),
URLs are built on it whatever Host or X-Forwarded-Proto a request carried, and
one cached answer is right for all. Without it (development, ``make run
PORT=N``), URLs follow the request so every link works on any host and port,
and ``cache_variant`` puts the request's scheme and host into the response
cache key, so a request through another host or scheme never gets (or leaves)
an answer with someone else's URLs.

Grapple and Wagtail make their media URLs absolute on ``WAGTAILADMIN_BASE_URL``
(image ``url``/``src``/``srcSet``, rendition ``url``, document ``url``);
``rebased``/``rebased_srcset`` move those onto the same base (plugged into grapple's
resolvers by ``cms.api.upstream_patches.rebase_media_urls``).
"""

from django.conf import settings


def configured_base_url():
    return (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")


def public_base_url(request=None):
    """``PUBLIC_BASE_URL``, else the request's scheme and host, else the admin's base URL."""
    configured = configured_base_url()
    if configured:
        return configured
    if request is not None and hasattr(request, "get_host"):
        return f"{request.scheme}://{request.get_host()}"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(url, request=None):
    """``url`` on the public base when it is a path; URLs already absolute stay as they are
    (e.g. files on S3 or a CDN domain)."""
    if url and url.startswith("/") and not url.startswith("//"):
        return public_base_url(request) + url
    return url


def cache_variant(request):
    """What of the request changes absolute URLs in an answer: nothing when the base URL
    is configured, else the scheme and host."""
    return "" if configured_base_url() else public_base_url(request)


def rebased(url, request):
    """A URL Wagtail or grapple made absolute on ``WAGTAILADMIN_BASE_URL``, on the public base."""
    admin_base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if url and url.startswith(admin_base + "/"):
        return absolute_url(url[len(admin_base) :], request)
    return url


def rebased_srcset(srcset, request):
    if not srcset:
        return srcset
    entries = [entry.rsplit(" ", 1) for entry in srcset.split(", ") if entry]
    return ", ".join(f"{rebased(url, request)} {width}" for url, width in entries)
