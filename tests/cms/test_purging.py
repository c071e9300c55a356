"""Purge backends (``cms.purging``): what each sends to its edge, checked against a
local stub server that records requests, and that a purge goes out only after the
change commits, for the change's tags."""

import json
import socket
import threading
import time
import urllib.request

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from cms import purging
from research.models import Publication
from tests.cms.test_cache_invalidation import PUBLICATIONS, get, read_on_another_connection, titles
from tests.graphql import create_publication
from tests.webhooks import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def edge():
    server = Receiver()
    yield server
    server.close()


def base(server):
    return f"http://127.0.0.1:{server.server.server_port}"


def purges(backend, result):
    value = REGISTRY.get_sample_value("cms_purges_total", {"backend": backend, "result": result})
    return value or 0


def configure(settings, **backends):
    settings.CMS_PURGE_BACKENDS = backends


def test_varnish_gets_a_purge_with_the_tags_in_xkey_purge(settings, edge):
    second = Receiver()
    try:
        configure(
            settings,
            varnish={
                "BACKEND": "cms.purging.VarnishBackend",
                "LOCATION": [base(edge), base(second) + "/"],
            },
        )
        before = time.time() * 1000
        purging.purge({"publication:7", "publication"})
        after = time.time() * 1000
    finally:
        second.close()
    for server in (edge, second):
        [request] = server.requests
        assert (request["method"], request["path"]) == ("PURGE", "/")
        assert request["headers"]["xkey-purge"] == "publication publication:7"
        # When the purge went out: Varnish keeps no answer read before it.
        assert before - 1 <= int(request["headers"]["xkey-changed-at"]) <= after


def test_cloudflare_gets_the_tags_as_json_thirty_per_call(settings, edge):
    configure(
        settings,
        cloudflare={
            "BACKEND": "cms.purging.CloudflareBackend",
            "BASE_URL": base(edge) + "/client/v4",
            "ZONE_ID": "zone-1",
            "API_TOKEN": "token-1",
        },
    )
    tags = {f"publication:{n}" for n in range(31)}
    purging.purge(tags)
    assert [r["path"] for r in edge.requests] == ["/client/v4/zones/zone-1/purge_cache"] * 2
    assert {r["headers"]["Authorization"] for r in edge.requests} == {"Bearer token-1"}
    sent = [json.loads(r["body"])["tags"] for r in edge.requests]
    assert [len(batch) for batch in sent] == [30, 1]
    assert set(sent[0]) | set(sent[1]) == tags


def test_fastly_gets_the_tags_as_surrogate_keys(settings, edge):
    configure(
        settings,
        fastly={
            "BACKEND": "cms.purging.FastlyBackend",
            "BASE_URL": base(edge),
            "SERVICE_ID": "service-1",
            "API_TOKEN": "token-2",
        },
    )
    purging.purge({"page:3", "page"})
    [request] = edge.requests
    assert (request["method"], request["path"]) == ("POST", "/service/service-1/purge")
    assert request["headers"]["Fastly-Key"] == "token-2"
    assert request["headers"]["Surrogate-Key"] == "page page:3"


def test_a_failed_purge_is_counted_and_never_fails_the_publish(
    settings, django_capture_on_commit_callbacks
):
    refusing = Receiver(statuses=[503])
    try:
        configure(
            settings,
            varnish={"BACKEND": "cms.purging.VarnishBackend", "LOCATION": [base(refusing)]},
        )
        sent, failed = purges("varnish", "sent"), purges("varnish", "failed")
        with django_capture_on_commit_callbacks(execute=True):
            create_publication("Quokka Genomics")
    finally:
        refusing.close()
    assert len(refusing.requests) == 1
    assert (purges("varnish", "sent"), purges("varnish", "failed")) == (sent, failed + 1)


def test_a_change_is_purged_once_after_its_transaction_commits(
    settings, edge, django_capture_on_commit_callbacks
):
    configure(
        settings, varnish={"BACKEND": "cms.purging.VarnishBackend", "LOCATION": [base(edge)]}
    )
    sent = purges("varnish", "sent")
    with django_capture_on_commit_callbacks(execute=True):
        quokka = create_publication("Quokka Genomics")
        assert edge.requests == []  # not before the commit: a reader would cache the old state
    [request] = edge.requests  # one purge for the whole publish
    tags = set(request["headers"]["xkey-purge"].split())
    assert {"publication", f"publication:{quokka.pk}"} <= tags
    assert purges("varnish", "sent") == sent + 1


@pytest.mark.parametrize(
    ("backend", "params", "path"),
    [
        ("VarnishBackend", {}, "/purge/BOX/"),
        ("CloudflareBackend", {"ZONE_ID": "z"}, "/purge/BOX/zones/z/purge_cache"),
        ("FastlyBackend", {"SERVICE_ID": "s"}, "/purge/BOX/service/s/purge"),
    ],
)
def test_a_configured_address_keeps_its_path_and_loses_only_its_trailing_slash(
    settings, edge, backend, params, path
):
    """Edges behind a router are reached under a path: it must arrive as configured
    (an upper-case X or a doubled slash in it would be another route)."""
    address = base(edge) + "/purge/BOX/"
    location = {"LOCATION": [address]} if backend == "VarnishBackend" else {"BASE_URL": address}
    configure(
        settings,
        edge={"BACKEND": f"cms.purging.{backend}", "API_TOKEN": "t", **params, **location},
    )
    purging.purge({"page"})
    assert [request["path"] for request in edge.requests] == [path]


@pytest.mark.parametrize(
    ("backend", "params", "host"),
    [
        ("CloudflareBackend", {"ZONE_ID": "z"}, "api.cloudflare.com:443"),
        ("FastlyBackend", {"SERVICE_ID": "s"}, "api.fastly.com:443"),
    ],
)
def test_without_a_base_url_the_providers_own_api_is_asked_over_https(
    settings, edge, monkeypatch, backend, params, host
):
    """The default address, seen by an HTTP proxy as the https tunnel asked for (the
    proxy opens none, so nothing leaves the machine and the purge counts as failed)."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("https_proxy", base(edge))
    urllib.request.install_opener(None)  # urlopen builds its opener (and reads proxies) once
    configure(settings, edge={"BACKEND": f"cms.purging.{backend}", "API_TOKEN": "t", **params})
    failed = purges("edge", "failed")
    try:
        purging.purge({"page"})
    finally:
        urllib.request.install_opener(None)
    assert [(r["method"], r["path"]) for r in edge.requests] == [("CONNECT", host)]
    assert purges("edge", "failed") == failed + 1


def test_cloudflare_is_sent_json_and_fastly_a_soft_purge_when_asked(settings, edge):
    configure(
        settings,
        cloudflare={
            "BACKEND": "cms.purging.CloudflareBackend",
            "BASE_URL": base(edge),
            "ZONE_ID": "z",
            "API_TOKEN": "t",
        },
        fastly={
            "BACKEND": "cms.purging.FastlyBackend",
            "BASE_URL": base(edge),
            "SERVICE_ID": "s",
            "API_TOKEN": "t",
            "SOFT_PURGE": True,
        },
    )
    purging.purge({"page"})
    cloudflare, fastly = edge.requests
    assert cloudflare["headers"]["Content-Type"] == "application/json"
    assert fastly["headers"]["Fastly-Soft-Purge"] == "1"


def test_an_edge_that_never_answers_is_given_up_on(settings, monkeypatch):
    """A purge runs in the editor's request after the commit: an edge that accepts the
    connection and then says nothing must not hold it for longer than ``TIMEOUT``."""
    silent = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def accept_and_say_nothing():
        connection, _ = silent.accept()
        done.wait(10)  # without a timeout the purge would wait for this close: 10 s
        connection.close()

    listener = threading.Thread(target=accept_and_say_nothing, daemon=True)
    listener.start()
    monkeypatch.setattr(purging, "TIMEOUT", 0.5)
    configure(
        settings,
        varnish={
            "BACKEND": "cms.purging.VarnishBackend",
            "LOCATION": [f"http://127.0.0.1:{silent.getsockname()[1]}"],
        },
    )
    failed = purges("varnish", "failed")
    try:
        started = time.monotonic()
        purging.purge({"page"})
        took = time.monotonic() - started
    finally:
        done.set()
        listener.join(5)
        silent.close()
    assert took < 5
    assert purges("varnish", "failed") == failed + 1


class ReadingEdge(purging.PurgeBackend):
    """An edge that, when told to purge, asks the app again at once (as Varnish does for
    the next request of a purged answer) and records the titles it gets."""

    answers = []

    def send(self, tags):
        self.answers.append(titles(get(Client(), PUBLICATIONS)))


def test_the_edges_are_purged_after_the_app_caches_dropped_the_old_state(
    settings, client, django_capture_on_commit_callbacks
):
    """A reader caches the old state in the response cache while a publish commits; the
    edge's purge must not send the next reader to that entry (purged before the response
    cache drops it, the edge would fetch the old answer again and keep it)."""
    configure(settings, reading={"BACKEND": f"{__name__}.ReadingEdge"})
    ReadingEdge.answers = []
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    old_title = photon.title
    with django_capture_on_commit_callbacks(execute=True):
        photon.title = "Photon, Renamed"
        photon.save_revision(log_action=False).publish(log_action=False)
        assert old_title in read_on_another_connection(client, PUBLICATIONS)  # cached
        assert ReadingEdge.answers == []
    [refetched] = ReadingEdge.answers
    assert "Photon, Renamed" in refetched
    assert old_title not in refetched
