"""GraphQL over HTTP as the spec has it: the response's media type and status code.

https://graphql.github.io/graphql-over-http/draft/ knows two response media types:

* ``application/graphql-response+json``, the spec's own, which Apollo Client 4
  asks for first. Its status code tells the truth: a request refused before
  execution (it does not parse or validate, is over a limit, has bad variables
  or names no operation) gets a 4xx and its body has no ``data``.
* ``application/json``, the legacy type, for clients that ask for it, accept
  anything (``*/*``) or send no ``Accept``. A 4xx or 5xx ``application/json``
  body may come from any proxy, so clients trust only a 200: every well-formed
  request gets 200, with its errors in the body.

Requests that are not well-formed GraphQL-over-HTTP requests (bad JSON, a
parameter of the wrong type, no query, an unsupported ``Content-Type``) and
refusals that do not depend on the GraphQL in the request (405, 406, 413, 429)
get their 4xx with either type. Both types are sent as UTF-8 and say so, and
every answer varies by ``Accept``.
"""

from django.http.request import MediaType
from django.utils.cache import patch_vary_headers

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
#: The response media types, the server's choice first: a client that accepts both
#: equally (``*/*``, or no ``Accept`` at all) is a legacy client until it says otherwise.
SUPPORTED = (JSON, GRAPHQL_RESPONSE_JSON)
UTF8 = {"utf-8", "utf8"}


def negotiate(accept):
    """The media type to answer in, from an ``Accept`` header; ``None`` when none fits (406).

    Each supported type gets the quality of the most specific range that matches it
    (RFC 9110 12.5.1, so ``application/json;q=0, */*`` refuses JSON); the highest
    quality wins, then a type named exactly over one matched by a wildcard, then the
    one listed first. A range asking for a charset other than UTF-8 does not match.
    Django's ``get_preferred_type`` is not used: it treats ``; charset=utf-8``, which
    the spec recommends clients send, as a different media type.
    """
    if not accept or not accept.strip():
        return JSON
    ranges = [MediaType(token) for token in accept.split(",") if token.strip()]
    best, best_rank = None, None
    for media_type in SUPPORTED:
        candidate = MediaType(media_type)
        matches = [
            (position, media_range)
            for position, media_range in enumerate(ranges)
            if _covers(media_range, candidate)
        ]
        if not matches:
            continue
        position, media_range = max(matches, key=lambda match: match[1].specificity)
        if media_range.quality <= 0:
            continue
        rank = (media_range.quality, media_range.sub_type != "*", -position)
        if best_rank is None or rank > best_rank:
            best, best_rank = media_type, rank
    return best


def _covers(media_range, media_type):
    charset = media_range.params.get("charset")
    if charset is not None and charset.lower() not in UTF8:
        return False
    if media_range.main_type == "*":
        return media_range.sub_type == "*"
    if media_range.main_type != media_type.main_type:
        return False
    return media_range.sub_type in ("*", media_type.sub_type)


def content_type(media_type):
    """The ``Content-Type`` header for ``media_type``, with the encoding the spec asks for."""
    return f"{media_type or JSON}; charset=utf-8"


def status_before_execution(media_type, status=400):
    """The status of a well-formed request refused before execution.

    ``status`` (400, or 404 for an unknown persisted query) with
    ``application/graphql-response+json``; 200 with ``application/json``.
    """
    return status if media_type == GRAPHQL_RESPONSE_JSON else 200


def vary_on_accept(response):
    """Caches (the CDN, browsers) must keep one answer per ``Accept``: type and status differ."""
    patch_vary_headers(response, ["Accept"])
    return response
