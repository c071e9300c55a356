"""The public schema: the page root fields, each app's fields and the node and preview fields.

Apps add root fields through the ``register_public_api_query`` Wagtail hook
(``QUERY_HOOK``; see ``research/wagtail_hooks.py``). ``page`` and ``pages`` are
declared in ``cms.api.pages`` (behind ``cms.visibility``; ``pages`` as a cursor
connection). Grapple's own root fields (its ``register_schema_query`` hook) are
not used, because a frontend of this site does not need them:

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

Of grapple's StreamField block types, only those the site's StreamFields use are
in the schema (``streamfield_block_types``). Descriptions grapple leaves out are
kept in one place, ``cms.api.descriptions``. What grapple's types cannot be told
by subclassing or settings is patched in one module, ``cms.api.upstream_patches``.
"""

from types import SimpleNamespace

import graphene
from django.apps import apps
from grapple.registry import registry
from grapple.settings import grapple_settings
from grapple.types.interfaces import StreamFieldInterface
from grapple.types.pages import Page as FallbackPageType
from wagtail import hooks
from wagtail.blocks import ListBlock
from wagtail.fields import StreamField

from . import upstream_patches
from .nodes import NodeQueries, implement_node_types, retain_schema_node_kinds
from .pages import PageQueries
from .preview import preview_query

#: The Wagtail hook through which each app adds its root fields (a list of query
#: mixins, as grapple's ``register_schema_query``; grapple's own mixins are not used).
QUERY_HOOK = "register_public_api_query"


def app_query_mixins():
    mixins = []
    for register in hooks.get_hooks(QUERY_HOOK):
        register(mixins)
    return mixins


def _blocks_within(block):
    """``block`` and every block nested in it (struct, stream and list children)."""
    yield block
    children = getattr(block, "child_blocks", None) or {}
    if isinstance(block, ListBlock):
        children = {"item": block.child_block}
    for child in children.values():
        yield from _blocks_within(child)


def streamfield_block_types():
    """The block types the site's StreamFields can return, and no others.

    Grapple registers a type for every Wagtail block (``DateBlock``, ``RawHTMLBlock``,
    ``SnippetChooserBlock``, ...) whether or not a StreamField uses it; the schema
    would list them all. Each block of every StreamField (nested ones included) is
    resolved here with grapple's own ``StreamFieldInterface.resolve_type``, the
    function that picks a block's type at query time, so every type a query can
    meet is in the schema and nothing else is.
    """
    stream_fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, StreamField)
    ]
    types = {}
    for field in stream_fields:
        for child in field.stream_block.child_blocks.values():
            for block in _blocks_within(child):
                block_type = StreamFieldInterface.resolve_type(SimpleNamespace(block=block), None)
                types[block_type._meta.name] = block_type
    return [types[name] for name in sorted(types)]


def schema_types():
    """Types the schema must know that no field names: page types and used block types."""
    block_types = set(registry.streamfield_blocks.values())
    return [
        *registry.pages.values(),
        FallbackPageType,  # grapple's type of a page whose model has no type of its own
        *(
            kind
            for kind in registry.models.values()
            if kind not in block_types and kind not in registry.pages.values()
        ),
        *streamfield_block_types(),
    ]


def build_schema():
    upstream_patches.before_build()
    implement_node_types()

    # The preview union is built after the apps' mixins: importing them registers
    # their previewable types (cms.api.preview.register_preview_type).
    class Query(
        *app_query_mixins(), PageQueries, preview_query(), NodeQueries, graphene.ObjectType
    ):
        """Read-only public API: published content only."""

    built = graphene.Schema(
        query=Query,
        types=schema_types(),
        auto_camelcase=grapple_settings.AUTO_CAMELCASE,
    )
    upstream_patches.on_built_schema(built.graphql_schema)
    retain_schema_node_kinds(built.graphql_schema)
    return built


schema = build_schema()
