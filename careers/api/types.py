"""GraphQL types of careers content: the careers pages' and the stories' fields (what
each needs loaded and costs beside it), story portraits. People, teams and
organizations are ``home.api.types``."""

import graphene
from django.db.models import Prefetch
from grapple.models import GraphQLField, GraphQLStreamfield, GraphQLString
from wagtail.images import get_image_model

from cms.api.absolute_urls import absolute_url
from cms.api.hints import expose_page, prefetched
from cms.api.prefetch import PrefetchPlan, nested_paths
from cms.visibility import known_public
from home.api.types import team_prefetch
from research.api.types import PublicationType
from research.models import Publication

from ..models import CareersPage, StoryIndexPage, StoryPage, StoryRelatedPublication

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


def _person(queryset, paths, lookup):
    return queryset.select_related(f"{lookup}person")


def _portrait(queryset, paths, lookup):
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=portrait_filters())
    )
    return queryset.prefetch_related(
        Prefetch(f"{lookup}portrait", queryset=known_public(get_image_model())),
        Prefetch(f"{lookup}portrait__renditions", queryset=renditions),
    )


def _related_publications(queryset, paths, lookup):
    related = prefetched(
        PublicationType,
        StoryRelatedPublication.objects.filter(publication__in=Publication.objects.live())
        .select_related("publication")
        .order_by("sort_order", "id"),
        nested_paths(paths, "related_publications"),
        lookup="publication__",
    )
    return queryset.prefetch_related(Prefetch(f"{lookup}related_publications", queryset=related))


expose_page(
    CareersPage,
    fields=[
        GraphQLString("heading", required=True, description="The large heading at the top."),
        GraphQLString("intro", required=True, description="The paragraph under the heading."),
        GraphQLString("cta_label", required=True, description="Call-to-action button text."),
        GraphQLString("cta_url", required=True, description="Call-to-action link."),
    ],
)


expose_page(
    StoryIndexPage,
    fields=[GraphQLString("intro", required=True, description="The sentence under the heading.")],
)


expose_page(
    StoryPage,
    fields=[
        GraphQLString(
            "person_name",
            source="display_name",
            required=True,
            description="The name of the person the story is about.",
        ),
        GraphQLString("role", required=True, description="Their job title; may be empty."),
        GraphQLField(
            "person",
            "home.api.types.PersonType",
            description="Their profile, when the story is linked to one.",
        ),
        GraphQLField("team", "home.api.types.TeamType", description="Their team, if set."),
        GraphQLField(
            "portrait",
            "careers.api.types.PortraitType",
            source="public_portrait",
            description="The story's portrait with renditions and a srcset; null if none.",
        ),
        GraphQLString("summary", required=True, description="One or two sentences for lists."),
        GraphQLStreamfield(
            "body",
            required=True,
            description="The story as typed blocks: heading, paragraph, image, quote, embed.",
        ),
        GraphQLField(
            "related_publications",
            graphene.List(graphene.NonNull("research.api.types.PublicationType")),
            source="live_related_publications",
            required=True,
            description="Published publications linked to the story, in editor order.",
        ),
        GraphQLField("date", graphene.Date, required=True, description="The story's date."),
    ],
    prefetch=PrefetchPlan(
        {
            "person": _person,
            "person_name": _person,
            "team": team_prefetch,
            "portrait": _portrait,
            "related_publications": _related_publications,
        }
    ),
    list_sizes={"related_publications": 10, "body": 20},
)
