"""Publication filters and the disjunctive domain facets."""

from django.core.exceptions import ValidationError
from django.db.models import Count

from cms.api.cache import cached_for_content
from cms.api.conf import api_setting
from cms.api.errors import UserInputError
from cms.api.tags import note_list_tags, note_lookup
from cms.publishing import model_tag, scoped_list_tag

from ..models import (
    EARLIEST_PUBLICATION_YEAR,
    Publication,
    PublicationAuthor,
    ResearchDomain,
    latest_publication_year,
    validate_publication_year,
)
from .types import DomainFacetType


def all_domains():
    """Every domain in editor order: one small query that validation and facets share."""
    return list(ResearchDomain.objects.order_by("sort_order", "id"))


def resolve_domains(slugs, domains):
    """The domains named by ``slugs``; an unknown slug is refused, never ignored."""
    if slugs is None:
        return None
    max_values = api_setting("MAX_FILTER_VALUES")
    if len(slugs) > max_values:
        raise UserInputError(f"`domains` accepts at most {max_values} slugs.", field="domains")
    wanted = set(slugs)
    if not wanted:
        return None
    found = [domain for domain in domains if domain.slug in wanted]
    unknown = sorted(wanted - {domain.slug for domain in found})
    if unknown:
        raise UserInputError(
            "Unknown research domain slug(s): "
            + ", ".join(f"“{slug}”" for slug in unknown)
            + ". Query `researchDomains` for the valid slugs.",
            field="domains",
        )
    for domain in found:  # a new slug would make this filter refused
        note_lookup(ResearchDomain, domain.pk)
    return found


def check_year(year):
    if year is None:
        return
    try:
        validate_publication_year(year)
    except ValidationError:
        raise UserInputError(
            f"`year` must be between {EARLIEST_PUBLICATION_YEAR} and "
            f"{latest_publication_year()}; got {year}.",
            field="year",
        ) from None


#: Related models whose names a publication search matches (the search index holds them:
#: ``research.signal_handlers``), so renaming one changes what a search finds.
SEARCHED_THROUGH = (ResearchDomain, PublicationAuthor._meta.get_field("person").related_model)


def list_tags(terms, selected_domains):
    """The lists a page of ``publications`` depends on: the publications of the selected
    domains (``publication:domain:3``; all publications without a filter), and with a
    search the domains and people, whose names it also matches."""
    if selected_domains:
        tags = [scoped_list_tag(Publication, "domain", domain.pk) for domain in selected_domains]
    else:
        tags = [model_tag(Publication)]
    if terms is not None:  # renaming one changes what a search finds
        tags += [model_tag(model) for model in SEARCHED_THROUGH]
    return tags


class DomainCounts:
    """Results per domain under the search and year, computed once, for totals and facets.

    Every publication has exactly one domain, so the facets also give the total (the
    sum over the selected domains, or over all; a publication is never in two, so a
    filter on several domains counts none twice): no separate COUNT(*). Without a
    search they are the maintained counts (``live_counts.LiveCounts``, no scan);
    with one, ``counted`` (below) counts the matches.
    """

    def __init__(self, domains, selected, count):
        self.domains = domains
        self.selected = selected
        self._count = count
        self._counts = None

    @classmethod
    def counted(cls, queryset, domains, selected, *, cache_parts):
        """One grouped query over ``queryset`` (a search's matches), shared by every page
        of the same search and year until content changes, so paging on through
        100,000 results does not recount them."""

        def count():
            rows = queryset.order_by().values_list("domain_id").annotate(n=Count("pk"))
            return {domain_id: n for domain_id, n in rows}

        return cls(
            domains,
            selected,
            lambda: cached_for_content(
                "publication-counts",
                cache_parts,
                count,
                # A search also matches domain and linked authors' names.
                tags=[model_tag(model) for model in (queryset.model, *SEARCHED_THROUGH)],
            ),
        )

    @property
    def counts(self):
        """Counts per domain id."""
        if self._counts is None:
            self._counts = self._count()
        return self._counts

    def total(self):
        counted = self.selected or self.domains
        return sum(self.counts.get(domain.pk, 0) for domain in counted)

    def facets(self):
        # Every domain's name and count: any domain's or publication's change shows here.
        note_list_tags([model_tag(ResearchDomain), model_tag(Publication)])
        selected_ids = {domain.pk for domain in self.selected or ()}
        return [
            DomainFacetType(
                slug=domain.slug,
                name=domain.name,
                count=self.counts.get(domain.pk, 0),
                selected=domain.pk in selected_ids,
            )
            for domain in self.domains
        ]
