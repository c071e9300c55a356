"""Webhooks cannot be turned on the inside: bad URLs are refused when an endpoint is
saved in the admin AND when a delivery is made, no redirect is followed, the log never
tells a closed port from a listening one, retries end with the endpoint, and secrets
are long.

Receivers and listeners are real sockets on 127.0.0.1 / ::1. Name lookups of the
``*.example.test`` names are answered by ``fake_dns``: it stands for a DNS server, so a
test can make a name resolve to an internal address, or change its answer between the
check and the connection (DNS rebinding). Every other name goes to the real resolver.
"""

import io
import re
import socket
import socketserver
import ssl
import subprocess
import threading
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cms.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tests.cms.test_deploy_check import manage, production_env  # noqa: F401 (fixture)
from tests.webhooks import Receiver, publish_new, run_worker, webhook_settings

pytestmark = pytest.mark.django_db

LONG_SECRET = "a-secret-the-receiver-also-knows-0123456789"
PUBLIC_ADDRESS = "93.184.215.14"  # a global unicast address; nothing connects to it here
NOT_PUBLIC = "Webhooks are only sent to public internet addresses"
NOT_HTTPS = "Webhook URLs must start with https://."


@pytest.fixture
def fake_dns(monkeypatch):
    """``fake_dns["name"] = [[first answer], [later answers]]``: addresses per lookup;
    the last answer repeats."""
    names = {}
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return real_getaddrinfo(host, port, *args, **kwargs)
        answers = names[host]
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
            if ":" in address
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def guard():
    """The production rule: nothing private is allowed (http stays allowed, so that the
    address check, not the scheme check, is what refuses)."""
    with webhook_settings(ALLOWED_PRIVATE_NETWORKS=[]):
        yield


class Listener:
    """A TCP service that is not HTTP: counts connections; ``reply`` is written back (after
    reading the request) before closing, ``None`` closes at once, ``"silent"`` holds the
    connection open without a word."""

    def __init__(self, reply=None, host="127.0.0.1"):
        self.connections = 0
        listener = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                listener.connections += 1
                if reply == "silent":
                    time.sleep(3)
                elif reply is not None:
                    self.request.recv(65536)
                    self.request.sendall(reply)

        server_class = type(
            "Server",
            (socketserver.ThreadingTCPServer,),
            {
                "address_family": socket.AF_INET6 if ":" in host else socket.AF_INET,
                "daemon_threads": True,
                "allow_reuse_address": True,
            },
        )
        self.server = server_class((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listeners():
    started = []

    def start(reply=None, host="127.0.0.1"):
        started.append(Listener(reply, host))
        return started[-1]

    yield start
    for listener in started:
        listener.close()


def closed_port():
    """A port on 127.0.0.1 where nothing listens (just released by the kernel)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_endpoint_in_admin(client, url, secret=LONG_SECRET):
    return client.post(
        reverse("webhookendpoint:add"),
        {"name": "Receiver", "url": url, "secret": secret, "events": ["publish"], "active": "on"},
    )


def only_attempt():
    delivery = WebhookDelivery.objects.get()
    return delivery, WebhookAttempt.objects.get(delivery=delivery)


# --- URLs refused at save, in the admin ------------------------------------------------

BAD_URLS = [
    ("http://127.0.0.1:5432/", NOT_PUBLIC),
    ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", NOT_PUBLIC),
    ("http://[::1]:6379/", NOT_PUBLIC),
    ("http://localhost/", NOT_PUBLIC),
    ("http://localhost./", "Enter a valid URL."),
    ("http://hooks.localhost/", NOT_PUBLIC),
    ("http://0.0.0.0/", NOT_PUBLIC),
    ("http://[::ffff:127.0.0.1]/", NOT_PUBLIC),
    ("http://[::ffff:169.254.169.254]/", NOT_PUBLIC),
    ("http://2130706433/", "Enter a valid URL."),  # 127.0.0.1 as one decimal number
    ("http://10.1.2.3/", NOT_PUBLIC),
    ("http://172.16.0.1/", NOT_PUBLIC),
    ("http://192.168.1.1/", NOT_PUBLIC),
    ("http://100.64.0.1/", NOT_PUBLIC),  # shared address space
    ("http://100.100.100.200/", NOT_PUBLIC),  # Alibaba metadata
    ("http://192.0.0.192/", NOT_PUBLIC),  # Oracle metadata
    ("http://224.0.0.1/", NOT_PUBLIC),
    ("http://240.0.0.1/", NOT_PUBLIC),
    ("http://[::]/", NOT_PUBLIC),
    ("http://[fd00::1]/", NOT_PUBLIC),
    ("http://[fd00:ec2::254]/", NOT_PUBLIC),  # AWS metadata over IPv6
    ("http://[fe80::1]/", NOT_PUBLIC),
    ("http://[ff02::1]/", NOT_PUBLIC),
    ("http://[64:ff9b::7f00:1]/", NOT_PUBLIC),  # NAT64 of 127.0.0.1
    ("http://[2002:a9fe:a9fe::]/", NOT_PUBLIC),  # 6to4 of 169.254.169.254
    ("http://internal.example.test/", NOT_PUBLIC),  # a name resolving to 127.0.0.1
    ("http://mixed.example.test/", NOT_PUBLIC),  # one public and one private address
    ("http://nowhere.invalid/", "This host name could not be found"),
    ("https://user:password@hooks.example.test/", "Put no user name or password"),
    ("ftp://hooks.example.test/", NOT_HTTPS),
]


@pytest.mark.parametrize("url, message", BAD_URLS)
def test_the_admin_refuses_an_internal_or_non_web_url(admin_client, guard, fake_dns, url, message):
    fake_dns["internal.example.test"] = [["127.0.0.1"]]
    fake_dns["mixed.example.test"] = [[PUBLIC_ADDRESS, "10.0.0.5"]]
    fake_dns["hooks.example.test"] = [[PUBLIC_ADDRESS]]
    response = add_endpoint_in_admin(admin_client, url)
    assert response.status_code == 200  # the form again, with the reason
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_accepts_a_public_https_url(admin_client, guard, fake_dns):
    fake_dns["hooks.example.test"] = [[PUBLIC_ADDRESS, "2606:4700::1111"]]
    response = add_endpoint_in_admin(admin_client, "https://hooks.example.test/cms")
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "https://hooks.example.test/cms"


def test_plain_http_needs_the_development_setting(admin_client, fake_dns):
    fake_dns["hooks.example.test"] = [[PUBLIC_ADDRESS]]
    with webhook_settings(ALLOW_HTTP=False):
        response = add_endpoint_in_admin(admin_client, "http://hooks.example.test/cms")
    assert NOT_HTTPS in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_production_allows_neither_http_nor_internal_networks(production_env):  # noqa: F811
    result = manage(
        production_env,
        "shell",
        "-c",
        "from cms.webhook_conf import webhook_setting as s;"
        "print(s('ALLOW_HTTP'), s('ALLOWED_PRIVATE_NETWORKS'))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False []"


def test_the_deploy_check_names_development_webhook_settings():
    """The test settings allow http and 127.0.0.1: ``check --deploy`` must say so."""
    report = io.StringIO()
    call_command("check", deploy=True, stdout=report, stderr=report)
    assert "cms.W003" in report.getvalue() and "cms.W004" in report.getvalue()
    with webhook_settings(ALLOW_HTTP=False, ALLOWED_PRIVATE_NETWORKS=[]):
        report = io.StringIO()
        call_command("check", deploy=True, stdout=report, stderr=report)
    assert "cms.W00" not in report.getvalue()


# --- The same URLs refused at delivery, without a connection ---------------------------

DELIVERY_URLS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://localhost.:{port}/",
    "http://0.0.0.0:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://2130706433:{port}/",
    "http://0x7f.1:{port}/",
    "http://internal.example.test:{port}/",
    "http://[::1]:{port6}/",
    "ftp://127.0.0.1:{port}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://10.1.2.3/",
]


@pytest.mark.parametrize("url", DELIVERY_URLS)
def test_a_delivery_refuses_an_internal_url_without_connecting(
    guard, fake_dns, listeners, django_capture_on_commit_callbacks, url
):
    ipv4, ipv6 = (
        listeners(b"HTTP/1.0 200 OK\r\n\r\n"),
        listeners(b"HTTP/1.0 200 OK\r\n\r\n", "::1"),
    )
    fake_dns["internal.example.test"] = [["127.0.0.1"]]
    # Stored around the form's validation, as an old row or a direct database edit would be.
    WebhookEndpoint.objects.create(
        name="Inside", url=url.format(port=ipv4.port, port6=ipv6.port), secret=LONG_SECRET
    )
    publish_new(django_capture_on_commit_callbacks)
    run_worker()

    delivery, attempt = only_attempt()
    assert (attempt.error, attempt.response_code) == ("address not allowed", None)
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 1)  # no retry
    assert ipv4.connections == ipv6.connections == 0


def test_a_name_that_turns_internal_after_the_save_is_refused_at_delivery(
    admin_client, guard, fake_dns, listeners, django_capture_on_commit_callbacks
):
    inside = listeners(b"HTTP/1.0 200 OK\r\n\r\n")
    fake_dns["hooks.example.test"] = [[PUBLIC_ADDRESS]]
    url = f"http://hooks.example.test:{inside.port}/cms"
    assert add_endpoint_in_admin(admin_client, url).status_code == 302
    fake_dns["hooks.example.test"] = [["127.0.0.1"]]  # the DNS answer changes

    publish_new(django_capture_on_commit_callbacks)
    run_worker()
    assert only_attempt()[1].error == "address not allowed"
    assert inside.connections == 0


def test_the_connection_goes_to_the_address_that_was_checked(
    receiver, fake_dns, django_capture_on_commit_callbacks
):
    """Checked once, connected to that address: a second lookup (rebinding) plays no part.
    127.0.0.1 is allowed by the test settings; 127.0.0.2 has no receiver."""
    fake_dns["hooks.example.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    port = receiver.server.server_port
    WebhookEndpoint.objects.create(
        name="Pinned", url=f"http://hooks.example.test:{port}/cms", secret=LONG_SECRET
    )
    publish_new(django_capture_on_commit_callbacks)
    run_worker()

    assert only_attempt()[1].succeeded
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.example.test:{port}"


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    """An HTTPS receiver on 127.0.0.1 with a certificate for hooks.example.test, trusted
    through SSL_CERT_FILE (read by ``ssl.create_default_context``)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-days", "1", "-subj", "/CN=hooks.example.test",
            "-addext", "subjectAltName=DNS:hooks.example.test",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    receiver = Receiver()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    receiver.server_names = []
    context.sni_callback = lambda sock, name, ctx: receiver.server_names.append(name)
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    yield receiver
    receiver.close()


def test_https_to_the_checked_address_verifies_the_certificate_for_the_url_name(
    tls_receiver, fake_dns, django_capture_on_commit_callbacks
):
    fake_dns["hooks.example.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    fake_dns["other.example.test"] = [["127.0.0.1"]]
    port = tls_receiver.server.server_port
    with webhook_settings(ALLOW_HTTP=False):
        right = WebhookEndpoint.objects.create(
            name="Right", url=f"https://hooks.example.test:{port}/cms", secret=LONG_SECRET
        )
        wrong = WebhookEndpoint.objects.create(
            name="Wrong", url=f"https://other.example.test:{port}/cms", secret=LONG_SECRET
        )
        publish_new(django_capture_on_commit_callbacks)
        run_worker()

    assert WebhookAttempt.objects.get(delivery__endpoint=right).succeeded
    assert tls_receiver.server_names[0] == "hooks.example.test"
    assert WebhookAttempt.objects.get(delivery__endpoint=wrong).error == "connection failed"
    assert len(tls_receiver.requests) == 1


# --- No redirects; nothing in the log that tells services apart ------------------------


def test_a_redirect_is_not_followed(receiver, django_capture_on_commit_callbacks):
    elsewhere = Receiver()
    try:
        receiver.statuses = [302]
        receiver.headers = {"Location": f"http://127.0.0.1:{elsewhere.server.server_port}/"}
        WebhookEndpoint.objects.create(name="Moved", url=receiver.url, secret=LONG_SECRET)
        publish_new(django_capture_on_commit_callbacks)
        run_worker()
    finally:
        elsewhere.close()

    delivery, attempt = only_attempt()
    assert (attempt.response_code, attempt.succeeded) == (302, False)
    assert attempt.error == "HTTP 302 (redirects are not followed)"
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert len(receiver.requests) == 1
    assert elsewhere.requests == []


def test_the_log_says_the_same_for_a_closed_port_and_a_service_that_is_not_http(
    listeners, django_capture_on_commit_callbacks
):
    services = {
        "closed": closed_port(),
        "hangs up": listeners(None).port,
        "redis-like": listeners(b"-ERR unknown command 'POST'\r\n").port,
        "binary": listeners(b"\x00\x00\x00\x08\x04\xd2\x16\x2f").port,
    }
    for name, port in services.items():
        WebhookEndpoint.objects.create(
            name=name, url=f"http://127.0.0.1:{port}/", secret=LONG_SECRET
        )
    publish_new(django_capture_on_commit_callbacks)
    run_worker()

    errors = dict(WebhookAttempt.objects.values_list("delivery__endpoint__name", "error"))
    assert errors == dict.fromkeys(services, "connection failed")


def test_a_silent_service_is_logged_as_timed_out(listeners, django_capture_on_commit_callbacks):
    silent = listeners("silent")
    WebhookEndpoint.objects.create(
        name="Silent", url=f"http://127.0.0.1:{silent.port}/", secret=LONG_SECRET
    )
    with webhook_settings(TIMEOUT_SECONDS=0.5):
        publish_new(django_capture_on_commit_callbacks)
        run_worker()
    assert only_attempt()[1].error == "timed out"


# --- Retries end with the endpoint -----------------------------------------------------


@pytest.fixture
def failing_once(receiver, django_capture_on_commit_callbacks):
    """A delivery whose first attempt failed and whose retry is queued."""
    receiver.statuses = [500]
    endpoint = WebhookEndpoint.objects.create(name="Flaky", url=receiver.url, secret=LONG_SECRET)
    publish_new(django_capture_on_commit_callbacks)
    run_worker()
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.RETRYING
    return endpoint


def make_retries_due():
    DBTaskResult.objects.filter(status="READY").update(run_after="2000-01-01T00:00:00Z")


def test_a_retry_is_dropped_once_the_endpoint_is_deactivated(failing_once, receiver):
    failing_once.active = False
    failing_once.save()
    make_retries_due()
    run_worker()

    assert len(receiver.requests) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.CANCELLED, 1)
    assert delivery.next_attempt_at is None


def test_a_retry_is_dropped_once_the_endpoint_is_deleted(failing_once, receiver):
    failing_once.delete()
    make_retries_due()
    run_worker()

    assert len(receiver.requests) == 1
    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


# --- Secrets ---------------------------------------------------------------------------


def test_a_new_endpoint_comes_with_a_strong_secret_to_copy(admin_client):
    def shown_secret():
        page = admin_client.get(reverse("webhookendpoint:add")).content.decode()
        return re.search(r'<input[^>]*name="secret"[^>]*value="([^"]+)"', page).group(1)

    first = shown_secret()
    assert len(first) >= 32
    assert shown_secret() != first  # a fresh one for each new endpoint


@pytest.mark.parametrize("secret", ["x", "a" * 31])
def test_the_admin_refuses_a_short_secret(admin_client, receiver, secret):
    response = add_endpoint_in_admin(admin_client, receiver.url, secret=secret)
    assert "Use a secret of at least 32 characters" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_old_endpoint_with_a_short_secret_keeps_working_and_is_named_by_check(
    receiver, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Legacy", url=receiver.url, secret="x")
    publish_new(django_capture_on_commit_callbacks)
    run_worker()
    assert only_attempt()[1].succeeded

    report = io.StringIO()
    call_command("check", databases=["default"], stdout=report, stderr=report)
    assert "cms.W001" in report.getvalue() and "Legacy" in report.getvalue()
    with webhook_settings(ALLOW_HTTP=False):
        call_command("check", databases=["default"], stdout=report, stderr=report)
    assert "cms.W002" in report.getvalue()
