"""Which webhook URLs may be called: the CMS must not become a way into its own network.

An administrator's webhook URL is a request the server makes on their behalf. Without
limits it reaches the database, Redis or the cloud metadata service next to the CMS
(SSRF). So a URL is accepted only when it is ``https`` (plain ``http`` only when
``CMS_WEBHOOKS["ALLOW_HTTP"]`` is set, for development) and EVERY address its host
name resolves to is a public internet address. The check runs when an endpoint is
saved (a plain message in the admin) and again before each delivery, whose connection
then goes to exactly the addresses checked here (``cms.webhook_transport``), so a DNS
answer that changes in between (DNS rebinding) cannot redirect it.

``CMS_WEBHOOKS["ALLOWED_PRIVATE_NETWORKS"]`` (empty by default) lets development and
test settings reach a receiver on their own machine; production leaves it empty.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from .webhook_conf import webhook_setting

NOT_PUBLIC = (
    "Webhooks are only sent to public internet addresses; this host is (or resolves to) "
    "a loopback, private, link-local or otherwise internal address."
)
NOT_FOUND = "This host name could not be found (DNS)."

#: Never allowed, whatever else is configured: cloud instance metadata services (AWS,
#: GCP, Azure, Oracle, Alibaba, AWS ECS/IPv6), which hand out credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.169.123",
        "192.0.0.192",
        "100.100.100.200",
        "fd00:ec2::254",
    )
)

#: Ranges refused besides what ``ipaddress`` does not call global: spelled out so the
#: rule does not depend on the Python version's tables (3.11.7 calls multicast,
#: 192.0.0.0/24 and NAT64/6to4 addresses "global").
BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches the local host
        "10.0.0.0/8",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, includes the metadata address
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/128",
        "::1/128",
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "ff00::/8",  # multicast
    )
)

#: IPv6 ranges that carry an IPv4 address inside: the embedded address is checked too.
NAT64_NETWORKS = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class ForbiddenWebhookURL(ValidationError):
    """The URL may not be called; the message is fit to show an administrator."""


@dataclass(frozen=True)
class WebhookTarget:
    """A checked URL: where to connect (``addresses``) and what to ask for (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple


def _embedded_ipv4(address):
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in NAT64_NETWORKS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed_networks():
    return [
        ipaddress.ip_network(network, strict=False)
        for network in webhook_setting("ALLOWED_PRIVATE_NETWORKS")
    ]


def is_public_address(address):
    """Whether a webhook may connect to ``address`` (an ``ipaddress`` object)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None and not is_public_address(embedded):
        return False
    if address in METADATA_ADDRESSES or embedded in METADATA_ADDRESSES:
        return False
    if any(address in network for network in _allowed_networks()):
        return True
    if any(address in network for network in BLOCKED_NETWORKS):
        return False
    return address.is_global and not address.is_multicast


def _is_local_name(host):
    """``localhost`` and ``*.localhost`` always mean this machine (RFC 6761)."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def resolve(host, port):
    """Every address ``host`` resolves to, in the resolver's order, without repeats."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as failure:
        raise ForbiddenWebhookURL(NOT_FOUND, code="webhook_host_not_found") from failure
    addresses = []
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def parse_webhook_url(url):
    """The scheme, host, port and path of ``url``, refusing what is never allowed."""
    allowed_schemes = {"https", "http"} if webhook_setting("ALLOW_HTTP") else {"https"}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as failure:
        raise ForbiddenWebhookURL("Enter a valid URL.", code="invalid") from failure
    if parts.scheme not in allowed_schemes:
        raise ForbiddenWebhookURL(
            "Webhook URLs must start with https://.", code="webhook_scheme_not_allowed"
        )
    if parts.username is not None or parts.password is not None:
        raise ForbiddenWebhookURL(
            "Put no user name or password in the URL; the signature authenticates requests.",
            code="webhook_userinfo",
        )
    host = parts.hostname
    if not host:
        raise ForbiddenWebhookURL("Enter a valid URL.", code="invalid")
    if _is_local_name(host):
        raise ForbiddenWebhookURL(NOT_PUBLIC, code="webhook_address_not_allowed")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def check_webhook_url(url):
    """A ``WebhookTarget`` for ``url`` once its host resolves only to public addresses.

    Raises ``ForbiddenWebhookURL`` otherwise. One internal address among several is
    enough to refuse: the connection could be made to any of them.
    """
    scheme, host, port, path = parse_webhook_url(url)
    addresses = resolve(host, port)
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise ForbiddenWebhookURL(NOT_PUBLIC, code="webhook_address_not_allowed")
    return WebhookTarget(scheme, host, port, path, tuple(str(a) for a in addresses))


def validate_webhook_url(url):
    """Model-field validator: refuse, at save, a URL the delivery would refuse."""
    check_webhook_url(url)
