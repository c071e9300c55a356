"""The public schema's side of ``cms.visibility``: what grapple adds, gated or left out.

* Every field that returns an image or a document (a body's image block, a
  document chooser, a rendition's image) passes ``is_public``: a private or
  unused file is ``null``, exactly as if it did not exist.
* Page and snippet choosers in StreamField blocks return only public objects.
* What is left out is still named in the answer's cache tags (``shown_or_none``).
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

from cms.visibility import is_public

from .tags import note_lookup

#: Fields of grapple's image and document types that the public API leaves out.
WITHHELD_MEDIA_FIELDS = ("collection", "tags")
#: Fields of StreamField blocks that the public API leaves out.
WITHHELD_BLOCK_FIELDS = ("raw_value",)
#: Fields of one block type that the public API leaves out, by Wagtail block class path.
WITHHELD_BLOCK_TYPE_FIELDS = {"wagtail.embeds.blocks.EmbedBlock": ("value",)}


def shown_or_none(value):
    """``value`` (one object, or ``None``) if the public may see it, else ``None``. A
    module function, not the wrapper that calls it, which is built once when the schema
    is: mutation testing can only swap in a changed function when it is called."""
    return value if value is not None and _shown(value) else None


def _shown(item):
    """Whether the public may see ``item``. A hidden one is still named in the answer's
    cache tags (no field is resolved on it): making it public purges the answer that
    left it out."""
    if is_public(item):
        return True
    note_lookup(type(item), item.pk)
    return False
