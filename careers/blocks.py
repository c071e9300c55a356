"""Blocks for an employee story's body."""

from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLImage, GraphQLString
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


@register_streamfield_block
class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(help_text="A photo or figure for the story.")
    caption = blocks.CharBlock(required=False, help_text="Shown under the image (optional).")
    alt_text = blocks.CharBlock(
        required=False,
        help_text="Describe the image for readers who cannot see it. Leave empty to use "
        "the image's own description.",
    )

    graphql_fields = [
        GraphQLImage(
            "image",
            description="The image; null when it was deleted or the public may not see it.",
        ),
        GraphQLString("caption", description="Shown under the image; null or empty when none."),
        GraphQLString(
            "alt_text",
            description="Alt text for this use of the image; when empty, use the image's "
            "`description` (then its `title`).",
        ),
    ]

    class Meta:
        icon = "image"
        label = "Image with caption"
        graphql_description = "A photo or figure in a story, with an optional caption."


@register_streamfield_block
class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(help_text="The words being quoted, without quotation marks.")
    attribution = blocks.CharBlock(required=False, help_text="Who said it (optional).")

    graphql_fields = [
        GraphQLString(
            "quote",
            description="The words quoted, plain text without quotation marks; line breaks "
            "are `\\n`.",
        ),
        GraphQLString("attribution", description="Who said it; null or empty when not given."),
    ]

    class Meta:
        icon = "openquote"
        label = "Quote"
        graphql_description = "A pull quote in a story: the words and who said them."


class StoryBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", icon="title", help_text="A section heading."
    )
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"], help_text="A paragraph of text."
    )
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(help_text="Paste a link to a video or post (YouTube, Vimeo, …).")
