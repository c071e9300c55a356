"""Root fields for careers content: organizations, teams and employee stories."""

import graphene

from cms.api.connection import (
    EDITOR_ORDER,
    Ordering,
    SortKey,
    connection_type,
    in_editor_order,
    paginate,
)
from cms.api.cursors import fingerprint
from cms.api.errors import UserInputError
from cms.api.hints import prefetched
from cms.api.nodes import register_node
from cms.api.prefetch import selected_paths
from cms.api.streams import bind_in_bulk
from cms.visibility import public_pages
from home.api.types import OrganizationType, TeamType
from home.models import Organization, Team

from ..models import StoryPage

STORY_ORDER = Ordering(
    "newest", (SortKey("date", descending=True), SortKey("id", descending=True))
)


def _bind_story_bodies(stories, info, paths):
    if "body" in paths:
        bind_in_bulk([story.body for story in stories], info.context)


def check_slug(model, slug, argument):
    """Refuse an unknown slug instead of answering with a silent empty list."""
    if not model.objects.filter(slug=slug).exists():
        raise UserInputError(f"Unknown {model._meta.verbose_name} slug “{slug}”.", field=argument)


def live_stories():
    return public_pages(StoryPage.objects.all())


def _story_connection():
    from grapple.registry import registry

    return registry.pages[StoryPage]


OrganizationConnection = connection_type(
    OrganizationType,
    name="Organization",
    description="A page of organizations in editor order.",
)
TeamConnection = connection_type(
    TeamType, name="Team", description="A page of teams in editor order."
)


def _paging_arguments(items):
    """The paging arguments every connection takes, described for ``items``."""
    return {
        "first": graphene.Int(description="Page size from the start or `after` (1-100)."),
        "after": graphene.String(description=f"Return {items} after this cursor."),
        "last": graphene.Int(description="Page size before `before`, or the end (1-100)."),
        "before": graphene.String(description=f"Return {items} before this cursor."),
    }


StoryConnection = connection_type(
    lambda: _story_connection(),
    name="Story",
    description="A page of employee stories, newest first.",
)


class CareersQueries:
    organizations = graphene.Field(
        OrganizationConnection,
        required=True,
        description="Organizations in editor order (Databricks, MosaicML), each with its "
        "teams, paged with cursors. Without `first`/`last`, returns the first 12.",
        **_paging_arguments("organizations"),
    )
    teams = graphene.Field(
        TeamConnection,
        required=True,
        description="Teams in editor order, paged with cursors. Without `first`/`last`, "
        "returns the first 12.",
        organization=graphene.String(description="Only teams of the organization with this slug."),
        **_paging_arguments("teams"),
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

    def resolve_organizations(root, info, first=None, after=None, last=None, before=None):
        paths = selected_paths(info, under=("edges", "node"))
        return paginate(
            prefetched(OrganizationType, in_editor_order(Organization.objects.all()), paths),
            EDITOR_ORDER,
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint("organizations"),
        )

    def resolve_teams(
        root, info, organization=None, first=None, after=None, last=None, before=None
    ):
        paths = selected_paths(info, under=("edges", "node"))
        teams = prefetched(TeamType, in_editor_order(Team.objects.all()), paths)
        if organization is not None:
            teams = teams.filter(organization__slug=organization)
        page = paginate(
            teams,
            EDITOR_ORDER,
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint("teams", organization),
        )
        if not page.edges and organization is not None:
            check_slug(Organization, organization, "organization")
        return page

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
            prefetched(StoryPage, stories, paths),
            STORY_ORDER,
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint(organization, team),
        )
        _bind_story_bodies([edge.node for edge in page.edges], info, paths)
        if not page.edges:
            # An empty page is only an answer if the filters name things that exist.
            if organization is not None:
                check_slug(Organization, organization, "organization")
            if team is not None:
                check_slug(Team, team, "team")
        return page

    def resolve_story(root, info, slug):
        stories = live_stories().filter(slug=slug)
        return prefetched(StoryPage, stories, selected_paths(info)).first()


register_node(StoryPage, after=_bind_story_bodies)
