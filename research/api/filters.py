"""Publication filters and the disjunctive domain facets."""

from django.core.exceptions import ValidationError
from django.db.models import Count

from cms.api.cache import cached_for_content
from cms.api.conf import api_setting
from cms.api.errors import UserInputError
from cms.api.tags import note_list_tags, note_lookup
from cms.publishing import browse_list_tag, model_tag, scoped_list_tag

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
    """The lists a page of ``publications`` depends on. With a search: every publication
    (any searched field may make one match), and the domains and people, whose names it
    also matches. Without: the publications of the selected domains in browse order
    (``publication:domain:3``), or all of them (``publication:browse``), which an edit
    of a field browse lists ignore leaves (``research.apps``)."""
    if terms is not None:  # renaming a domain or person changes what a search finds
        return [model_tag(Publication), *(model_tag(model) for model in SEARCHED_THROUGH)]
    if selected_domains:
        return [scoped_list_tag(Publication, "domain", domain.pk) for domain in selected_domains]
    return [browse_list_tag(Publication)]


class DomainCounts:
    """Results per domain under the search and year, computed once, for totals and facets.

    Every publication has exactly one domain, so the facets also give the total (the
    sum over the selected domains, or over all; a publication is never in two, so a
    filter on several domains counts none twice): no separate COUNT(*). Without a
    search they are the maintained counts (``live_counts.LiveCounts``, no scan);
    with one, the counts kept up to date from the change log (``search_counts``,
    PostgreSQL), or ``counted`` (below) counts the matches (SQLite).
    """

    def __init__(self, domains, selected, count, *, searched=False):
        self.domains = domains
        self.selected = selected
        self._count = count
        self._counts = None
        # What the counts depend on besides the domains' names: every publication a
        # search may match, or the publications in browse order.
        self.list_tag = model_tag(Publication) if searched else browse_list_tag(Publication)

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
            searched=True,
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
        # Every domain's name and count: any domain's change shows here, and any change
        # of a publication the counts count.
        note_list_tags([model_tag(ResearchDomain), self.list_tag])
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
