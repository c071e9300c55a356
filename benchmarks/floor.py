"""The floors: pages as ONE hand-written SQL statement each, JSON straight from PostgreSQL.

The seed page: same rows and fields as the API's seed query (first 12 A-Z with
authors, linked person, domain, the total and the domain counts), with no ORM and
no GraphQL: nothing can serve this page with less work.

The search page: the textbook PostgreSQL full-text query — the GIN-indexed
``search_vector`` (research migration 0002), ``ts_rank``, ``LIMIT 12`` — for the
fields of the API's search query, with no count and no facets.
"""

from django.db import connection
from django.http import HttpResponse

from cms.text import normalize_for_search

SEED_PAGE_SQL = """
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
        SELECT json_agg(json_build_object('node', json_build_object(
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
        )) ORDER BY p.sort_title, p.id)
        FROM page p JOIN research_researchdomain d ON d.id = p.domain_id
    )
)::text
"""


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
