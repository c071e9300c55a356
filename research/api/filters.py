"""Publication filters and the disjunctive domain facets."""

from django.db.models import Count, Q
from django.utils import timezone

from cms.api.conf import api_setting
from cms.api.errors import UserInputError

from ..models import EARLIEST_PUBLICATION_YEAR, ResearchDomain
from .types import DomainFacetType


def resolve_domains(slugs):
    """The domains named by ``slugs``; an unknown slug is refused, never ignored."""
    if slugs is None:
        return None
    max_values = api_setting("MAX_FILTER_VALUES")
    if len(slugs) > max_values:
        raise UserInputError(f"`domains` accepts at most {max_values} slugs.", field="domains")
    wanted = sorted(set(slugs))
    if not wanted:
        return None
    found = list(ResearchDomain.objects.filter(slug__in=wanted))
    unknown = sorted(set(wanted) - {domain.slug for domain in found})
    if unknown:
        raise UserInputError(
            "Unknown research domain slug(s): "
            + ", ".join(f"“{slug}”" for slug in unknown)
            + ". Query `researchDomains` for the valid slugs.",
            field="domains",
        )
    return found


def check_year(year):
    if year is None:
        return
    latest = timezone.now().year + 1
    if not EARLIEST_PUBLICATION_YEAR <= year <= latest:
        raise UserInputError(
            f"`year` must be between {EARLIEST_PUBLICATION_YEAR} and {latest}; got {year}.",
            field="year",
        )


def domain_facets(queryset, selected):
    """Every domain in editor order, with its count in ``queryset`` (built without ``domains``)."""
    selected_ids = {domain.pk for domain in selected or ()}
    domains = ResearchDomain.objects.annotate(
        result_count=Count("publications", filter=Q(publications__in=queryset.values("pk")))
    ).order_by("sort_order", "id")
    return [
        DomainFacetType(
            slug=domain.slug,
            name=domain.name,
            count=domain.result_count,
            selected=domain.pk in selected_ids,
        )
        for domain in domains
    ]
