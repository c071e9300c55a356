"""StreamField blocks of a whole list of objects, loaded in bulk.

Wagtail converts a StreamField's blocks one stream at a time (one image query per
story's body, then one rendition query per image). A list field that returns N
objects with their bodies would cost 2N+ queries; ``bind_in_bulk`` converts each
block type across all N streams at once, prefetches the images' renditions and
decides at once which images and rich-text links the public may see
(``cms.visibility``), so the bodies of a page of stories cost the same few
queries whatever its size.
"""

from django.db.models import Prefetch, prefetch_related_objects
from wagtail.blocks import StreamValue, StructValue
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from cms.visibility import mark_public

from .images import allowed_filters
from .rich_text import remember_links


def bind_in_bulk(stream_values, request=None):
    """Convert every block of ``stream_values`` (StreamValues of one StreamField).

    Through Wagtail's public ``StreamValue`` API only: ``raw_data`` (the stored
    blocks) and item assignment of a ``StreamChild``, so a block read later is the
    one converted here. Wagtail converts one stream at a time (its own
    ``_prefetch_blocks``); this does the same conversion across every stream.
    """
    streams = [stream for stream in stream_values if stream is not None and len(stream)]
    if not streams:
        return
    stored = [(stream, list(stream.raw_data)) for stream in streams]
    for type_name, child_block in streams[0].stream_block.child_blocks.items():
        pending = [
            (stream, index, raw)
            for stream, raws in stored
            for index, raw in enumerate(raws)
            if raw["type"] == type_name
        ]
        if not pending:
            continue
        values = child_block.bulk_to_python([raw["value"] for _stream, _index, raw in pending])
        for (stream, index, raw), value in zip(pending, values, strict=True):
            stream[index] = StreamValue.StreamChild(child_block, value, id=raw.get("id"))
    values = [
        value for stream in streams for child in stream for value in leaf_values(child.value)
    ]
    images = [value for value in values if isinstance(value, get_image_model())]
    mark_public(images)
    _prefetch_renditions(images)
    remember_links([value.source for value in values if isinstance(value, RichText)], request)


def _prefetch_renditions(images):
    """The renditions the API may serve (``ALLOWED_IMAGE_FILTERS``) of every image."""
    image_model = get_image_model()
    if not images:
        return
    renditions = image_model.get_rendition_model().objects.all()
    if allowed_filters():
        renditions = renditions.filter(filter_spec__in=allowed_filters())
    prefetch_related_objects(images, Prefetch("renditions", queryset=renditions))


def leaf_values(value):
    """The leaf values of a block value (struct blocks opened)."""
    if isinstance(value, StructValue):
        for item in value.values():
            yield from leaf_values(item)
    else:
        yield value
