"""A search's results per domain, kept up to date from the live-change log instead of
recounted after every change (PostgreSQL).

Counting a search's matches per domain is one scan of every match: 51.9 ms for the
46,872 matches of one word at 100,000 publications, on every request after any publish
(the cached counts were dropped with the content's cache tags). Here the counts of the
matches live by flag are remembered in the cache with the log's ``seq`` they are exact
at (``PublicationLiveState``: a reader that has seen ``seq`` has seen every change up
to it). A later reader brings them up to date from the changes logged since, in one
statement: each changed publication's first change since says whether it was live at
that ``seq`` and, if it was (it left), with which domain, year and search vector
(migration 0005 keeps the vector of leaving rows); its row says whether it matches now.
The few rows live by flag but outside their time window are subtracted at the reader's
moment, as ``live_counts`` does. So the counts are exact after a publish, unpublish,
delete, reindex (a rename of a domain or a person), move, go-live or expiry, with no
scheduler run and no cache tag involved; the content generation a cold start bumps
does not touch them.

Counted afresh (the scan, in the same statement as ``seq``) when nothing is remembered,
when more than ``MAX_CHANGES`` changes were logged since (a bulk reindex), or when the
remembered ``seq`` is not in the log now (it was emptied and began again). SQLite has
no stored vector and counts every time (``filters.DomainCounts.counted``).
"""

import hashlib
import json

from django.db import connection

from cms.api.conf import api_setting
from cms.api.search import autocomplete_tsquery
from cms.cache_guard import shared_cache

#: Past this many changes logged since the remembered ``seq``, the matches are counted.
MAX_CHANGES = 5000

_YEAR = "AND {table}.year = %(year)s"

_AFRESH = """
SELECT NULL::int AS domain_id, state.seq AS counted, state.floor AS outside
FROM research_publicationlivestate state WHERE state.id = 1
UNION ALL
SELECT p.domain_id, count(*),
       count(*) FILTER (WHERE p.go_live_at > %(now)s OR p.expire_at <= %(now)s)
FROM research_publication p
WHERE p.live AND p.search_vector @@ to_tsquery('simple'::regconfig, %(tsquery)s) {year_p}
GROUP BY p.domain_id
"""

_SINCE = """
WITH state AS (SELECT seq, floor FROM research_publicationlivestate WHERE id = 1),
since AS MATERIALIZED (
    SELECT c.publication_id, c.seq, c.delta, c.domain_id, c.year, c.search_vector
    FROM research_publicationlivechange c JOIN state ON c.seq <= state.seq
    WHERE c.seq > %(seq)s
    LIMIT %(limit)s
),
was AS (
    -- Each publication's first change since: leaving (-1) means it was live then.
    SELECT DISTINCT ON (publication_id) publication_id, delta, domain_id, year, search_vector
    FROM since ORDER BY publication_id, seq, delta
)
SELECT 'state' AS part, NULL::int AS domain_id, seq AS n, floor AS floor FROM state
UNION ALL
SELECT 'changes', NULL, count(*), NULL FROM since
UNION ALL
SELECT 'matched then', was.domain_id, count(*), NULL FROM was
WHERE was.delta = -1 AND was.search_vector @@ to_tsquery('simple'::regconfig, %(tsquery)s)
      {year_was}
GROUP BY was.domain_id
UNION ALL
SELECT 'matches now', p.domain_id, count(*), NULL FROM research_publication p
WHERE p.id IN (SELECT publication_id FROM was) AND p.live
      AND p.search_vector @@ to_tsquery('simple'::regconfig, %(tsquery)s) {year_p}
GROUP BY p.domain_id
UNION ALL
SELECT 'outside window', p.domain_id, count(*), NULL FROM research_publication p
WHERE p.live AND (p.go_live_at > %(now)s OR p.expire_at <= %(now)s)
      AND p.search_vector @@ to_tsquery('simple'::regconfig, %(tsquery)s) {year_p}
GROUP BY p.domain_id
"""


def _statement(template, year):
    with_year = year is not None
    return template.format(
        year_p=_YEAR.format(table="p") if with_year else "",
        year_was=_YEAR.format(table="was") if with_year else "",
    )


def search_counts(terms, *, year, now):
    """``{domain id: live publications matching terms}`` (of ``year``) at ``now``."""
    material = json.dumps([list(terms), year])
    key = "cms:api:search-counts:" + hashlib.sha256(material.encode()).hexdigest()
    params = {"tsquery": autocomplete_tsquery(terms), "year": year, "now": now}
    remembered = shared_cache.get(key)
    brought = None if remembered is None else _since(remembered, params)
    if brought is None:
        brought = _afresh(params)
    seq, by_flag, outside = brought
    if seq is not None and (remembered is None or remembered["seq"] != seq):
        stored = {"seq": seq, "by_flag": sorted(by_flag.items())}
        shared_cache.set(key, stored, timeout=api_setting("COUNT_CACHE_SECONDS"))
    return {domain: n - outside.get(domain, 0) for domain, n in by_flag.items()}


def _afresh(params):
    """Count the matches live by flag, and those outside their window, at one ``seq``."""
    with connection.cursor() as cursor:
        cursor.execute(_statement(_AFRESH, params["year"]), params)
        rows = cursor.fetchall()
    seq = next((counted for domain, counted, _ in rows if domain is None), None)
    by_flag = {domain: counted for domain, counted, _ in rows if domain is not None}
    outside = {domain: n for domain, _, n in rows if domain is not None and n}
    return seq, by_flag, outside


def _since(remembered, params):
    """The remembered counts brought up to date, or ``None`` if they cannot be."""
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(_SINCE, params["year"]),
            {**params, "seq": remembered["seq"], "limit": MAX_CHANGES + 1},
        )
        rows = cursor.fetchall()
    parts = {}
    for part, domain, n, floor in rows:
        parts.setdefault(part, {})[domain] = (n, floor)
    if "state" not in parts:
        return None  # the log was never started
    seq, floor = parts["state"][None]
    changes = parts["changes"][None][0]
    if not floor <= remembered["seq"] <= seq or changes > MAX_CHANGES:
        return None
    by_flag = dict(remembered["by_flag"])
    for domain, (n, _) in parts.get("matched then", {}).items():
        by_flag[domain] = by_flag.get(domain, 0) - n
    for domain, (n, _) in parts.get("matches now", {}).items():
        by_flag[domain] = by_flag.get(domain, 0) + n
    outside = {domain: n for domain, (n, _) in parts.get("outside window", {}).items()}
    return seq, by_flag, outside
