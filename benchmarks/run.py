"""Benchmarks: this API against stock grapple and a hand-written SQL floor, in one run.

``python -m benchmarks.run`` (``make bench`` prepares the data first). For each
case: SQL queries per request, median and p95 latency (and p95 as a multiple of
the median) over many in-process requests (Django's full request path, no
network), then the pairs each target compares measured again in turns (one request
of each at a time: this machine drifts from one minute to the next, and a ratio of two
cases measured minutes apart measures the drift too), then requests per second under
50 concurrent clients from ``wrk`` against gunicorn on 127.0.0.1. Prints a table and
writes it, with the JSON, to ``benchmarks/results/<date>-postgresql[-1m].{json,txt}``
(``-1m``: a million publications).
"""

import importlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks import report  # noqa: E402
from cms.api.cache import bump_content_generation, content_version  # noqa: E402
from cms.api.cursors import encode_cursor, fingerprint  # noqa: E402
from cms.publishing import model_tag  # noqa: E402
from research.models import Publication, PublicationLiveState  # noqa: E402

ROOT = Path(__file__).resolve().parent
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "200"))
LOAD_SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
SHORT_LOAD_SECONDS = int(os.environ.get("BENCH_SHORT_LOAD_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
#: ``make bench``'s collection (``BENCH_PUBLICATIONS``' default).
STANDARD_SIZE = 100_000

SEED_QUERY = """query Seed($first: Int, $after: String) {
  publications(first: $first, after: $after) {
    totalCount startPosition endPosition
    pageInfo { hasNextPage endCursor }
    domainFacets { slug name count }
    edges { node {
      title slug venue year domain { slug name } authors { name person { name slug } }
    } }
  }
}"""
#: The seed query in one domain: the list a domain filter shows, with the same fields.
DOMAIN_QUERY = SEED_QUERY.replace(
    "query Seed($first: Int, $after: String) {\n  publications(first: $first, after: $after)",
    "query Domain($first: Int, $domains: [String!]) {\n"
    "  publications(first: $first, domains: $domains)",
)
assert DOMAIN_QUERY != SEED_QUERY
#: The domain the domain-filtered and search cases ask for.
BENCH_DOMAIN = "distributed-systems"
SEARCH_QUERY = """query Search($search: String, $domains: [String!]) {
  publications(search: $search, domains: $domains, first: 12) {
    totalCount domainFacets { slug count }
    edges { node { title year domain { name } authors { name } } }
  }
}"""
#: Stock grapple has no domain filter: its nearest equivalent searches the domain's name
#: too (Wagtail's index holds it), ranked by Wagtail's PostgreSQL backend.
STOCK_SEARCH_QUERY = """query StockSearch($searchQuery: String) {
  stockPublications(page: 1, perPage: 12, searchQuery: $searchQuery) {
    items { title year domain { name } authors { name } }
    pagination { total count }
  }
}"""
STOCK_QUERY = """query Stock($perPage: PositiveInt) {
  stockPublications(page: 1, perPage: $perPage, order: "sort_title,id") {
    items { title slug venue year domain { slug name } authors { name person { name slug } } }
    pagination { total count }
  }
}"""


def graphql_get_params(query, variables):
    return {"query": query, "variables": json.dumps(variables)}


class Case:
    """One request to measure. ``mode``:

    * ``cold``: content changed before every request (a publish just happened):
      nothing cached, every count recomputed;
    * ``warm``: the response cache is off, so the request really executes, but
      what survives between requests (result counts, cursor positions) is kept;
    * ``cached``: served from the Redis response cache.
    """

    def __init__(self, name, path, params, mode="warm", port=PORT):
        self.name, self.path, self._params, self.mode = name, path, params, mode
        self.port = port

    @property
    def params(self):
        return self._params() if callable(self._params) else self._params

    def url(self):
        return f"http://127.0.0.1:{self.port}{self.path}?" + urllib.parse.urlencode(self.params)


def measure(client, case, iterations):
    """Query count of one request, then median/p95 latency over ``iterations`` requests."""
    no_response_cache = override_settings(
        CMS_API={**settings.CMS_API, "RESPONSE_CACHE_SECONDS": 0}
    )
    if case.mode != "cached":
        no_response_cache.enable()
    try:
        params = case.params
        if case.mode == "cold":
            bump_content_generation()
        client.get(case.path, params, HTTP_ACCEPT="application/json")  # warm the process
        if case.mode == "cold":
            bump_content_generation()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(case.path, params, HTTP_ACCEPT="application/json")
        # Read now: every later request resets Django's query log.
        query_count = len(queries.captured_queries)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        assert "errors" not in body, body["errors"]
        timings = []
        for _ in range(iterations):
            if case.mode == "cold":
                bump_content_generation()
            started = time.perf_counter()
            client.get(case.path, params, HTTP_ACCEPT="application/json")
            timings.append((time.perf_counter() - started) * 1000)
    finally:
        if case.mode != "cached":
            no_response_cache.disable()
    return {
        "mode": case.mode,
        "queries": query_count,
        **latency(timings),
        "bytes": len(response.content),
    }


def measure_in_turns(client, cases, rounds):
    """Median/p95 latency of each of ``cases`` (a mapping of key to ``Case``, warm or
    cold, none cached), their requests taking turns, one of each at a time, who goes
    first alternating; ``rounds[key]`` requests of each (a case with fewer sits out the
    last rounds). Measured one after the other, two cases compare this machine's
    minute-to-minute drift as much as the requests (medians move by up to half); in
    turns, both see the same minutes. A warm case never follows a cold one of the same
    query in one group: the cold one's publish would leave it nothing warm."""
    with override_settings(CMS_API={**settings.CMS_API, "RESPONSE_CACHE_SECONDS": 0}):
        requests = [(key, case, case.params) for key, case in cases.items()]
        for _, case, params in requests:  # warm the process
            response = client.get(case.path, params, HTTP_ACCEPT="application/json")
            assert response.status_code == 200, response.content[:500]
        timings = {key: [] for key in cases}
        for index in range(max(rounds[key] for key in cases)):
            for key, case, params in requests if index % 2 == 0 else reversed(requests):
                if index >= rounds[key]:
                    continue
                if case.mode == "cold":
                    bump_content_generation()
                started = time.perf_counter()
                client.get(case.path, params, HTTP_ACCEPT="application/json")
                timings[key].append((time.perf_counter() - started) * 1000)
    return {key: latency(timings[key]) for key in cases}


#: ``benchmarks.floor.graphql_floor_view``: the least a graphql-core server does for a page.
GRAPHQL_FLOOR_PATH = "/bench/graphql-floor/"


def check_graphql_floor(client, params):
    """The GraphQL floor answers what the API answers (but for its cursor's spelling):
    otherwise it would measure less work."""
    answers = []
    for path in ("/graphql/", GRAPHQL_FLOOR_PATH):
        response = client.get(path, params, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content[:500]
        answers.append(response.json()["data"]["publications"])
    api, floor = answers
    assert api.keys() == floor.keys(), (api.keys(), floor.keys())
    for key in api:
        if key == "pageInfo":
            assert api[key]["hasNextPage"] == floor[key]["hasNextPage"]
        else:
            assert api[key] == floor[key], (key, str(api[key])[:300], str(floor[key])[:300])


#: The cases each target compares, measured in turns group by group (``measure_in_turns``).
TURN_GROUPS = (
    (
        "seed page, warm",
        ("api_seed_12", "api_deep_page", "stock_seed_12", "floor_seed_12", "graphql_floor_12"),
    ),
    (
        "seed page, cold",
        (
            "api_seed_12_cold",
            "api_deep_page_cold",
            "stock_seed_12",
            "floor_seed_12",
            "graphql_floor_12",
        ),
    ),
    ("100 per page, cold", ("api_seed_100_cold", "stock_seed_100", "graphql_floor_100")),
    (
        "search + domain, cold",
        ("api_search_domain_cold", "stock_search_domain", "floor_search_domain"),
    ),
)


def latency(timings):
    """Median and p95 (the 95th of 100 in order) of request times in milliseconds."""
    timings = sorted(timings)
    return {
        "median_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
    }


def deep_cursor(position):
    """The `after` cursor a client holds after walking to ``position`` (1-based), A-Z.

    Like every cursor the API issues, it remembers its row's index under the current
    content version (see ``cms.api.connection._known_position``) and its tally: the
    rows live by flag up to it at the change log's current seq
    (``research.api.live_counts.LivePositions``).
    """
    title, pk = (
        Publication.objects.live()
        .order_by("sort_title", "id")
        .values_list("sort_title", "id")[position - 1]
    )
    outside = (
        Publication.objects.live_by_flag_only(timezone.now())
        .filter(Q(sort_title__lt=title) | Q(sort_title=title, id__lte=pk))
        .count()
    )
    return encode_cursor(
        sort="title",
        fingerprint=fingerprint("title", None, [], None),
        values=[title, pk],
        index=position - 1,
        version=content_version([model_tag(Publication)]),
        tally=[PublicationLiveState.objects.get(pk=1).seq, position + outside],
    )


def start_gunicorn(cache_seconds):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "BENCH_RESPONSE_CACHE_SECONDS": str(cache_seconds),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--worker-class",
            "sync",
            "--preload",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def load(case, seconds):
    """Requests/s and errors from wrk: 50 connections, bounded in time, loopback only."""
    for _ in range(10):  # every worker has served the query once before the clock starts
        urllib.request.urlopen(case.url(), timeout=30).read()
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            "Accept: application/json",
            case.url(),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return {"seconds": seconds, "requests": total, "rps": round(rps, 1), "errors": errors}


def size_label(live):
    """The results' file name suffix for the collection's size: none at the standard
    100,000 publications, ``-1m`` at a million (so one day's runs at both sizes keep
    both files)."""
    if STANDARD_SIZE / 2 <= live < STANDARD_SIZE * 2:
        return ""
    if live >= 1_000_000:
        return f"-{round(live / 1_000_000)}m"
    return f"-{max(round(live / 1000), 1)}k"


def main():
    # The in-process cases are served as a server process serves them: the application
    # loaded by ``cms.wsgi``, which also tunes the garbage collector (``cms.gc_tuning``).
    importlib.import_module("cms.wsgi")
    client = Client()
    lines = []  # what is printed, also written beside the JSON

    def say(text):
        print(text)
        lines.append(text)

    live = Publication.objects.live().count()
    depth = min(80_000, max(live - 20, 1))
    seed_12 = graphql_get_params(SEED_QUERY, {"first": 12})
    seed_100 = graphql_get_params(SEED_QUERY, {"first": 100})
    domain_12 = graphql_get_params(DOMAIN_QUERY, {"first": 12, "domains": [BENCH_DOMAIN]})
    domain_100 = graphql_get_params(DOMAIN_QUERY, {"first": 100, "domains": [BENCH_DOMAIN]})
    search_words, search_domain = "stream", BENCH_DOMAIN
    search = graphql_get_params(SEARCH_QUERY, {"search": search_words, "domains": [search_domain]})
    stock_search = graphql_get_params(
        STOCK_SEARCH_QUERY, {"searchQuery": f"{search_words} distributed systems"}
    )

    def deep():
        return graphql_get_params(SEED_QUERY, {"first": 12, "after": deep_cursor(depth)})

    cases = {
        "api_seed_12": Case("this API, seed page (12)", "/graphql/", seed_12),
        "api_seed_12_cold": Case("this API, seed page (12), cold", "/graphql/", seed_12, "cold"),
        # Compared with page 1 in turns too (TURN_GROUPS).
        "api_deep_page": Case(f"this API, page at {depth:,}", "/graphql/", deep),
        "api_deep_page_cold": Case(
            f"this API, page at {depth:,}, cold", "/graphql/", deep, "cold"
        ),
        "api_seed_100": Case("this API, 100 per page", "/graphql/", seed_100),
        "api_seed_100_cold": Case("this API, 100 per page, cold", "/graphql/", seed_100, "cold"),
        "api_domain_12": Case("this API, one domain (12)", "/graphql/", domain_12),
        "api_domain_12_cold": Case(
            "this API, one domain (12), cold", "/graphql/", domain_12, "cold"
        ),
        "api_domain_100_cold": Case(
            "this API, one domain, 100 per page, cold", "/graphql/", domain_100, "cold"
        ),
        "stock_seed_12": Case(
            "stock grapple, seed page (12)",
            "/graphql/",
            graphql_get_params(STOCK_QUERY, {"perPage": 12}),
        ),
        "stock_seed_100": Case(
            "stock grapple, 100 per page",
            "/graphql/",
            graphql_get_params(STOCK_QUERY, {"perPage": 100}),
        ),
        "floor_seed_12": Case("hand-written SQL floor (12)", "/bench/floor/", {"first": "12"}),
        "graphql_floor_12": Case("GraphQL floor (12)", GRAPHQL_FLOOR_PATH, seed_12),
        "graphql_floor_100": Case("GraphQL floor (100)", GRAPHQL_FLOOR_PATH, seed_100),
        "api_search_domain": Case("this API, search + domain", "/graphql/", search),
        "api_search_domain_cold": Case(
            "this API, search + domain, cold", "/graphql/", search, "cold"
        ),
        "stock_search_domain": Case(
            "stock grapple, searchQuery (words + domain)", "/graphql/", stock_search
        ),
        "floor_search_domain": Case(
            "hand-written full-text floor (12)",
            "/bench/search-floor/",
            {"search": search_words, "domain": search_domain},
        ),
        "api_seed_12_cached": Case("this API, seed page, cached", "/graphql/", seed_12, "cached"),
    }
    iterations = {
        "stock_seed_100": max(ITERATIONS // 4, 20),
        "stock_seed_12": max(ITERATIONS // 2, 20),
        "stock_search_domain": max(ITERATIONS // 4, 20),
    }
    results = {
        "date": timezone.now().date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "database": connection.vendor,
        "live_publications": live,
        "iterations": ITERATIONS,
        "cases": {},
    }
    say(f"{live:,} live publications on {connection.vendor}; {ITERATIONS} requests per case\n")
    for params in (seed_12, seed_100):
        check_graphql_floor(client, params)
    for key, case in cases.items():
        results["cases"][key] = {
            "name": case.name,
            **measure(client, case, iterations.get(key, ITERATIONS)),
        }
        row = results["cases"][key]
        say(
            f"  {case.name:<42} {row['queries']:>3} queries  "
            f"median {row['median_ms']:>8.2f} ms  p95 {row['p95_ms']:>8.2f} ms "
            f"({row['p95_ms'] / row['median_ms']:.2f}× median)"
        )
    say("\n  The targets' pairs, in turns (one request of each at a time):")
    rounds = {key: iterations.get(key, ITERATIONS) for key in cases}
    rounds["stock_search_domain"] = max(ITERATIONS // 10, 20)  # 10 s a request at 1M
    in_turns = results["in_turns"] = {}
    for group, keys in TURN_GROUPS:
        measured = measure_in_turns(client, {key: cases[key] for key in keys}, rounds)
        in_turns[group] = measured
        say(f"    {group}:")
        for key, row in measured.items():
            say(
                f"      {cases[key].name:<42} median {row['median_ms']:>8.2f} ms  "
                f"p95 {row['p95_ms']:>8.2f} ms"
            )

    if shutil.which("wrk"):
        say(f"\nLoad: {CONNECTIONS} concurrent clients (wrk) against gunicorn, 3 workers")
        server = start_gunicorn(cache_seconds=0)
        try:
            for key, seconds in (
                ("api_seed_12", LOAD_SECONDS),
                ("stock_seed_12", SHORT_LOAD_SECONDS),
                ("floor_seed_12", SHORT_LOAD_SECONDS),
            ):
                results["cases"][key]["load"] = load(cases[key], seconds)
        finally:
            stop(server)
        server = start_gunicorn(cache_seconds=300)
        try:
            results["cases"]["api_seed_12_cached"]["load"] = load(
                cases["api_seed_12_cached"], SHORT_LOAD_SECONDS
            )
        finally:
            stop(server)
        for key in ("api_seed_12", "stock_seed_12", "floor_seed_12", "api_seed_12_cached"):
            row = results["cases"][key]["load"]
            say(
                f"  {cases[key].name:<42} {row['rps']:>9.1f} req/s "
                f"over {row['seconds']} s, {row['errors']} errors"
            )
    else:
        say("\nwrk is not installed: skipping the load test (make bench installs it).")

    results["targets"] = targets(results["cases"], results["in_turns"])
    say("\nTargets")
    for target in results["targets"]:
        say(f"  [{'met' if target['met'] else 'MISSED'}] {target['target']}: {target['measured']}")
    results["bounds"] = bounds(results["in_turns"])
    say("\nBounds: the GraphQL floor (one statement, graphql-core over plain dicts), in turns")
    for bound in results["bounds"]:
        say(f"  {bound['ratio']}: {bound['measured']}")
    report.write(f"{connection.vendor}{size_label(live)}", results, "\n".join(lines) + "\n")


def bounds(in_turns):
    """What any graphql-core server could reach: the GraphQL floor against stock grapple
    (where the goal is ≤ 0.1×), and this API against the floor."""
    rows = []
    for group, api, stock, floor in (
        ("seed page, warm", "api_seed_12", "stock_seed_12", "graphql_floor_12"),
        ("seed page, cold", "api_seed_12_cold", "stock_seed_12", "graphql_floor_12"),
        ("100 per page, cold", "api_seed_100_cold", "stock_seed_100", "graphql_floor_100"),
    ):
        pair = in_turns[group]
        floor_ms = pair[floor]["median_ms"]
        for ratio, value in (
            (f"GraphQL floor / stock grapple ({group})", floor_ms / pair[stock]["median_ms"]),
            (f"this API / GraphQL floor ({group})", pair[api]["median_ms"] / floor_ms),
        ):
            rows.append({"ratio": ratio, "measured": f"{value:.3f}×"})
    return rows


def targets(cases, in_turns):
    """The issue's targets: ratios from the pairs measured in turns, spreads and counts
    from the table."""

    def row(target, group, a, b, limit):
        pair = in_turns[group]
        value = pair[a]["median_ms"] / pair[b]["median_ms"]
        return (f"{target} (in turns)", f"{value:.3f}×", value <= limit)

    counts = {key: cases[key]["queries"] for key in cases}
    warm, cold = "seed page, warm", "seed page, cold"
    rows = [
        (
            "query count ≤ 6 at first=12 and 100 (cold)",
            f"{counts['api_seed_12_cold']} and {counts['api_seed_100_cold']} "
            f"(stock grapple: {counts['stock_seed_12']} and {counts['stock_seed_100']})",
            max(counts["api_seed_12_cold"], counts["api_seed_100_cold"]) <= 6,
        ),
        row(
            "median ≤ 1/10 of stock grapple (12, warm)", warm, "api_seed_12", "stock_seed_12", 0.1
        ),
        row(
            "median ≤ 1/10 of stock grapple (12, cold)",
            cold,
            "api_seed_12_cold",
            "stock_seed_12",
            0.1,
        ),
        row("median ≤ 3× the SQL floor (12, warm)", warm, "api_seed_12", "floor_seed_12", 3),
        row("median ≤ 3× the SQL floor (12, cold)", cold, "api_seed_12_cold", "floor_seed_12", 3),
        row(
            "100 per page ≤ 1/10 of stock grapple's (cold)",
            "100 per page, cold",
            "api_seed_100_cold",
            "stock_seed_100",
            0.1,
        ),
        row("deep page ≤ 1.2× page 1 (warm)", warm, "api_deep_page", "api_seed_12", 1.2),
        row("deep page ≤ 1.2× page 1 (cold)", cold, "api_deep_page_cold", "api_seed_12_cold", 1.2),
        row(
            "search + domain ≤ 1/5 of stock searchQuery (cold)",
            "search + domain, cold",
            "api_search_domain_cold",
            "stock_search_domain",
            0.2,
        ),
        row(
            "search + domain ≤ 2× the full-text floor (cold)",
            "search + domain, cold",
            "api_search_domain_cold",
            "floor_search_domain",
            2,
        ),
    ]
    spread = {key: case["p95_ms"] / case["median_ms"] for key, case in cases.items()}
    widest = max(spread, key=spread.get)
    rows.append(
        (
            "p95 ≤ 1.5× the median in every case",
            f"widest {spread[widest]:.2f}× ({cases[widest]['name']}); "
            f"{sum(value > 1.5 for value in spread.values())} of {len(spread)} cases above",
            spread[widest] <= 1.5,
        )
    )
    speedup = cases["api_seed_12_cold"]["median_ms"] / cases["api_seed_12_cached"]["median_ms"]
    rows.append(("cached ≥ 20× faster than uncached (cold)", f"{speedup:.1f}×", speedup >= 20))
    load = cases["api_seed_12"].get("load")
    if load:
        rows.append(
            (
                f"{CONNECTIONS} clients for {load['seconds']} s with zero errors",
                f"{load['requests']:,} requests, {load['errors']} errors",
                load["errors"] == 0,
            )
        )
    return [{"target": t, "measured": m, "met": bool(ok)} for t, m, ok in rows]


if __name__ == "__main__":
    main()
