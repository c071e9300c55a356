"""The edge: Varnish with the project's VCL (``deploy/varnish``) in front of two app servers.

One stack for the module (``benchmarks.stack``): a private Redis and PostgreSQL
with the demo content, two gunicorn instances on production settings, and
varnishd on a free port. The tests ask through Varnish and read its ``X-Cache``
header: public GET answers are cached per media type, everything private or
unsafe passes, purges are accepted only from the origin, and an app server that
dies under load costs the clients nothing. Without varnishd (Debian's
``varnish`` and ``varnish-modules``) the module is skipped, except under
``CI=true``, where it fails.
"""

import http.client
import http.server
import json
import os
import signal
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from benchmarks.stack import VARNISHD, ProductionStack, Varnish, missing_binaries
from cms.purging import VarnishBackend

_missing = missing_binaries() + ([] if Path(VARNISHD).exists() else [VARNISHD])
if _missing and os.environ.get("CI", "").lower() != "true":
    pytest.skip(
        f"the edge tests need varnishd, redis-server and PostgreSQL 15: missing {_missing}",
        allow_module_level=True,
    )

pytestmark = pytest.mark.timeout(600)

DOMAINS = "{ researchDomains { edges { node { slug name } } } }"


@pytest.fixture(scope="module")
def stack():
    assert not _missing, f"CI=true: the edge tests must run, but {_missing} are missing"
    production = ProductionStack(workers=1, app_servers=2, edge=True)
    production.start()
    yield production
    production.stop()


def ask(port, method, path, headers=None, body=None, source="127.0.0.1"):
    """``(status, headers, body bytes)`` of one request to ``port`` on the loopback."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def graphql_get(query):
    return "/graphql/?" + urllib.parse.urlencode({"query": query})


def test_a_public_answer_is_served_from_the_edge_the_second_time(stack):
    path = graphql_get(DOMAINS)
    first = ask(stack.varnish.port, "GET", path)
    second = ask(stack.varnish.port, "GET", path)
    assert first[0] == second[0] == 200
    assert (first[1]["X-Cache"], second[1]["X-Cache"]) == ("MISS", "HIT")
    assert first[2] == second[2]
    assert json.loads(second[2])["data"]["researchDomains"]
    assert "xkey" not in second[1]  # tags are the edge's business, not the client's


def test_each_media_type_is_a_variant_of_its_own_and_odd_accept_headers_share_them(stack):
    path = graphql_get("{ researchDomains { edges { node { slug } } } }")
    modern = {"Accept": "application/graphql-response+json, application/json;q=0.9"}
    answers = [
        ask(stack.varnish.port, "GET", path, {"Accept": "application/json"}),
        ask(stack.varnish.port, "GET", path, modern),
        ask(stack.varnish.port, "GET", path, {"Accept": "*/*"}),
        ask(stack.varnish.port, "GET", path, {"Accept": "application/json, text/plain; q=0.1"}),
        ask(stack.varnish.port, "GET", path, modern),
    ]
    assert [answer[1]["X-Cache"] for answer in answers] == ["MISS", "MISS", "HIT", "HIT", "HIT"]
    assert [answer[1]["Content-Type"].split(";")[0] for answer in answers] == [
        "application/json",
        "application/graphql-response+json",
        "application/json",
        "application/json",
        "application/graphql-response+json",
    ]


@pytest.mark.parametrize(
    ("method", "path", "headers", "body"),
    [
        (
            "POST",
            "/graphql/",
            {"Content-Type": "application/json"},
            json.dumps({"query": DOMAINS}).encode(),
        ),
        ("GET", graphql_get(DOMAINS), {"X-Preview-Token": "not-a-token"}, None),
        ("GET", graphql_get(DOMAINS), {"Authorization": "Bearer someone"}, None),
        ("GET", "/admin/login/", {}, None),
        ("GET", "/healthz", {}, None),
    ],
    ids=["post", "preview-header", "credentials", "admin", "healthz"],
)
def test_unsafe_private_and_admin_requests_always_reach_the_app(
    stack, method, path, headers, body
):
    for _ in range(2):
        status, answer_headers, _ = ask(stack.varnish.port, method, path, headers, body)
        assert status < 500
        assert answer_headers["X-Cache"] == "MISS"


def test_purges_are_accepted_only_from_the_origin(stack):
    origin_only = Varnish([app.port for app in stack.app_servers], purgers=("127.0.0.2",))
    origin_only.start()
    try:
        purge = {"xkey-purge": "publications"}
        refused = ask(origin_only.port, "PURGE", "/", purge)
        accepted = ask(origin_only.port, "PURGE", "/", purge, source="127.0.0.2")
        untagged = ask(origin_only.port, "PURGE", "/", {}, source="127.0.0.2")
    finally:
        origin_only.stop()
    assert refused[0] == 403
    assert accepted[0] == 200
    assert untagged[0] == 400


def test_a_purge_by_tag_drops_exactly_the_answers_tagged_with_it(stack):
    """The app tags its answers (``xkey``), and ``cms.purging.VarnishBackend`` purges by
    tag: the domains list goes, a publication list that never showed a domain stays."""
    domains = graphql_get("{ researchDomains { edges { node { name } } } }")
    publications = graphql_get("{ publications(first: 2) { edges { node { title } } } }")
    for path in (domains, publications):
        ask(stack.varnish.port, "GET", path)
        assert ask(stack.varnish.port, "GET", path)[1]["X-Cache"] == "HIT"
    VarnishBackend("edge", {"LOCATION": [stack.varnish.url]}).purge({"researchdomain"})
    assert ask(stack.varnish.port, "GET", domains)[1]["X-Cache"] == "MISS"
    assert ask(stack.varnish.port, "GET", publications)[1]["X-Cache"] == "HIT"


def test_an_app_server_killed_under_load_costs_the_clients_nothing(stack):
    """Uncached requests (each query text is new) from 8 clients while one of the two
    gunicorn instances is killed outright: Varnish retries the failed fetch on the
    other one and its health probe takes the dead one out."""
    statuses, failures, stop = [], [], threading.Event()

    def client(number):
        count = 0
        while not stop.is_set():
            count += 1
            query = f"{{ c{number}n{count}: researchDomains {{ edges {{ node {{ slug }} }} }} }}"
            status, headers, body = ask(stack.varnish.port, "GET", graphql_get(query))
            statuses.append(status)
            if status != 200:
                failures.append((status, dict(headers), body[:300]))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    try:
        _wait_for(lambda: len(statuses) >= 40)
        victim = stack.app_servers[1]
        before_kill = len(statuses)
        for pid in [*victim.worker_pids(), victim.process.pid]:
            os.kill(pid, signal.SIGKILL)
        _wait_for(lambda: len(statuses) >= before_kill + 200)
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)
    assert victim.process.wait(timeout=10) == -signal.SIGKILL
    assert set(statuses) == {200}, f"{len(failures)} of {len(statuses)} failed: {failures[:3]}"


def _wait_for(condition, timeout=240):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_committed_origin_matches_what_make_serve_starts():
    """``deploy/varnish/origin.vcl`` names the ports ``make serve`` gives gunicorn."""
    origin = (
        Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "origin.vcl"
    ).read_text()
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    for port in ("8001", "8002"):
        assert f'.port = "{port}"' in origin
        assert port in makefile


class HeldOrigin:
    """An app server stand-in for the edge: each answer says which fetch it was and when
    its content was read (``X-Content-Read-At``, as the API's); the first is held until
    ``release`` is set, so a purge can arrive while it is on its way."""

    def __init__(self, cache_control="public, max-age=60, s-maxage=60", extra=None):
        self.release = threading.Event()
        self.fetches = 0
        self.read_at = []  # each fetch's X-Content-Read-At
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                read_at = str(int(time.time() * 1000))
                headers = {}
                if self.path != "/healthz":
                    origin.fetches += 1
                    origin.read_at.append(read_at)
                    number = origin.fetches
                    if number == 1:
                        origin.release.wait(30)
                    headers = {
                        "Cache-Control": cache_control,
                        "xkey": "publication",
                        "X-Content-Read-At": read_at,
                        **(extra or {}),
                    }
                body = f"fetch {number}".encode() if headers else b"ok"
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server.server_port

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


#: What the API sends for an answer computed while content changed (``cms.api.views``).
COMPUTED_WHILE_CHANGING = {
    "cache_control": "public, max-age=0, s-maxage=0",
    "extra": {"X-Edge-Max-Age": "60"},
}


def _start_with_a_held_fetch(edge, origin, answers):
    """Start ``edge`` and send it a first request, whose fetch ``origin`` holds. Returns
    the request sender (``get(name)`` keeps its answer in ``answers[name]``) and the
    first request's thread."""

    def get(name):
        answers[name] = ask(edge.port, "GET", "/graphql/?query=seed")[2].decode()

    edge.start()
    _wait_for(lambda: ask(edge.port, "GET", "/healthz")[0] == 200, timeout=30)  # probed
    first = threading.Thread(target=get, args=("first",))
    first.start()
    _wait_for(lambda: origin.fetches == 1, timeout=30)
    return get, first


@pytest.mark.parametrize("computed_while_changing", [False, True])
@pytest.mark.parametrize("purged_meanwhile", [True, False])
def test_an_answer_read_before_a_purge_is_not_kept(purged_meanwhile, computed_while_changing):
    """The race a purge by tag leaves open: an answer read before a publish committed is
    still on its way when the purge arrives. It goes to the request that asked for it,
    but a request that came after the purge (and waited for the same fetch) gets a fresh
    fetch, and so does every later one; without a purge meanwhile the answer is kept,
    also one the API computed while content changed (stale for other caches): the purge
    after that change's commit removes it like any other."""
    assert not _missing, f"CI=true: the edge tests must run, but {_missing} are missing"
    origin = HeldOrigin(**(COMPUTED_WHILE_CHANGING if computed_while_changing else {}))
    edge = Varnish([origin.port])
    answers = {}
    try:
        get, first = _start_with_a_held_fetch(edge, origin, answers)
        if purged_meanwhile:
            VarnishBackend("edge", {"LOCATION": [edge.url]}).purge({"publication"})
        waiting = threading.Thread(target=get, args=("after the purge",))
        waiting.start()
        time.sleep(0.5)  # it waits for the fetch on its way
        origin.release.set()
        first.join(30)
        waiting.join(30)
        get("later")
    finally:
        edge.stop()
        origin.close()
    assert answers["first"] == "fetch 1"
    if purged_meanwhile:
        assert answers == {"first": "fetch 1", "after the purge": "fetch 2", "later": "fetch 2"}
    else:
        assert answers == {"first": "fetch 1", "after the purge": "fetch 1", "later": "fetch 1"}


def test_an_answer_read_in_the_millisecond_of_a_purge_is_not_kept():
    """The app's clock cannot order a read and a change stamped with the same
    millisecond: the answer may show the state before it, so it is not kept."""
    assert not _missing, f"CI=true: the edge tests must run, but {_missing} are missing"
    origin = HeldOrigin()
    edge = Varnish([origin.port])
    answers = {}
    try:
        get, first = _start_with_a_held_fetch(edge, origin, answers)
        stamp = {"xkey-purge": "publication", "xkey-changed-at": origin.read_at[0]}
        assert ask(edge.port, "PURGE", "/", headers=stamp)[0] == 200
        origin.release.set()
        first.join(30)
        get("later")
    finally:
        edge.stop()
        origin.close()
    assert answers == {"first": "fetch 1", "later": "fetch 2"}
