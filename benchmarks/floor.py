"""The floors: pages as ONE hand-written SQL statement each, JSON straight from PostgreSQL.

The seed page: same rows and fields as the API's seed query (first 12 A-Z with
authors, linked person, domain, the total and the domain counts), with no ORM and
no GraphQL: nothing can serve this page with less work.

The GraphQL floor: the least any GraphQL server in Python with graphql-core (what
graphene runs on) does for the API's first page: one hand-written statement reads the
page, its authors and the counts kept by the database (``research_publicationlivecount``,
as the API reads them), and graphql-core completes the query over those plain dicts
with its default resolvers. No ORM, no model instance, no cache, no limit or cost
check: what is left is Django's request path, one statement and graphql-core.

The search page: the textbook PostgreSQL full-text query — the GIN-indexed
``search_vector`` (research migration 0002), ``ts_rank``, ``LIMIT 12`` — for the
fields of the API's search query, with no count and no facets.
"""

import base64
import json

from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from graphql import FieldNode, build_schema, execute, parse, validate

from cms.text import normalize_for_search

#: A publication ``p`` of domain ``d`` as the seed query's edge: its fields, its domain,
#: its authors in paper order with the people they link to.
_EDGE_JSON = """json_build_object('node', json_build_object(
            'title', p.title, 'slug', p.slug, 'venue', p.venue, 'year', p.year,
            'domain', json_build_object('slug', d.slug, 'name', d.name),
            'authors', (
                SELECT coalesce(json_agg(json_build_object(
                    'name', a.name,
                    'person', CASE WHEN pe.id IS NULL THEN NULL
                              ELSE json_build_object('name', pe.name, 'slug', pe.slug) END
                ) ORDER BY a.sort_order, a.id), '[]'::json)
                FROM research_publicationauthor a
                LEFT JOIN home_person pe ON pe.id = a.person_id
                WHERE a.publication_id = p.id
            )
        ))"""

SEED_PAGE_SQL = (
    """
WITH counts AS (
    SELECT domain_id, count(*) AS n FROM research_publication
    WHERE live AND (expire_at IS NULL OR expire_at > now())
    GROUP BY domain_id
), page AS (
    SELECT id, title, slug, venue, year, sort_title, domain_id FROM research_publication
    WHERE live AND (expire_at IS NULL OR expire_at > now())
    ORDER BY sort_title, id LIMIT %s
)
SELECT json_build_object(
    'totalCount', (SELECT coalesce(sum(n), 0) FROM counts),
    'domainFacets', (
        SELECT json_agg(json_build_object('slug', d.slug, 'name', d.name,
                                          'count', coalesce(c.n, 0)) ORDER BY d.sort_order, d.id)
        FROM research_researchdomain d LEFT JOIN counts c ON c.domain_id = d.id
    ),
    'edges', (
        SELECT json_agg("""
    + _EDGE_JSON
    + """ ORDER BY p.sort_title, p.id)
        FROM page p JOIN research_researchdomain d ON d.id = p.domain_id
    )
)::text
"""
)


def seed_page_json(first=12):
    with connection.cursor() as cursor:
        cursor.execute(SEED_PAGE_SQL, [first])
        return cursor.fetchone()[0]


def floor_view(request):
    first = int(request.GET.get("first", "12"))
    body = '{"data":{"publications":' + seed_page_json(first) + "}}"
    return HttpResponse(body, content_type="application/json")


SEARCH_PAGE_SQL = """
WITH q AS (SELECT to_tsquery('simple', %s) AS query), page AS (
    SELECT p.id, p.title, p.year, p.domain_id, ts_rank(p.search_vector, q.query) AS rank
    FROM research_publication p, q
    WHERE p.search_vector @@ q.query AND p.live AND (p.expire_at IS NULL OR p.expire_at > now())
      AND p.domain_id = (SELECT id FROM research_researchdomain WHERE slug = %s)
    ORDER BY rank DESC, p.id LIMIT 12
)
SELECT json_build_object('edges', (
    SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'title', p.title, 'year', p.year, 'domain', json_build_object('name', d.name),
        'authors', (
            SELECT coalesce(json_agg(json_build_object('name', a.name)
                                     ORDER BY a.sort_order, a.id), '[]'::json)
            FROM research_publicationauthor a WHERE a.publication_id = p.id
        )
    )) ORDER BY p.rank DESC, p.id), '[]'::json)
    FROM page p JOIN research_researchdomain d ON d.id = p.domain_id
))::text
"""


def search_floor_view(request):
    """Words AND-ed, the last a prefix: the same tsquery the API sends."""
    *whole, last = normalize_for_search(request.GET["search"]).split()
    tsquery = " & ".join([*(f"'{word}'" for word in whole), f"'{last}':*"])
    with connection.cursor() as cursor:
        cursor.execute(SEARCH_PAGE_SQL, [tsquery, request.GET["domain"]])
        body = '{"data":{"publications":' + cursor.fetchone()[0] + "}}"
    return HttpResponse(body, content_type="application/json")


#: The part of the public schema the seed page asks for, with the same names and types.
FLOOR_SCHEMA = build_schema("""
type Query { publications(first: Int, after: String): PublicationConnection! }
type PublicationConnection {
  totalCount: Int! startPosition: Int endPosition: Int pageInfo: PageInfo!
  domainFacets: [DomainFacet!]! edges: [PublicationEdge!]!
}
type PageInfo { hasNextPage: Boolean! endCursor: String }
type DomainFacet { slug: String! name: String! count: Int! }
type PublicationEdge { node: Publication! }
type Publication {
  title: String! slug: String! venue: String! year: Int! domain: ResearchDomain!
  authors: [PublicationAuthor!]!
}
type ResearchDomain { slug: String! name: String! }
type PublicationAuthor { name: String! person: Person }
type Person { name: String! slug: String! }
""")

#: The live rows at %(now)s, as ``Publication.objects.live(now)`` has them.
_LIVE = """live AND (expire_at IS NULL OR expire_at > %(now)s)
    AND (go_live_at IS NULL OR go_live_at <= %(now)s)"""
#: Each domain's live publications: the database's counts of live rows by flag, less
#: those outside their time window at %(now)s (``research.api.live_counts.LiveCounts``).
_COUNTS = """counts AS (
    SELECT d.id, d.slug, d.name, d.sort_order,
        coalesce((SELECT sum(c.live) FROM research_publicationlivecount c
                  WHERE c.domain_id = d.id), 0)
        - (SELECT count(*) FROM research_publication o
           WHERE o.live AND (o.go_live_at > %(now)s OR o.expire_at <= %(now)s)
             AND o.domain_id = d.id) AS n
    FROM research_researchdomain d
), """
_PAGE = (
    """page AS (
    SELECT id, title, slug, venue, year, sort_title, domain_id FROM research_publication
    WHERE """
    + _LIVE
    + """ ORDER BY sort_title, id LIMIT %(fetch)s
), shown AS (SELECT * FROM page ORDER BY sort_title, id LIMIT %(first)s)
SELECT json_build_object(
    'more', (SELECT count(*) FROM page) > %(first)s,
    'last', (SELECT json_build_array(sort_title, id) FROM shown
             ORDER BY sort_title DESC, id DESC LIMIT 1),
    'edges', (
        SELECT coalesce(json_agg("""
    + _EDGE_JSON
    + """ ORDER BY p.sort_title, p.id), '[]'::json)
        FROM shown p JOIN research_researchdomain d ON d.id = p.domain_id
    )"""
)
GRAPHQL_FLOOR_SQL = {
    False: "WITH " + _PAGE + ")::text",
    True: "WITH "
    + _COUNTS
    + _PAGE
    + """,
    'totalCount', (SELECT sum(n) FROM counts),
    'domainFacets', (
        SELECT json_agg(json_build_object('slug', slug, 'name', name, 'count', n)
                        ORDER BY sort_order, id)
        FROM counts
    )
)::text""",
}
_floor_documents = {}


def _floor_document(query):
    """The parsed, validated document, and whether it asks for counts: once per query."""
    known = _floor_documents.get(query)
    if known is None:
        document = parse(query)
        errors = validate(FLOOR_SCHEMA, document)
        if errors:
            raise ValueError(f"Not a query the GraphQL floor answers: {errors[0].message}")
        asked = {
            selection.name.value
            for definition in document.definitions
            for root in definition.selection_set.selections
            for selection in root.selection_set.selections
            if isinstance(selection, FieldNode)
        }
        known = _floor_documents[query] = (document, bool(asked & {"totalCount", "domainFacets"}))
    return known


def graphql_floor_view(request):
    """The API's first page (any ``first``; no ``after``) at the GraphQL floor."""
    variables = json.loads(request.GET.get("variables") or "{}")
    if variables.get("after"):
        raise ValueError("The GraphQL floor answers first pages only.")
    document, counted = _floor_document(request.GET["query"])
    first = variables.get("first") or 12
    with connection.cursor() as cursor:
        cursor.execute(
            GRAPHQL_FLOOR_SQL[counted],
            {"now": timezone.now(), "first": first, "fetch": first + 1},
        )
        read = json.loads(cursor.fetchone()[0])
    edges = read["edges"]
    last = read["last"]
    page = {
        **read,
        "startPosition": 1 if edges else None,
        "endPosition": len(edges) or None,
        "pageInfo": {
            "hasNextPage": read["more"],
            "endCursor": last and base64.b64encode(json.dumps(last).encode()).decode(),
        },
    }
    result = execute(
        FLOOR_SCHEMA, document, root_value={"publications": page}, variable_values=variables
    )
    if result.errors:
        raise result.errors[0]
    body = json.dumps({"data": result.data}, separators=(",", ":"), ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")
