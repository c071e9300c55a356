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

The rules are here; ``cms.api.upstream_patches`` plugs them into grapple's types.
"""

from cms.visibility import is_public, mark_public

#: Fields of grapple's image and document types that the public API leaves out.
WITHHELD_MEDIA_FIELDS = ("collection", "tags")
#: Fields of StreamField blocks that the public API leaves out.
WITHHELD_BLOCK_FIELDS = ("raw_value",)
#: Fields of one block type that the public API leaves out, by Wagtail block class path.
WITHHELD_BLOCK_TYPE_FIELDS = {"wagtail.embeds.blocks.EmbedBlock": ("value",)}


def public_value(value):
    """``value`` (one image or document, or a list) with what the public may not see
    taken out. A module function, not the wrapper that calls it, which is built once
    when the schema is: mutation testing can only swap in a changed function when it is
    called."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)) or hasattr(value, "model"):
        items = list(value)
        mark_public(items)
        return [item for item in items if is_public(item)]
    return value if is_public(value) else None
