"""Root fields for careers content: organizations, teams and employee stories."""

import graphene
from django.db.models import Prefetch
from wagtail.images import get_image_model

from cms.api.connection import Ordering, SortKey, connection_type, paginate
from cms.api.cursors import fingerprint
from cms.api.errors import UserInputError
from cms.api.prefetch import PrefetchPlan, nested_paths, selected_paths
from cms.api.streams import bind_in_bulk
from cms.visibility import known_public, public_pages
from research.api.schema import PUBLICATION_PREFETCH
from research.models import Publication

from ..models import Organization, StoryPage, StoryRelatedPublication, Team
from .types import OrganizationType, TeamType, portrait_filters

STORY_ORDER = Ordering(
    "newest", (SortKey("date", descending=True), SortKey("id", descending=True))
)


def _related_publications(queryset, paths, lookup):
    related = PUBLICATION_PREFETCH.apply(
        StoryRelatedPublication.objects.filter(publication__in=Publication.objects.live())
        .select_related("publication")
        .order_by("sort_order", "id"),
        nested_paths(paths, "related_publications"),
        lookup="publication__",
    )
    return queryset.prefetch_related(Prefetch(f"{lookup}related_publications", queryset=related))


def _portrait(queryset, paths, lookup):
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec__in=portrait_filters())
    )
    return queryset.prefetch_related(
        Prefetch(f"{lookup}portrait", queryset=known_public(get_image_model())),
        Prefetch(f"{lookup}portrait__renditions", queryset=renditions),
    )


def _team(queryset, paths, lookup):
    queryset = queryset.select_related(f"{lookup}team__organization")
    if "team.members" in paths:
        queryset = queryset.prefetch_related(f"{lookup}team__members")
    return queryset


def _person(queryset, paths, lookup):
    return queryset.select_related(f"{lookup}person")


#: What each selected field of a StoryPage needs loaded, in bulk.
STORY_PREFETCH = PrefetchPlan(
    {
        "person": _person,
        "person_name": _person,
        "team": _team,
        "portrait": _portrait,
        "related_publications": _related_publications,
    }
)


def check_slug(model, slug, argument):
    """Refuse an unknown slug instead of answering with a silent empty list."""
    if not model.objects.filter(slug=slug).exists():
        raise UserInputError(f"Unknown {model._meta.verbose_name} slug “{slug}”.", field=argument)


def live_stories():
    return public_pages(StoryPage.objects.all())


def _story_connection():
    from grapple.registry import registry

    return registry.pages[StoryPage]


StoryConnection = connection_type(
    lambda: _story_connection(),
    name="Story",
    description="A page of employee stories, newest first.",
)


class CareersQueries:
    organizations = graphene.List(
        graphene.NonNull(OrganizationType),
        required=True,
        description="Organizations in editor order (Databricks, MosaicML), each with its teams.",
    )
    teams = graphene.List(
        graphene.NonNull(TeamType),
        required=True,
        description="Teams in editor order.",
        organization=graphene.String(description="Only teams of the organization with this slug."),
    )
    stories = graphene.Field(
        StoryConnection,
        required=True,
        description="Published, public employee stories, newest first, paged with cursors.",
        organization=graphene.String(
            description="Only stories of teams in this organization (slug)."
        ),
        team=graphene.String(description="Only stories of this team (slug)."),
        first=graphene.Int(description="Page size from the start or `after` (1-100)."),
        after=graphene.String(description="Return stories after this cursor."),
        last=graphene.Int(description="Page size before `before`, or the end (1-100)."),
        before=graphene.String(description="Return stories before this cursor."),
    )
    story = graphene.Field(
        lambda: _story_connection(),
        description="One published, public story by slug; null when missing or not live.",
        slug=graphene.String(required=True, description="The story page's slug."),
    )

    def resolve_organizations(root, info):
        teams = Team.objects.order_by("sort_order", "id")
        if "teams.members" in selected_paths(info):
            teams = teams.prefetch_related("members")
        return Organization.objects.order_by("sort_order", "id").prefetch_related(
            Prefetch("teams", queryset=teams)
        )

    def resolve_teams(root, info, organization=None):
        teams = Team.objects.select_related("organization").order_by("sort_order", "id")
        if organization is not None:
            teams = teams.filter(organization__slug=organization)
        if "members" in selected_paths(info):
            teams = teams.prefetch_related("members")
        teams = list(teams)
        if not teams and organization is not None:
            check_slug(Organization, organization, "organization")
        return teams

    def resolve_stories(
        root, info, organization=None, team=None, first=None, after=None, last=None, before=None
    ):
        stories = live_stories()
        if organization is not None:
            stories = stories.filter(team__organization__slug=organization)
        if team is not None:
            stories = stories.filter(team__slug=team)
        paths = selected_paths(info, under=("edges", "node"))
        page = paginate(
            STORY_PREFETCH.apply(stories, paths),
            STORY_ORDER,
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint(organization, team),
        )
        if "body" in paths:
            bind_in_bulk([edge.node.body for edge in page.edges], info.context)
        if not page.edges:
            # An empty page is only an answer if the filters name things that exist.
            if organization is not None:
                check_slug(Organization, organization, "organization")
            if team is not None:
                check_slug(Team, team, "team")
        return page

    def resolve_story(root, info, slug):
        return STORY_PREFETCH.apply(live_stories().filter(slug=slug), selected_paths(info)).first()
