"""The public schema: grapple's page queries plus each app's fields, minus what would leak.

Apps add root fields through Wagtail's ``register_schema_query`` hook (see
``research/wagtail_hooks.py``). Grapple's own hook adds generic queries too;
only ``pages`` and ``page`` are kept (behind ``cms.visibility``). The others
are left out, because a frontend of this site does not need them:

* ``snippets`` and ``search`` read snippets through bare ``objects`` (drafts
  included) and search every model;
* ``images``/``image`` and ``documents``/``document`` list every file, used or
  not: a frontend gets files through the content that uses them (a story's
  portrait and body, a publication's ``pdfUrl``), which is also what makes a
  file public (``cms.visibility``);
* ``sites``/``site`` only lead to pages again (``rootPage``, ``pages``), with
  grapple's own, weaker checks; ``pages``/``page`` take a ``site`` argument;
* ``tags``/``tag``, ``settings``, ``redirects`` and ``collections`` are admin
  filing and configuration, not content.
"""

import graphene
from grapple.registry import registry
from grapple.settings import grapple_settings
from grapple.types.pages import Page as FallbackPageType
from wagtail import hooks

from .absolute_urls import rebase_grapple_media_urls
from .images import guard_image_renditions
from .page_arguments import refuse_negative_positive_ints
from .pages import PublicPageInterface, public_pages_query
from .rich_text import hide_private_rich_text_links
from .visibility import gate_chooser_blocks, gate_media_fields, withhold_fields

#: Root fields grapple offers that the public API must not expose.
WITHHELD_ROOT_FIELDS = frozenset(
    {
        "snippets",
        "search",
        "settings",
        "setting",
        "redirects",
        "collections",
        "images",
        "image",
        "image_type",
        "documents",
        "document",
        "document_type",
        "sites",
        "site",
        "tags",
        "tag",
    }
)


def _withheld(mixin):
    names = {name for klass in getattr(mixin, "__mro__", (mixin,)) for name in vars(klass)}
    return bool(names & WITHHELD_ROOT_FIELDS)


def query_mixins():
    mixins = []
    for register in hooks.get_hooks("register_schema_query"):
        register(mixins)
    mixins = [mixin for mixin in mixins if mixin is not graphene.ObjectType]
    return [
        public_pages_query(mixin) if _defines(mixin, "resolve_pages") else mixin
        for mixin in mixins
        if not _withheld(mixin)
    ]


def _defines(mixin, name):
    return isinstance(mixin, type) and name in vars(mixin)


def _allowed_page_fields(page_type):
    model = page_type._meta.model
    allowed = {"id", *PublicPageInterface._meta.fields}
    for field in getattr(model, "graphql_fields", ()):
        allowed.add((field() if callable(field) else field).field_name)
    return allowed


def restrict_page_types():
    """Page types expose the page interface and their ``graphql_fields``, nothing else.

    graphene-django would otherwise expose every column of ``Page``: the draft
    title, revision dates and unpublished aliases would reach the public API.
    Grapple's fallback ``Page`` type (for a page whose model has no type of its
    own) is restricted too: it is one of the page interface's types.
    """
    for page_type in [*registry.pages.values(), FallbackPageType]:
        allowed = _allowed_page_fields(page_type)
        for name in list(page_type._meta.fields):
            if name not in allowed:
                del page_type._meta.fields[name]


def build_schema():
    restrict_page_types()
    refuse_negative_positive_ints()
    guard_image_renditions()
    withhold_fields()
    gate_chooser_blocks()
    hide_private_rich_text_links()
    rebase_grapple_media_urls()

    class Query(*query_mixins(), graphene.ObjectType):
        """Read-only public API: published content only."""

    built = graphene.Schema(
        query=Query,
        types=list(registry.models.values()),
        auto_camelcase=grapple_settings.AUTO_CAMELCASE,
    )
    describe_page_types(built)
    gate_media_fields(built.graphql_schema)
    return built


def describe_page_types(built):
    """Grapple builds page types without descriptions: take the model's docstring, and
    the interface's text for the fields grapple redeclares (``id``)."""
    interface = built.graphql_schema.get_type(PublicPageInterface._meta.name)
    for page_type in registry.pages.values():
        graphql_type = built.graphql_schema.get_type(page_type._meta.name)
        if graphql_type is None:
            continue
        if not graphql_type.description:
            graphql_type.description = (page_type._meta.model.__doc__ or "").strip() or None
        for name, field in graphql_type.fields.items():
            if not field.description and name in interface.fields:
                field.description = interface.fields[name].description


schema = build_schema()
