"""GraphQL types of the shared people directory: organizations, teams and people.

Research names ``PersonType`` for a publication's authors and careers for a story's
subject; the type names (``Organization``, ``Team``, ``Person``) are the public API's.
"""

import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType
from grapple.models import GraphQLPage, GraphQLString

from cms.api.connection import EDITOR_ORDER, in_editor_order
from cms.api.hints import declare, expose_page
from cms.api.nodes import Node, database_id_field
from cms.api.prefetch import PrefetchPlan

from ..models import HomePage, Organization, Person, Team


def team_prefetch(queryset, paths, lookup):
    """A person's (or a story's) ``team``, its organization, and its members if asked."""
    queryset = queryset.select_related(f"{lookup}team__organization")
    if "team.members" in paths:
        queryset = queryset.prefetch_related(f"{lookup}team__members")
    return queryset


def _organization_teams(queryset, paths, lookup):
    teams = in_editor_order(Team.objects.all()).order_by(*EDITOR_ORDER.order_by())
    if "teams.members" in paths:
        teams = teams.prefetch_related("members")
    return queryset.prefetch_related(Prefetch(f"{lookup}teams", queryset=teams))


@declare(
    prefetch=PrefetchPlan({"teams": _organization_teams}),
    # Complete lists, part of one object (no paging): editors keep them short.
    list_sizes={"teams": 10},
)
class OrganizationType(DjangoObjectType):
    """A company whose teams are presented: Databricks, MosaicML."""

    class Meta:
        model = Organization
        name = "Organization"
        interfaces = (Node,)
        fields = ("id", "slug", "name", "heading")

    database_id = database_id_field()
    slug = graphene.String(required=True, description="URL-safe key, used by the `teams` filter.")
    name = graphene.String(required=True, description="Display name, e.g. “Databricks”.")
    heading = graphene.String(
        required=True, description="Heading above its teams, e.g. “Explore Databricks teams”."
    )
    teams = graphene.List(
        graphene.NonNull(lambda: TeamType),
        required=True,
        description="All its teams, in editor order. Not paged: part of the organization "
        "(a handful per organization), complete, never cut short.",
    )

    def resolve_teams(root, info):
        return root.teams.all()


@declare(
    prefetch=PrefetchPlan(
        {
            "organization": lambda qs, paths, lookup: qs.select_related(f"{lookup}organization"),
            "members": lambda qs, paths, lookup: qs.prefetch_related(f"{lookup}members"),
        }
    ),
    list_sizes={"members": 20},
)
class TeamType(DjangoObjectType):
    """An engineering or research team."""

    class Meta:
        model = Team
        name = "Team"
        interfaces = (Node,)
        fields = ("id", "slug", "name", "description", "organization")

    database_id = database_id_field()
    slug = graphene.String(
        required=True, description="URL-safe key, used by the `stories` filter."
    )
    name = graphene.String(required=True, description="Display name, e.g. “Photon Team”.")
    description = graphene.String(required=True, description="What the team builds.")
    organization = graphene.Field(
        OrganizationType, required=True, description="The organization the team belongs to."
    )
    members = graphene.List(
        graphene.NonNull(lambda: PersonType),
        required=True,
        description="All people with a profile in this team, by name. Not paged: part of "
        "the team (tens of people at most), complete, never cut short.",
    )

    def resolve_members(root, info):
        return root.members.all()


@declare(prefetch=PrefetchPlan({"team": team_prefetch}))
class PersonType(DjangoObjectType):
    """Someone who works here: an author with a profile, or the subject of a story."""

    class Meta:
        model = Person
        name = "Person"
        interfaces = (Node,)
        fields = ("id", "slug", "name", "role", "bio", "team")

    database_id = database_id_field()
    slug = graphene.String(required=True, description="URL-safe key.")
    name = graphene.String(required=True, description="Full name.")
    role = graphene.String(required=True, description="Job title; empty if not set.")
    bio = graphene.String(required=True, description="Short biography; empty if not set.")
    team = graphene.Field(TeamType, description="Their team, if set.")


expose_page(
    HomePage,
    fields=[
        GraphQLString("tagline", required=True, description="Short line under the title."),
        GraphQLString("intro_heading", required=True, description="Heading of the intro."),
        GraphQLString("intro", required=True, description="The intro paragraph."),
        GraphQLString("cta_label", required=True, description="Call-to-action button text."),
        GraphQLPage(
            "cta_page",
            source="public_cta_page",
            description="The page the call to action opens; null unless it is published.",
        ),
    ],
)
