"""Soak: 50 clients for 10 minutes on the production stack, with a Redis and a database restart.

Not a test: ``make soak`` (or ``python -m benchmarks.soak``) starts a private
stack (``benchmarks.stack``: redis-server, PostgreSQL with the demo content,
gunicorn with 2 workers on production settings), runs ``SOAK_CLIENTS`` clients
(50) for ``SOAK_SECONDS`` (600) over a mix of the seed query and others, stops
Redis for ``SOAK_OUTAGE_SECONDS`` (20) at one third of the run and PostgreSQL
at two thirds, and reports the requests, the errors by HTTP status and by
``extensions.code`` (per phase), latency, and the workers' resident memory at
start and end. Results go to ``benchmarks/results/<date>-soak.{json,txt}``.

The per-IP rate limit is off (every client is 127.0.0.1; ``SOAK_RATE_LIMIT``
turns it on) and workers are not recycled (``SOAK_MAX_REQUESTS`` 0), so a
leak would show in the memory figures.
"""

import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import write
from benchmarks.stack import SEED_QUERY, ProductionStack

SEARCHES = ["lake", "spark", "sql", "model", "data", "learning", "delta", "stream", "query"]
DOMAINS = ["ai-and-ml", "applications", "distributed-systems"]
OTHER_QUERIES = [
    "{ researchDomains { edges { node { slug name publicationCount } } } }",
    "{ stories { totalCount edges { node { title slug } } } }",
    "{ organizations { edges { node { name slug heading teams { name } } } } }",
]


def pick_request(rng):
    """``(label, query, variables)``: mostly the seed page, some searches and filters, a few
    other root fields, and 5% searches nobody made before (never cached: the database works)."""
    roll = rng.random()
    if roll < 0.40:
        return "seed", SEED_QUERY, {}
    if roll < 0.60:
        return "search", SEED_QUERY, {"search": rng.choice(SEARCHES)}
    if roll < 0.75:
        return "domains", SEED_QUERY, {"domains": [rng.choice(DOMAINS)]}
    if roll < 0.95:
        return "other", rng.choice(OTHER_QUERIES), {}
    return "uncached", SEED_QUERY, {"search": f"lake {rng.randrange(10**9)}"}


class Tally:
    """Counts per phase, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.phase = "warm-up"
        self.statuses = {}
        self.codes = {}
        self.latencies = []

    def record(self, status, codes, seconds):
        with self.lock:
            self.statuses.setdefault(self.phase, Counter())[str(status)] += 1
            for code in codes:
                self.codes.setdefault(self.phase, Counter())[code] += 1
            self.latencies.append(seconds)


def error_codes(body):
    try:
        answer = json.loads(body)
    except ValueError:
        return ["(not JSON)"]
    if isinstance(answer, dict):
        return [error.get("extensions", {}).get("code", "?") for error in answer.get("errors", [])]
    return []


def client_loop(port, tally, stop, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        _label, query, variables = pick_request(rng)
        path = "/graphql/?" + urllib.parse.urlencode(
            {"query": query, "variables": json.dumps(variables)}
        )
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"Accept": "application/json"})
            response = connection.getresponse()
            body = response.read()
            status = response.status
            codes = error_codes(body) if status != 200 or b'"errors"' in body else []
        except (OSError, http.client.HTTPException) as error:
            status, codes = "connection error", [type(error).__name__]
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            time.sleep(0.05)
        tally.record(status, codes, time.monotonic() - started)
    connection.close()


def run(seconds, clients, outage_seconds):
    log_path = Path(tempfile.mkstemp(prefix="cms-soak-gunicorn-", suffix=".log")[1])
    environment = {
        "API_RATE_LIMIT_REQUESTS": os.environ.get("SOAK_RATE_LIMIT", "0"),
        "GUNICORN_MAX_REQUESTS": os.environ.get("SOAK_MAX_REQUESTS", "0"),
    }
    print(f"starting the private stack (gunicorn log: {log_path})", flush=True)
    with ProductionStack(workers=2, extra_environment=environment, log_path=log_path) as stack:
        tally = Tally()
        stop = threading.Event()
        threads = [
            threading.Thread(target=client_loop, args=(stack.gunicorn.port, tally, stop, n))
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        time.sleep(5)  # warm-up: every worker has imported and cached its first answers
        memory_start = stack.gunicorn.worker_rss_mb()
        events = []
        started = time.monotonic()

        def at(fraction):
            time.sleep(max(0.0, started + seconds * fraction - time.monotonic()))

        def phase(name):
            with tally.lock:
                tally.phase = name
            events.append((round(time.monotonic() - started, 1), name))
            print(f"{events[-1][0]:7.1f} s  {name}", flush=True)

        phase("steady")
        at(1 / 3)
        phase("redis stopped")
        stack.redis.stop()
        time.sleep(outage_seconds)
        stack.redis.start()
        phase("after redis restart")
        at(2 / 3)
        phase("postgresql stopped")
        stack.postgres.stop()
        time.sleep(outage_seconds)
        stack.postgres.start()
        phase("after postgresql restart")
        at(1)
        memory_end = stack.gunicorn.worker_rss_mb()
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    log_text = log_path.read_text(errors="replace")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(elapsed, 1),
        "clients": clients,
        "workers": 2,
        "outage_seconds": outage_seconds,
        "events": events,
        "requests": sum(sum(counter.values()) for counter in tally.statuses.values()),
        "by_phase": {
            name: {
                "requests": sum(counter.values()),
                "status": dict(counter),
                "codes": dict(tally.codes.get(name, {})),
            }
            for name, counter in tally.statuses.items()
        },
        "status": dict(sum(tally.statuses.values(), Counter())),
        "codes": dict(sum(tally.codes.values(), Counter())),
        "latency_ms": {
            "median": round(statistics.median(tally.latencies) * 1000, 1),
            "p95": round(statistics.quantiles(tally.latencies, n=20)[18] * 1000, 1),
            "p99": round(statistics.quantiles(tally.latencies, n=100)[98] * 1000, 1),
            "max": round(max(tally.latencies) * 1000, 1),
        },
        "worker_rss_mb": {"start": memory_start, "end": memory_end},
        "log": {
            "warnings": log_text.count(" WARNING "),
            "errors": log_text.count(" ERROR "),
            "worker timeouts": log_text.count("WORKER TIMEOUT"),
        },
    }


def render(report):
    lines = [
        f"Soak {report['date']}: {report['clients']} clients, {report['seconds']} s, "
        f"{report['workers']} gunicorn workers, outages of {report['outage_seconds']} s",
        f"requests: {report['requests']:,} ({report['requests'] / report['seconds']:.0f}/s)",
        f"by HTTP status: {report['status']}",
        f"by extensions.code: {report['codes'] or 'none'}",
        "latency (ms): " + ", ".join(f"{k} {v}" for k, v in report["latency_ms"].items()),
        f"worker RSS (MB) at start: {report['worker_rss_mb']['start']}",
        f"worker RSS (MB) at end:   {report['worker_rss_mb']['end']}",
        f"gunicorn log: {report['log']}",
        "",
        "phase                      requests  status / codes",
    ]
    for name, phase in report["by_phase"].items():
        lines.append(f"{name:26} {phase['requests']:8,}  {phase['status']} {phase['codes'] or ''}")
    return "\n".join(lines) + "\n"


def main():
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    clients = int(os.environ.get("SOAK_CLIENTS", "50"))
    outage = float(os.environ.get("SOAK_OUTAGE_SECONDS", "20"))
    report = run(seconds, clients, outage)
    text = render(report)
    print(text)
    write("soak", report, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
