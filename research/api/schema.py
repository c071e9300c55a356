"""Root fields for research content: ``publications``, ``publication``, ``researchDomains``."""

from dataclasses import dataclass

import graphene
from django.db import connection
from django.utils import timezone

from cms.api.connection import (
    EDITOR_ORDER,
    ConnectionSlice,
    connection_type,
    in_editor_order,
    paginate,
)
from cms.api.cursors import fingerprint
from cms.api.hints import prefetched
from cms.api.nodes import register_node
from cms.api.prefetch import selected_paths
from cms.api.preview import register_preview_type
from cms.api.search import matching, parse_search, sort_name_for

from ..models import Publication, ResearchDomain
from .filters import DomainCounts, all_domains, check_year, list_tags, resolve_domains
from .live_counts import LiveCounts, LivePositions
from .search_counts import search_counts
from .sorters import ORDERINGS, PublicationSort, with_title_hits
from .types import (
    DomainFacetType,
    PublicationType,
    ResearchDomainType,
    with_live_publication_counts,
)


@dataclass
class PublicationPage(ConnectionSlice):
    """A page of publications and the domain counts of its search and year."""

    domain_counts: DomainCounts


PublicationConnection = connection_type(
    PublicationType,
    name="Publication",
    description="A page of publications with totals, positions and domain facets.",
    extra_fields={
        "domain_facets": graphene.List(
            graphene.NonNull(DomainFacetType),
            required=True,
            description="Every domain with its count for the current search and year, "
            "ignoring the `domains` filter itself, so a frontend can show how many results "
            "each domain would add. Zero counts are included.",
            resolver=lambda root, info: root.domain_counts.facets(),
        ),
    },
    list_sizes={"domain_facets": 10},
)


ResearchDomainConnection = connection_type(
    ResearchDomainType,
    name="ResearchDomain",
    description="A page of research domains in editor order, each with its publication count.",
)


class PublicationQueries:
    publications = graphene.Field(
        PublicationConnection,
        required=True,
        description="Published publications: search, filter by domain and year, sort and "
        "page with cursors. Without `first`/`last`, returns the first 12.",
        search=graphene.String(
            description="Words to find in title, authors, venue, abstract and domain name. "
            "All words must match; the last may be the start of a word (search as you type). "
            "Case and accents are ignored. Blank means no search."
        ),
        domains=graphene.List(
            graphene.NonNull(graphene.String),
            description="Domain slugs; a publication in any of them matches.",
        ),
        year=graphene.Int(description="Only publications from this year."),
        sort=PublicationSort(
            description="Order of results. Default: TITLE without a search, RELEVANCE with one."
        ),
        first=graphene.Int(description="Page size from the start or `after` (1-100)."),
        after=graphene.String(description="Return results after this cursor."),
        last=graphene.Int(description="Page size before `before`, or the end (1-100)."),
        before=graphene.String(description="Return results before this cursor."),
    )
    publication = graphene.Field(
        PublicationType,
        description="One published publication by slug; null when missing or not live.",
        slug=graphene.String(required=True, description="The publication's slug."),
    )
    research_domains = graphene.Field(
        ResearchDomainConnection,
        required=True,
        description="Research domains in editor order, each with its publication count, "
        "paged with cursors. Without `first`/`last`, returns the first 12.",
        first=graphene.Int(description="Page size from the start or `after` (1-100)."),
        after=graphene.String(description="Return domains after this cursor."),
        last=graphene.Int(description="Page size before `before`, or the end (1-100)."),
        before=graphene.String(description="Return domains before this cursor."),
    )

    def resolve_publications(
        root,
        info,
        search=None,
        domains=None,
        year=None,
        sort=None,
        first=None,
        after=None,
        last=None,
        before=None,
    ):
        terms = parse_search(search)
        sort_name = sort_name_for(sort, terms, default="title")
        check_year(year)
        now = timezone.now()  # counts, positions and rows judged at one moment
        live_counts = None if terms is not None else LiveCounts(year=year, now=now)
        every_domain = all_domains() if live_counts is None else live_counts.domains
        selected_domains = resolve_domains(domains, every_domain)

        results = Publication.objects.live(now)
        if terms is not None:
            results = matching(results, terms)
        if year is not None:
            results = results.filter(year=year)
        if live_counts is None and connection.vendor == "postgresql":
            counts = DomainCounts(
                every_domain,
                selected_domains,
                lambda: search_counts(terms.terms, year=year, now=now),
                searched=True,
            )
            positions = None
        elif live_counts is None:
            counts = DomainCounts.counted(
                results,
                every_domain,
                selected_domains,
                cache_parts=[terms.terms if terms else None, year],
            )
            positions = None
        else:
            counts = DomainCounts(every_domain, selected_domains, live_counts.counts)
            positions = LivePositions(live_counts, selected=selected_domains, year=year)
        if selected_domains:
            results = results.filter(domain__in=selected_domains)
        if sort_name == "relevance":
            results = with_title_hits(results, terms)

        paths = selected_paths(info, under=("edges", "node"))
        page = paginate(
            prefetched(PublicationType, results, paths),
            ORDERINGS[sort_name],
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint(
                sort_name,
                terms.terms if terms else None,
                sorted(d.slug for d in selected_domains or ()),
                year,
            ),
            count_total=counts.total,
            list_tags=list_tags(terms, selected_domains),
            positions=positions,
        )
        return page.carrying(PublicationPage, domain_counts=counts)

    def resolve_publication(root, info, slug):
        queryset = Publication.objects.live().filter(slug=slug)
        return prefetched(PublicationType, queryset, selected_paths(info)).first()

    def resolve_research_domains(root, info, first=None, after=None, last=None, before=None):
        return paginate(
            with_live_publication_counts(in_editor_order(ResearchDomain.objects.all())),
            EDITOR_ORDER,
            first=first,
            last=last,
            after=after,
            before=before,
            fingerprint=fingerprint("research_domains"),
        )


register_preview_type(Publication, PublicationType)
register_node(Publication, PublicationType)
register_node(ResearchDomain, ResearchDomainType)
