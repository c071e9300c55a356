"""Rich text for the public: links to pages and documents the public may not see are removed.

Wagtail stores a link as ``<a linktype="page" id="7">`` and renders it with the
page's URL whatever the page's state, so a live story linking to a draft or a
password-protected page would hand out that page's URL (and its id, in the
stored form). Here every page and document link and every embedded image is
checked against ``cms.visibility``: a public one is rendered with its URL, a
non-public one loses its tag (the link text stays; no URL, no id).

Every target is named in the answer's cache tags (``note_lookup``), public or not: no
field is resolved on it, yet unpublishing it, restricting it or making it public again
changes the HTML.

Grapple's rich text resolvers call ``public_html`` (``cms.api.upstream_patches``).
The answers are remembered for the request, and ``remember_links`` checks the
rich text of a whole list of objects at once, so a page of stories costs one
query per kind of link, not one per paragraph.
"""

import re

from django.utils.html import escape
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import expand_db_html
from wagtail.rich_text.rewriters import extract_attrs

from cms.visibility import public_objects

from .request_state import request_state
from .tags import note_lookup

LINK = re.compile(r"<a(\b[^>]*)>(.*?)</a>", re.DOTALL)
EMBED = re.compile(r"<embed(\b[^>]*)/>")


def _linked_model(attrs):
    return {"page": Page, "document": get_document_model()}.get(attrs.get("linktype"))


def _embedded_model(attrs):
    return get_image_model() if attrs.get("embedtype") == "image" else None


def _references(source):
    """``(model, id)`` of every link and embed in a stored rich text."""
    for pattern, model_of in ((LINK, _linked_model), (EMBED, _embedded_model)):
        for match in pattern.finditer(source or ""):
            attrs = extract_attrs(match.group(1))
            model = model_of(attrs)
            if model is not None and str(attrs.get("id", "")).isdigit():
                yield model, int(attrs["id"])


def _known(request):
    """Per request: ``{model: {id: public object or None}}``."""
    if request is None:
        return {}
    return request_state(request).rich_text_targets


def remember_links(sources, request):
    """Look up every link target of ``sources`` (stored rich texts): one query per model."""
    known = _known(request)
    wanted = {}
    for source in sources:
        for model, pk in _references(source):
            if pk not in known.get(model, {}):
                wanted.setdefault(model, set()).add(pk)
    for model, ids in wanted.items():
        found = public_objects(model).filter(pk__in=ids).in_bulk()
        known.setdefault(model, {}).update({pk: found.get(pk) for pk in ids})
    return known


def public_source(source, request=None):
    """The stored rich text with non-public links unwrapped and non-public embeds dropped;
    public page and document links already carry their URL."""
    known = remember_links([source], request)
    for model, pk in _references(source):
        note_lookup(model, pk)

    def target(model, attrs):
        pk = str(attrs.get("id", ""))
        return known.get(model, {}).get(int(pk)) if pk.isdigit() else None

    def link(match):
        attrs = extract_attrs(match.group(1))
        model = _linked_model(attrs)
        if model is None:
            return match.group(0)
        obj = target(model, attrs)
        if obj is None:
            return match.group(2)
        url = obj.get_url(request) if isinstance(obj, Page) else obj.url
        return f'<a href="{escape(url or "")}">{match.group(2)}</a>'

    def embed(match):
        attrs = extract_attrs(match.group(1))
        model = _embedded_model(attrs)
        if model is None or target(model, attrs) is not None:
            return match.group(0)
        return ""

    return EMBED.sub(embed, LINK.sub(link, source or ""))


def public_html(source, request=None):
    """Rich text as HTML for the public."""
    return expand_db_html(public_source(source, request))
