"""The public schema's side of ``cms.visibility``: what grapple adds, gated or left out.

* Every field that returns an image or a document (a body's image block, a
  document chooser, a rendition's image) passes ``is_public``: a private or
  unused file is ``null``, exactly as if it did not exist.
* Page and snippet choosers in StreamField blocks return only public objects.
* Image and document types lose ``collection`` (collection names, including
  private ones under ``descendants``) and ``tags`` (editors' filing, no content).
* ``rawValue`` is left out of StreamField blocks: it is Wagtail's stored form,
  with the ids of linked pages whatever their state, and a dict (an internal
  error) for struct blocks; ``value`` and the typed fields carry the content.
* ``EmbedBlock.value`` is left out too: grapple 0.31 resolves it by calling
  ``StreamFieldInterface.resolve_raw_value`` without its ``self``, so every query
  of it is an internal error; ``url`` and ``embed`` carry the embed.
"""

from django.utils.module_loading import import_string
from graphql import GraphQLList, GraphQLNonNull, get_named_type
from grapple.registry import registry
from grapple.types.documents import get_document_type
from grapple.types.images import get_image_type
from grapple.types.interfaces import StreamFieldInterface

from cms.visibility import is_public, mark_public, public_or_none

#: Fields of grapple's image and document types that the public API leaves out.
WITHHELD_MEDIA_FIELDS = ("collection", "tags")
#: Fields of StreamField blocks that the public API leaves out.
WITHHELD_BLOCK_FIELDS = ("raw_value",)
#: Fields of one block type that the public API leaves out, by Wagtail block class path.
WITHHELD_BLOCK_TYPE_FIELDS = {"wagtail.embeds.blocks.EmbedBlock": ("value",)}


def withhold_fields():
    """Remove the fields above from grapple's types; called before the schema is built."""
    for media_type in (get_image_type(), get_document_type()):
        for name in WITHHELD_MEDIA_FIELDS:
            media_type._meta.fields.pop(name, None)
    block_types = {StreamFieldInterface, *registry.streamfield_blocks.values()}
    for block_type in block_types:
        for name in WITHHELD_BLOCK_FIELDS:
            block_type._meta.fields.pop(name, None)
    for block_path, names in WITHHELD_BLOCK_TYPE_FIELDS.items():
        block_type = registry.streamfield_blocks[import_string(block_path)]
        for name in names:
            block_type._meta.fields.pop(name, None)


def gate_chooser_blocks():
    """Page and snippet choosers in blocks return only what the public may see."""
    from wagtail.blocks import PageChooserBlock
    from wagtail.snippets.blocks import SnippetChooserBlock

    for block, field in ((PageChooserBlock, "page"), (SnippetChooserBlock, "snippet")):
        block_type = registry.streamfield_blocks.get(block)
        if block_type is None or getattr(block_type, "_gated", False):
            continue
        resolve = getattr(block_type, f"resolve_{field}")
        setattr(
            block_type,
            f"resolve_{field}",
            lambda root, info, _resolve=resolve, **kwargs: public_or_none(
                _resolve(root, info, **kwargs)
            ),
        )
        block_type._gated = True


def _gated(resolve):
    def resolve_public(root, info, **kwargs):
        return public_value(resolve(root, info, **kwargs))

    return resolve_public


def public_value(value):
    """``value`` (one image or document, or a list) with what the public may not see
    taken out. A module function, not the closure above, which is built once when the
    schema is: mutation testing can only swap in a changed function when it is called."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)) or hasattr(value, "model"):
        items = list(value)
        mark_public(items)
        return [item for item in items if is_public(item)]
    return value if is_public(value) else None


def gate_media_fields(graphql_schema):
    """Wrap every field of the built schema that returns an image or a document."""
    media_names = {get_image_type()._meta.name, get_document_type()._meta.name}
    for graphql_type in graphql_schema.type_map.values():
        fields = getattr(graphql_type, "fields", None)
        if graphql_type.name.startswith("__") or not isinstance(fields, dict):
            continue
        for field in fields.values():
            if get_named_type(field.type).name not in media_names:
                continue
            if isinstance(field.type, GraphQLNonNull) and not isinstance(
                field.type.of_type, GraphQLList
            ):
                # A required image (a rendition's `image`) comes from an image already
                # checked on the way in; null is not an option there.
                continue
            field.resolve = _gated(field.resolve or _default_resolver(field))


def _default_resolver(field):
    from graphql import default_field_resolver

    return default_field_resolver
