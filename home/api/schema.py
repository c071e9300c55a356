"""Bulk loading of the people directory's list fields, and its types as Relay nodes.

Careers' root fields (``organizations``, ``teams``) and its stories reuse these
plans; ``node(id:)`` loads people, teams and organizations through them.
"""

from django.db.models import Prefetch

from cms.api.connection import EDITOR_ORDER, in_editor_order
from cms.api.nodes import register_node
from cms.api.prefetch import PrefetchPlan

from ..models import Organization, Person, Team
from .types import OrganizationType, PersonType, TeamType


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


def _team_members(queryset, paths, lookup):
    return queryset.prefetch_related(f"{lookup}members")


#: What each selected field of an Organization, a Team or a Person needs, in bulk.
ORGANIZATION_PREFETCH = PrefetchPlan({"teams": _organization_teams})
TEAM_PREFETCH = PrefetchPlan(
    {
        "organization": lambda qs, paths, lookup: qs.select_related(f"{lookup}organization"),
        "members": _team_members,
    }
)
PERSON_PREFETCH = PrefetchPlan({"team": team_prefetch})


register_node(Organization, OrganizationType, prefetch=ORGANIZATION_PREFETCH.apply)
register_node(Team, TeamType, prefetch=TEAM_PREFETCH.apply)
register_node(Person, PersonType, prefetch=PERSON_PREFETCH.apply)
