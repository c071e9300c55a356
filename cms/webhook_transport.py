"""POST a webhook to the addresses that were checked, and say only how it went in general.

``urllib`` resolves the host name again when it connects and follows redirects: either
lets a receiver that passed the check (``cms.webhook_guard``) send the request on to an
internal address. Here the connection goes to a checked IP address while the Host
header, TLS SNI and certificate check use the URL's name; a 3xx answer is a failure,
never followed.

Failures are reported as one of a few fixed reasons. The exception text ("Connection
refused", "RemoteDisconnected", a TLS alert…) tells a closed port from a listening
service that does not speak HTTP; shown in the delivery log it would turn webhooks into
a port scanner.
"""

import http.client
import socket
import ssl

CONNECTION_FAILED = "connection failed"
TIMED_OUT = "timed out"


class DeliveryFailed(Exception):
    """A delivery that got no HTTP answer; ``reason`` is one of the fixed texts above."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _PinnedAddressMixin:
    """Connects to ``addresses`` (tried in order), not to what ``host`` resolves to now."""

    def __init__(self, host, port, *, addresses, **kwargs):
        super().__init__(host, port, **kwargs)
        self._addresses = addresses
        self._create_connection = self._connect_to_checked_address

    def _connect_to_checked_address(self, _host_and_port, timeout, source_address=None):
        last_failure = None
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), timeout, source_address)
            except OSError as failure:
                last_failure = failure
        raise last_failure or OSError("no address")


class PinnedHTTPConnection(_PinnedAddressMixin, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedAddressMixin, http.client.HTTPSConnection):
    """TLS to the checked address, with SNI and certificate check for the URL's host name
    (``HTTPSConnection.connect`` wraps the socket with ``server_hostname=self.host``)."""


def post(target, body, headers, timeout):
    """POST ``body`` to ``target`` (a ``WebhookTarget``); the HTTP status code.

    Raises ``DeliveryFailed`` when no HTTP answer came. The answer's body is never read.
    """
    if target.scheme == "https":
        connection = PinnedHTTPSConnection(
            target.host,
            target.port,
            addresses=target.addresses,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = PinnedHTTPConnection(
            target.host, target.port, addresses=target.addresses, timeout=timeout
        )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    except TimeoutError as failure:  # socket.timeout is TimeoutError since Python 3.10
        raise DeliveryFailed(TIMED_OUT) from failure
    except (OSError, http.client.HTTPException, ValueError) as failure:
        raise DeliveryFailed(CONNECTION_FAILED) from failure
    finally:
        connection.close()
