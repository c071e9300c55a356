"""GraphQL types for research domains and publications."""

from functools import partial

import graphene
from django.db.models import Prefetch
from django.utils import timezone
from graphene_django import DjangoObjectType
from grapple.models import GraphQLInt, GraphQLString
from wagtail.documents import get_document_model

from cms.api.absolute_urls import absolute_url
from cms.api.hints import declare, expose_page
from cms.api.nodes import Node, database_id_field
from cms.api.prefetch import ColumnPlan, PrefetchPlan
from cms.api.request_state import once_per_request
from cms.api.tags import note_list_tags, note_lookup
from cms.publishing import scoped_list_tag
from cms.rows import rows_with_related
from cms.visibility import known_public, public_or_none

from ..bibtex.export import bibtex_entry, plain_citation
from ..models import Publication, PublicationAuthor, ResearchDomain, ResearchPage
from .live_counts import live_per_domain


def with_live_publication_counts(domains):
    """Annotate ``publication_count``: live publications only, by the one gate, read from
    the maintained counts (``live_counts``) without scanning publications."""
    return domains.annotate(publication_count=live_per_domain(timezone.now()))


def live_counts_by_domain(info):
    """Live publications per domain id, computed once per request."""
    return once_per_request(info.context, _live_counts_by_domain)


def _live_counts_by_domain():
    rows = with_live_publication_counts(ResearchDomain.objects.all())
    return dict(rows.values_list("id", "publication_count"))


@declare(
    prefetch=PrefetchPlan(
        {"publication_count": lambda qs, paths, lookup: with_live_publication_counts(qs)}
    )
)
class ResearchDomainType(DjangoObjectType):
    """A research area, e.g. “Distributed Systems”; publications are filtered by it."""

    class Meta:
        model = ResearchDomain
        name = "ResearchDomain"
        interfaces = (Node,)
        fields = ("id", "slug", "name", "description")

    database_id = database_id_field()
    slug = graphene.String(required=True, description="URL-safe key; pass it to `domains`.")
    name = graphene.String(required=True, description="Display name.")
    description = graphene.String(required=True, description="Short description; may be empty.")
    publication_count = graphene.Int(
        required=True, description="How many live publications are in this domain."
    )

    def resolve_publication_count(root, info):
        # The count changes with the publications in this domain, and only those.
        note_list_tags([scoped_list_tag(Publication, "domain", root.pk)])
        annotated = getattr(root, "publication_count", None)
        if annotated is not None:
            return annotated
        return live_counts_by_domain(info).get(root.pk, 0)


class PublicationAuthorType(DjangoObjectType):
    """One author of a publication, as printed on the paper."""

    class Meta:
        model = PublicationAuthor
        name = "PublicationAuthor"
        fields = ("name", "person")

    name = graphene.String(required=True, description="The name as printed on the paper.")
    person = graphene.Field(
        "home.api.types.PersonType",
        description="The author's profile, when they work here.",
    )


#: Where the prefetch leaves a publication's authors: a plain list. Into the relation's
#: own cache, modelcluster builds a queryset per publication, and reading it another:
#: about a tenth of a 100-row page with authors.
PREFETCHED_AUTHORS = "prefetched_authors"


def _authors(queryset, paths, lookup):
    with_person = "authors.person" in paths
    if not lookup and hasattr(queryset, "after_fetch"):
        return queryset.after_fetch(partial(_load_authors, with_person=with_person))
    authors = PublicationAuthor.objects.order_by("sort_order", "id")
    if with_person:
        authors = authors.select_related("person")
    return queryset.prefetch_related(
        Prefetch(f"{lookup}authors", queryset=authors, to_attr=PREFETCHED_AUTHORS)
    )


def _load_authors(publications, *, with_person):
    """The authors of a list of publications, as the prefetch above leaves them, in one
    query built without Django's prefetch machinery (``cms.rows``): about a third of a
    100-row page's loading went into building its 460 authors the usual way."""
    if not publications:
        return
    authors = PublicationAuthor.objects.filter(publication__in=publications)
    by_publication = {publication.pk: [] for publication in publications}
    for author in rows_with_related(
        authors.order_by("sort_order", "id"), ("person",) if with_person else ()
    ):
        by_publication[author.publication_id].append(author)
    parent = PublicationAuthor._meta.get_field("publication")
    for publication in publications:
        listed = by_publication[publication.pk]
        for author in listed:
            parent.set_cached_value(author, publication)
        setattr(publication, PREFETCHED_AUTHORS, listed)


def authors_of(publication):
    """The authors in paper order: prefetched, or read (a preview's are in memory)."""
    prefetched = getattr(publication, PREFETCHED_AUTHORS, None)
    return prefetched if prefetched is not None else publication.authors.all()


def _author_names(queryset, paths, lookup):
    """``bibtex`` and ``citation`` read the author names: one prefetch, unless ``authors`` has."""
    if "authors" in paths:
        return queryset
    return _authors(queryset, paths, lookup)


#: What ``bibtex_entry`` and ``plain_citation`` read of a publication, beside its authors.
CITED_COLUMNS = ("title", "venue", "year", "doi", "url", "arxiv_id")


@declare(
    prefetch=PrefetchPlan(
        {
            "domain": lambda qs, paths, lookup: qs.select_related(f"{lookup}domain"),
            "pdf_url": lambda qs, paths, lookup: qs.prefetch_related(
                Prefetch(f"{lookup}pdf", queryset=known_public(get_document_model()))
            ),
            "authors": _authors,
            "bibtex": _author_names,
            "citation": lambda qs, paths, lookup: (
                qs if "bibtex" in paths else _author_names(qs, paths, lookup)
            ),
        }
    ),
    columns=ColumnPlan(
        Publication,
        # Sort keys (``sorters.ORDERINGS``) and the expiry time a cached answer honours.
        always=("sort_title", "year", "expire_at"),
        reads={
            "database_id": (),
            "authors": (),
            "pdf_url": ("pdf",),
            "bibtex": CITED_COLUMNS,
            "citation": CITED_COLUMNS,
        },
    ),
    list_sizes={"authors": 30},
)
class PublicationType(DjangoObjectType):
    """A research paper. Only published (live) publications are ever returned."""

    class Meta:
        model = Publication
        name = "Publication"
        interfaces = (Node,)
        fields = ("id", "slug", "title", "domain", "venue", "year", "abstract", "date_added")

    database_id = database_id_field()
    slug = graphene.String(required=True, description="URL-safe key; pass it to `publication`.")
    title = graphene.String(required=True, description="Full title.")
    authors = graphene.List(
        graphene.NonNull(PublicationAuthorType),
        required=True,
        description="Authors in paper order.",
    )
    domain = graphene.Field(ResearchDomainType, required=True, description="The research domain.")
    venue = graphene.String(required=True, description="Where it was published; may be empty.")
    year = graphene.Int(required=True, description="Year of publication.")
    abstract = graphene.String(required=True, description="Abstract; may be empty.")
    url = graphene.String(description="Link to the paper, if any.")
    pdf_url = graphene.String(description="Absolute URL of the uploaded PDF, if any.")
    date_added = graphene.DateTime(required=True, description="When it was added to the site.")
    doi = graphene.String(description="The DOI, lower-case, without `https://doi.org/`, if any.")
    arxiv_id = graphene.String(description="The arXiv identifier without version, if any.")
    bibtex = graphene.String(
        required=True,
        description="A BibTeX entry (`@misc`, with DOI, URL and arXiv id when known) for a "
        "frontend's “Cite” button; importing it again matches this publication.",
    )
    citation = graphene.String(
        required=True,
        description="A plain-text citation: “A. Author, B. Author. Title. Venue, 2023.” "
        "followed by the DOI link (or the paper link) when there is one.",
    )

    def resolve_authors(root, info):
        return authors_of(root)

    def resolve_doi(root, info):
        return root.doi or None

    def resolve_arxiv_id(root, info):
        return root.arxiv_id or None

    def resolve_bibtex(root, info):
        return bibtex_entry(root, [author.name for author in authors_of(root)])

    def resolve_citation(root, info):
        return plain_citation(root, [author.name for author in authors_of(root)])

    def resolve_url(root, info):
        return root.url or None

    def resolve_pdf_url(root, info):
        """Only a public PDF (``cms.visibility``): an embargoed or private file has no URL.
        The answer names the document either way (no field is resolved on it), so a change
        of its file or its collection's privacy purges the URL, or brings it."""
        if not root.pdf_id:
            return None
        note_lookup(get_document_model(), root.pdf_id)
        pdf = public_or_none(root.pdf)
        return absolute_url(pdf.url, info.context) if pdf is not None else None


class DomainFacetType(graphene.ObjectType):
    """A domain with the number of results it would have under the current search and year."""

    class Meta:
        name = "DomainFacet"

    slug = graphene.String(required=True, description="The domain's slug.")
    name = graphene.String(required=True, description="The domain's name.")
    count = graphene.Int(
        required=True,
        description="Results in this domain for the current search and year, whatever "
        "`domains` is (disjunctive facet). Zero counts are included.",
    )
    selected = graphene.Boolean(
        required=True, description="True when the domain is in the `domains` filter."
    )


expose_page(
    ResearchPage,
    fields=[
        GraphQLString("intro", required=True, description="The sentence under the page title."),
        GraphQLInt("page_size", required=True, description="Publications per page (1-100)."),
        GraphQLString(
            "default_sort",
            required=True,
            description="Initial sort: title, title_desc, newest or oldest (see PublicationSort).",
        ),
    ],
)
