"""The people directory's types as Relay nodes: ``node(id:)`` loads people, teams and
organizations with the prefetches their types declare (``home.api.types``)."""

from cms.api.nodes import register_node

from ..models import Organization, Person, Team
from .types import OrganizationType, PersonType, TeamType

register_node(Organization, OrganizationType)
register_node(Team, TeamType)
register_node(Person, PersonType)
