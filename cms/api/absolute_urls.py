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
``rebase_grapple_media_urls`` moves those onto the same base.
"""

from django.conf import settings
from grapple.types.documents import DocumentObjectType
from grapple.types.images import ImageObjectType, ImageRenditionObjectType


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


def _rebased(url, request):
    """A URL Wagtail or grapple made absolute on ``WAGTAILADMIN_BASE_URL``, on the public base."""
    admin_base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if url and url.startswith(admin_base + "/"):
        return absolute_url(url[len(admin_base) :], request)
    return url


def _rebased_srcset(srcset, request):
    if not srcset:
        return srcset
    entries = [entry.rsplit(" ", 1) for entry in srcset.split(", ") if entry]
    return ", ".join(f"{_rebased(url, request)} {width}" for url, width in entries)


def _rebasing(resolver, rebase):
    def resolve(instance, info, *args, **kwargs):
        return rebase(resolver(instance, info, *args, **kwargs), info.context)

    return staticmethod(resolve)


def rebase_grapple_media_urls():
    """Wrap grapple's media URL resolvers; called once before the schema is built."""
    if getattr(ImageObjectType, "_urls_rebased", False):
        return
    ImageObjectType.resolve_url = _rebasing(ImageObjectType.resolve_url, _rebased)
    ImageObjectType.resolve_src = _rebasing(ImageObjectType.resolve_src, _rebased)
    ImageObjectType.resolve_src_set = _rebasing(ImageObjectType.resolve_src_set, _rebased_srcset)
    ImageRenditionObjectType.resolve_url = _rebasing(
        ImageRenditionObjectType.resolve_url, _rebased
    )
    DocumentObjectType.resolve_url = _rebasing(DocumentObjectType.resolve_url, _rebased)
    ImageObjectType._urls_rebased = True
