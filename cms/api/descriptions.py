"""Descriptions for the schema members grapple generates without one, applied in one place.

Our own types, fields and arguments are described where they are declared
(graphene's ``description=``, grapple's ``GraphQLString(..., description=...)``,
a block's ``Meta.graphql_description``). Grapple's generated members (StreamField
block types, the image and rendition types)
have no declaration of ours to carry a text, so ``GRAPPLE_DESCRIPTIONS`` holds
them as data and ``cms.api.upstream_patches.describe_schema`` sets them on the
built schema, once, when ``cms.api.schema`` builds it. Nothing else in the project
rewrites descriptions.

Three rules fill in the rest:

* a page type is described by its model's docstring;
* a field (or argument) of a type that implements an interface and has no text
  of its own takes the interface's (a page's ``id``, a block's ``blockType``);
* an entry of ``GRAPPLE_DESCRIPTIONS`` replaces grapple's text where that text
  is not true of this API (``ImageObjectType.rendition(max)``, …).

``tests/cms/test_schema_descriptions.py`` fails on any undescribed member and on
any entry here that names a member the schema does not have, so a grapple
upgrade that renames or drops a member shows up as a stale entry to fix.
"""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from .images import allowed_filters


def _offered_widths():
    widths = {
        int(spec.split("|")[0].removeprefix("width-"))
        for spec in allowed_filters()
        if spec.startswith("width-")
    }
    return ", ".join(str(width) for width in sorted(widths))


def _offered_formats():
    formats = {
        part.removeprefix("format-")
        for spec in allowed_filters()
        for part in spec.split("|")[1:]
        if part.startswith("format-")
    }
    return ", ".join(f"`{name}`" for name in sorted(formats)) or "none"


_NOT_OFFERED = (
    "Not offered by this API: a rendition is a width from `width` (and optionally a "
    "`format`), so any value here is refused with BAD_USER_INPUT."
)

_BLOCK_VALUE = {
    "CharBlock": "The text, plain (not HTML), on one line.",
    "TextBlock": "The text, plain (not HTML); line breaks are `\\n`.",
    "RichTextBlock": (
        "The text as HTML (`<p>`, `<b>`, `<i>`, `<a href>`, lists), links expanded to "
        "URLs. A link to a page or document the public may not see keeps its words and "
        "loses its tag: no URL, no id."
    ),
}

#: Descriptions of grapple's generated members, by schema type name: ``""`` is the
#: type itself, ``"name"`` a field or enum value, ``"name(argument)"`` an argument.
#: Every entry must name a member of the built schema (the test checks it).
GRAPPLE_DESCRIPTIONS = {
    "StreamFieldInterface": {
        "": (
            "One block of a StreamField (a story's `body`). Query the concrete types with "
            "fragments (`... on RichTextBlock { value }`); `blockType` names the type."
        ),
        "id": (
            "The block's UUID, stable across edits of the page: a key for lists in the "
            "frontend. For a child listed by a struct block's `blocks`, the child's name. "
            "Null only for content saved before blocks had ids."
        ),
        "blockType": "The block's type, e.g. `RichTextBlock` (the GraphQL type name).",
        "field": (
            "The block's name in its StreamField or struct block, e.g. `heading` or "
            "`paragraph`: two blocks of one type (a `CharBlock` heading and a caption) "
            "differ by it."
        ),
    },
    "CharBlock": {
        "": "A short plain-text block, e.g. a section heading (`field` says which).",
        "value": _BLOCK_VALUE["CharBlock"],
    },
    "TextBlock": {
        "": "A plain-text block that may span several lines, e.g. a quote.",
        "value": _BLOCK_VALUE["TextBlock"],
    },
    "RichTextBlock": {
        "": "A paragraph of formatted text.",
        "value": _BLOCK_VALUE["RichTextBlock"],
    },
    "ImageChooserBlock": {
        "": "An image, as listed by a struct block's `blocks`.",
        "image": (
            "The image; null when it was deleted or the public may not see it "
            "(see `ImageObjectType`)."
        ),
    },
    "EmbedBlock": {
        "": (
            "A video or post from another site (YouTube, Vimeo, …), by its URL. `url` costs "
            "nothing; `embed` and `rawEmbed` ask the provider (oEmbed) unless "
            "Wagtail has it cached."
        ),
        "url": "The link the editor pasted, e.g. `https://www.youtube.com/watch?v=…`.",
        "embed": (
            "The provider's embed HTML (usually an `<iframe>`) to insert as is; null when "
            "the provider cannot be reached or does not know the URL."
        ),
        "rawEmbed": (
            "The provider's answer as an object: `title`, `type` (`video`, `rich`, …), "
            "`thumbnail_url`, `width` and `height` in pixels, and `html`; null when the "
            "provider cannot be reached or does not know the URL."
        ),
    },
    "ImageWithCaptionBlock": {
        "blocks": "The image, caption and alt text as generic blocks; prefer the typed fields.",
    },
    "QuoteBlock": {
        "blocks": "The quote and attribution as generic blocks; prefer the typed fields.",
    },
    "ImageObjectType": {
        "": (
            "An uploaded image. Only images the public may see are returned (in a public "
            "collection and used by public content; a preview also shows the draft's own "
            "images); any other is null."
        ),
        "title": "The title editors gave the image in the media library.",
        "file": (
            "Storage name of the original file, e.g. `original_images/team.jpg`: not a "
            "link; use `url`."
        ),
        "description": (
            "The image's description, used as its default alt text; may be empty (then "
            "use `title`, or the alt text of the block that shows it)."
        ),
        "width": "Width of the original in pixels.",
        "height": "Height of the original in pixels.",
        "createdAt": "When the image was uploaded.",
        "focalPointX": (
            "Centre of the focal point (the part to keep when cropping), in pixels from "
            "the original's left edge; null when editors set none."
        ),
        "focalPointY": (
            "Centre of the focal point, in pixels from the original's top edge; null when "
            "editors set none."
        ),
        "focalPointWidth": "Width of the focal point in pixels; null when editors set none.",
        "focalPointHeight": "Height of the focal point in pixels; null when editors set none.",
        "fileSize": "Size of the original file in bytes; null when not recorded.",
        "fileHash": "SHA-1 of the original file (hex), to detect a replaced file; may be empty.",
        "renditions": (
            "Resized versions of this image made so far (which exist depends on earlier "
            "requests); ask for a size with `rendition` or `srcSet` instead."
        ),
        "src": "Same as `url`.",
        "url": (
            "Absolute URL of the original file, full size: prefer `rendition` or `srcSet` "
            "for display."
        ),
        "aspectRatio": "`width` divided by `height`, e.g. 1.5 for a 3:2 image.",
        "sizes": (
            "A `sizes` attribute for `<img>`: `(max-width: Wpx) 100vw, Wpx` with W the "
            "original's width."
        ),
        "rendition": (
            "The image resized to one of the widths this API offers (made on first request "
            "and kept). A size or format not offered is refused with BAD_USER_INPUT."
        ),
        "rendition(width)": (
            f"Width in pixels, one of {_offered_widths()}; the height follows the aspect "
            "ratio. An image narrower than this is not enlarged."
        ),
        "rendition(format)": (
            f"Output format, one of {_offered_formats()}; omit it to keep the uploaded format."
        ),
        "rendition(max)": _NOT_OFFERED,
        "rendition(min)": _NOT_OFFERED,
        "rendition(height)": _NOT_OFFERED,
        "rendition(fill)": _NOT_OFFERED,
        "rendition(bgcolor)": _NOT_OFFERED,
        "rendition(jpegquality)": _NOT_OFFERED,
        "rendition(webpquality)": _NOT_OFFERED,
        "srcSet": (
            "A `srcset` attribute for `<img>`: one absolute URL and width (`… 640w`) per "
            "size in `sizes`. A size not offered is refused with BAD_USER_INPUT."
        ),
        "srcSet(sizes)": f"Widths in pixels, each one of {_offered_widths()}.",
        "srcSet(format)": (
            f"Output format of every rendition, one of {_offered_formats()}; omit it to "
            "keep the uploaded format."
        ),
        "isSvg": "Whether the original is an SVG (a vector image: renditions keep it as is).",
    },
    "ImageRenditionObjectType": {
        "": "An image resized for display, made by `rendition` and kept for later requests.",
        "filterSpec": "The resize operations that made it, e.g. `width-640|format-webp`.",
        "file": (
            "Storage name of the resized file, e.g. `images/team.width-640.jpg`: not a "
            "link; use `url`."
        ),
        "width": "Width of the rendition in pixels.",
        "height": "Height of the rendition in pixels.",
        "focalPointKey": (
            "Wagtail's key for the focal point the rendition was made with; empty when the "
            "operations do not depend on it (a plain resize)."
        ),
        "image": "The original image.",
        "focalPoint": (
            "The focal point in the rendition's pixels, as text "
            "(`Rect(left: 10, top: 20, right: 110, bottom: 120)`); null when editors set none."
        ),
        "url": "Absolute URL of the resized file.",
        "alt": "Alt text: the image's description, or its title when it has none.",
        "backgroundPositionStyle": (
            "A CSS declaration that keeps the focal point in view when the rendition is a "
            "background, e.g. `background-position: 50% 30%;` (centre without a focal point)."
        ),
    },
}


def members(graphql_type):
    """``{"name": member}`` of a type: fields, arguments (``"field(arg)"``) or enum values."""
    if isinstance(graphql_type, GraphQLEnumType):
        return dict(graphql_type.values)
    found = {}
    if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        for name, field in graphql_type.fields.items():
            found[name] = field
            for arg_name, arg in getattr(field, "args", {}).items():
                found[f"{name}({arg_name})"] = arg
    return found


def stale_descriptions(graphql_schema):
    """Entries of ``GRAPPLE_DESCRIPTIONS`` that name no member of ``graphql_schema``."""
    stale = []
    for type_name, entries in GRAPPLE_DESCRIPTIONS.items():
        graphql_type = graphql_schema.get_type(type_name)
        if graphql_type is None:
            stale.append(type_name)
            continue
        type_members = members(graphql_type)
        stale += [f"{type_name}.{name}" for name in entries if name and name not in type_members]
    return stale
