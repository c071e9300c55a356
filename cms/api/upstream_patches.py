"""Every change this project makes to grapple's and graphene's classes after import.

Grapple builds its GraphQL types itself (page types from models, the image,
rendition and document types, one type per StreamField block) and offers no
setting, subclass hook or registry entry for what is changed here, so these are
patches. They are all in this module, each with why it is needed, and applied
once by ``cms.api.schema.build_schema``: ``before_build`` on grapple's type
classes, ``on_built_schema`` on the built GraphQL schema. What each patch does
(which renditions are allowed, what the public may see, how URLs are rebased)
lives in its own module; here is only where it is plugged in.

``tests/cms/test_upstream_patches.py`` pins the versions these were written
against (``PINNED``) and the upstream members they wrap, so an upgrade fails there
first: check each patch below against the new version, then update ``PINNED``.

What is not patched: the root fields (``cms.api.pages.PageQueries`` and the apps'
``register_public_api_query`` mixins are our own classes), StreamField bodies
(``cms.api.streams`` uses ``StreamValue``'s public API) and the view
(``cms.api.views.PublicGraphQLView`` subclasses graphene-django's).
"""

from django.utils.module_loading import import_string
from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
)
from grapple.registry import registry
from grapple.types.documents import DocumentObjectType, get_document_type
from grapple.types.images import (
    ImageObjectType,
    ImageRenditionObjectType,
    get_image_type,
)
from grapple.types.interfaces import StreamFieldInterface
from grapple.types.pages import Page as FallbackPageType
from grapple.types.rich_text import RichText

#: The versions the patches below were checked against (the test compares them with
#: the installed distributions).
PINNED = {
    "wagtail-grapple": "0.31.0",
    "graphene": "3.4.3",
    "graphene-django": "3.2.3",
    "graphql-core": "3.2.14",
}

_applied = False


def before_build():
    """Patch grapple's type classes; before ``graphene.Schema`` reads them. Once."""
    global _applied
    if _applied:
        return
    withhold_page_relations()  # first: the interface's fields are what page types keep
    restrict_page_types()
    withhold_fields()
    guard_image_renditions()
    gate_chooser_blocks()
    render_public_rich_text()
    rebase_media_urls()
    _applied = True


def on_built_schema(graphql_schema):
    """Patch the built schema: descriptions grapple leaves out, media fields gated."""
    describe_schema(graphql_schema)
    gate_media_fields(graphql_schema)


# --- Fields removed from grapple's types --------------------------------------------
#
# graphene collects a type's fields from its whole class hierarchy when the class is
# created, so a subclass cannot drop a field, and grapple creates its types itself.
# Removing them from ``_meta.fields`` before the schema is built is the only way.


def _allowed_page_fields(page_type):
    from .pages import PublicPageInterface

    model = page_type._meta.model
    allowed = {"id", *PublicPageInterface._meta.fields}
    for field in getattr(model, "graphql_fields", ()):
        allowed.add((field() if callable(field) else field).field_name)
    return allowed


def restrict_page_types():
    """Page types expose the page interface and their ``graphql_fields``, nothing else.

    graphene-django would otherwise expose every column of ``Page``: the draft
    title, revision dates and unpublished aliases would reach the public API.
    Grapple builds each page type with ``exclude_fields`` that keeps every ``Page``
    column, and takes no option to narrow it. Grapple's fallback ``Page`` type (for
    a page whose model has no type of its own) is restricted too.
    """
    for page_type in [*registry.pages.values(), FallbackPageType]:
        allowed = _allowed_page_fields(page_type)
        for name in list(page_type._meta.fields):
            if name not in allowed:
                del page_type._meta.fields[name]


def withhold_page_relations():
    """Grapple's page relation lists leave the page interface (``cms.api.pages`` says why).

    ``PublicPageInterface`` subclasses grapple's ``PageInterface`` for its resolvers
    (``contentType``, ``pageType``, ``seoTitle``, ``searchScore``), and graphene takes
    the fields of the whole class hierarchy, relation lists included."""
    from .pages import WITHHELD_PAGE_RELATIONS, PublicPageInterface

    for name in WITHHELD_PAGE_RELATIONS:
        PublicPageInterface._meta.fields.pop(name, None)


def withhold_fields():
    """Fields of grapple's image, document and block types the public API leaves out
    (``cms.api.visibility`` says which and why)."""
    from .visibility import (
        WITHHELD_BLOCK_FIELDS,
        WITHHELD_BLOCK_TYPE_FIELDS,
        WITHHELD_MEDIA_FIELDS,
    )

    for media_type in (get_image_type(), get_document_type()):
        for name in WITHHELD_MEDIA_FIELDS:
            media_type._meta.fields.pop(name, None)
    for block_type in {StreamFieldInterface, *registry.streamfield_blocks.values()}:
        for name in WITHHELD_BLOCK_FIELDS:
            block_type._meta.fields.pop(name, None)
    for block_path, names in WITHHELD_BLOCK_TYPE_FIELDS.items():
        block_type = registry.streamfield_blocks[import_string(block_path)]
        for name in names:
            block_type._meta.fields.pop(name, None)


def add_node_interface(graphene_type, node, id_field, database_id_field):
    """Add ``node`` (``cms.api.nodes.Node``) to a type grapple built: its ``id`` becomes
    ``id_field`` (the global id) and ``database_id_field`` is added.

    graphene freezes a type's options once its class exists, and grapple offers no
    way to add an interface to every page type (only per model,
    ``graphql_interfaces``) or to its image and document types; the schema is not
    built yet, so this holds.
    """
    meta = graphene_type._meta
    if node not in meta.interfaces:
        object.__setattr__(meta, "interfaces", (*meta.interfaces, node))
    meta.fields["id"] = id_field
    meta.fields.setdefault("database_id", database_id_field)


# --- Grapple's resolvers wrapped ----------------------------------------------------
#
# Grapple's types are built from these classes' ``resolve_*`` attributes, and
# ``get_image_type()`` returns ``ImageObjectType`` itself unless a custom image model
# is registered, so a subclass would not be used. Wrapped before the schema is built.


def guard_image_renditions():
    """Only ``GRAPPLE["ALLOWED_IMAGE_FILTERS"]`` renditions, refused with a coded error
    (grapple answers others with an internal error, or drops them: ``cms.api.images``)."""
    from .images import check_rendition, check_src_set

    resolve_rendition = ImageObjectType.resolve_rendition
    resolve_src_set = ImageObjectType.resolve_src_set

    def checked_rendition(instance, info, **kwargs):
        check_rendition(kwargs)
        return resolve_rendition(instance, info, **kwargs)

    def checked_src_set(instance, info, sizes, format=None, **kwargs):
        check_src_set(sizes, format)
        return resolve_src_set(instance, info, sizes, format, **kwargs)

    ImageObjectType.resolve_rendition = staticmethod(checked_rendition)
    ImageObjectType.resolve_src_set = staticmethod(checked_src_set)


def gate_chooser_blocks():
    """Page and snippet choosers in blocks return only what the public may see."""
    from wagtail.blocks import PageChooserBlock
    from wagtail.snippets.blocks import SnippetChooserBlock

    from .visibility import shown_or_none

    for block, field in ((PageChooserBlock, "page"), (SnippetChooserBlock, "snippet")):
        block_type = registry.streamfield_blocks.get(block)
        if block_type is None:
            continue
        resolve = getattr(block_type, f"resolve_{field}")
        setattr(
            block_type,
            f"resolve_{field}",
            lambda root, info, _resolve=resolve, **kwargs: shown_or_none(
                _resolve(root, info, **kwargs)
            ),
        )


def render_public_rich_text():
    """Every rich text through ``cms.api.rich_text.public_html``: links to pages and
    documents the public may not see are removed. ``RichTextBlock.value`` gets the
    request (remembered lookups); the ``RichText`` scalar, used by rich text model
    fields, checks on its own (grapple calls its ``serialize`` without a request)."""
    from wagtail.blocks import RichTextBlock

    from .rich_text import public_html

    block_type = registry.streamfield_blocks[RichTextBlock]
    block_type.resolve_value = lambda block, info, **kwargs: public_html(
        block.value.source, info.context
    )

    def serialize(value):
        return public_html(value if isinstance(value, str) else value.source)

    RichText.serialize = staticmethod(serialize)


def _rebasing(resolver, rebase):
    def resolve(instance, info, *args, **kwargs):
        return rebase(resolver(instance, info, *args, **kwargs), info.context)

    return staticmethod(resolve)


def rebase_media_urls():
    """Grapple and Wagtail make media URLs absolute on ``WAGTAILADMIN_BASE_URL``; moved
    onto the public base (``cms.api.absolute_urls``)."""
    from .absolute_urls import rebased, rebased_srcset

    ImageObjectType.resolve_url = _rebasing(ImageObjectType.resolve_url, rebased)
    ImageObjectType.resolve_src = _rebasing(ImageObjectType.resolve_src, rebased)
    ImageObjectType.resolve_src_set = _rebasing(ImageObjectType.resolve_src_set, rebased_srcset)
    ImageRenditionObjectType.resolve_url = _rebasing(ImageRenditionObjectType.resolve_url, rebased)
    DocumentObjectType.resolve_url = _rebasing(DocumentObjectType.resolve_url, rebased)


# --- The built schema ----------------------------------------------------------------


def gate_media_fields(graphql_schema):
    """Every field that returns an image or a document passes ``is_public``
    (``cms.api.visibility.shown_or_none``). Grapple declares such fields on many types
    (blocks, renditions, model fields through ``GraphQLImage``), so they are found
    on the built schema by the type they return; none of them is a list."""
    from .visibility import shown_or_none

    def gated(resolve):
        def resolve_public(root, info, **kwargs):
            return shown_or_none(resolve(root, info, **kwargs))

        return resolve_public

    media_names = {get_image_type()._meta.name, get_document_type()._meta.name}
    for graphql_type in graphql_schema.type_map.values():
        fields = getattr(graphql_type, "fields", None)
        if graphql_type.name.startswith("__") or not isinstance(fields, dict):
            continue
        for name, field in fields.items():
            if get_named_type(field.type).name not in media_names:
                continue
            if isinstance(get_nullable_type(field.type), GraphQLList):
                # None today: the gate checks one object, and a list must not pass unchecked.
                raise TypeError(f"{graphql_type.name}.{name} lists images or documents.")
            if isinstance(field.type, GraphQLNonNull):
                # A required image (a rendition's `image`) comes from an image already
                # checked on the way in; null is not an option there.
                continue
            field.resolve = gated(field.resolve or default_field_resolver)


def describe_schema(graphql_schema):
    """Set the descriptions grapple leaves out (``cms.api.descriptions``); on the built
    schema, because grapple's generated members have no declaration of ours."""
    from .descriptions import GRAPPLE_DESCRIPTIONS, members

    for type_name, entries in GRAPPLE_DESCRIPTIONS.items():
        graphql_type = graphql_schema.get_type(type_name)
        if graphql_type is None:
            continue
        type_members = members(graphql_type)
        for name, text in entries.items():
            target = graphql_type if not name else type_members.get(name)
            if target is not None:
                target.description = text
    for page_type in registry.pages.values():
        graphql_type = graphql_schema.get_type(page_type._meta.name)
        if graphql_type is not None and not graphql_type.description:
            graphql_type.description = (page_type._meta.model.__doc__ or "").strip() or None
    for graphql_type in graphql_schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            _inherit_from_interfaces(graphql_type, members)


def _inherit_from_interfaces(graphql_type, members):
    """Fields and arguments without a description take their interface's."""
    for interface in graphql_type.interfaces:
        inherited = members(interface)
        for name, member in members(graphql_type).items():
            if not member.description and name in inherited:
                member.description = inherited[name].description
