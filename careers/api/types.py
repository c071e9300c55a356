"""GraphQL types of careers content: story portraits (people, teams and organizations
are ``home.api.types``)."""

import graphene

from cms.api.absolute_urls import absolute_url

#: Widths offered in a portrait's ``srcset``; none larger than the original is made.
PORTRAIT_WIDTHS = (320, 640, 960)


def portrait_filters():
    return [f"width-{width}" for width in PORTRAIT_WIDTHS]


def portrait_renditions(image):
    """The image's renditions for a portrait, smallest first, none wider than the original.

    Made once per image object: every field of ``Portrait`` reads them. In a list they
    come from the prefetch (``_portrait`` in ``STORY_HINTS``)."""
    renditions = image.__dict__.get("_portrait_renditions")
    if renditions is None:
        widths = [w for w in PORTRAIT_WIDTHS if w <= image.width] or [PORTRAIT_WIDTHS[0]]
        renditions = [image.get_rendition(f"width-{width}") for width in widths]
        image.__dict__["_portrait_renditions"] = renditions
    return renditions


def default_rendition(image):
    renditions = portrait_renditions(image)
    return renditions[min(1, len(renditions) - 1)]


class PortraitType(graphene.ObjectType):
    """A portrait photo, resized for the web, with a ``srcset`` for responsive images."""

    # Resolved from a Wagtail image: a story's ``public_portrait``.

    class Meta:
        name = "Portrait"

    url = graphene.String(required=True, description="URL of the default rendition.")
    width = graphene.Int(required=True, description="Width of the default rendition in pixels.")
    height = graphene.Int(required=True, description="Height of the default rendition in pixels.")
    alt = graphene.String(
        required=True, description="Text alternative for readers who cannot see it."
    )
    srcset = graphene.String(
        required=True,
        description="`srcset` value: each rendition's URL and width, e.g. `… 320w, … 640w`.",
    )

    @staticmethod
    def resolve_url(image, info):
        return absolute_url(default_rendition(image).url, info.context)

    @staticmethod
    def resolve_width(image, info):
        return default_rendition(image).width

    @staticmethod
    def resolve_height(image, info):
        return default_rendition(image).height

    @staticmethod
    def resolve_alt(image, info):
        return getattr(image, "description", "") or image.title

    @staticmethod
    def resolve_srcset(image, info):
        return ", ".join(
            f"{absolute_url(r.url, info.context)} {r.width}w" for r in portrait_renditions(image)
        )
