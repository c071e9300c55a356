"""Behind trusted proxies the rate limit counts the address the nearest trusted proxy saw,
never one the client wrote itself into ``X-Forwarded-For``."""

import json

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
QUERY = json.dumps({"query": "{ researchDomains { edges { node { slug } } } }"})
PROXY = "10.0.0.1"  # REMOTE_ADDR: the last proxy, which connects to us


def post(client, forwarded_for):
    return client.post(
        ENDPOINT,
        data=QUERY,
        content_type="application/json",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def limited_to_two_requests(trusted_proxies):
    return override_settings(
        CMS_API={
            **settings.CMS_API,
            "RATE_LIMIT_REQUESTS": 2,
            "RATE_LIMIT_WINDOW": 3600,
            "TRUSTED_PROXIES": trusted_proxies,
        }
    )


@pytest.mark.parametrize(
    ("trusted_proxies", "chain"),
    [
        # One proxy (a CDN) appends the address it saw: the rightmost entry.
        (1, "{fake}, 203.0.113.5"),
        # Two proxies (a CDN, then a load balancer): the CDN's entry is second from the right.
        (2, "{fake}, 203.0.113.5, 198.51.100.20"),
    ],
)
def test_a_made_up_leftmost_address_does_not_open_a_new_bucket(client, trusted_proxies, chain):
    with limited_to_two_requests(trusted_proxies):
        first = post(client, chain.format(fake="192.0.2.1"))
        second = post(client, chain.format(fake="192.0.2.2"))
        third = post(client, chain.format(fake="192.0.2.3"))
        other_client = post(client, chain.replace("203.0.113.5", "203.0.113.99").format(fake="x"))
    assert [first.status_code, second.status_code] == [200, 200]
    assert third.status_code == 429
    assert [error["extensions"]["code"] for error in third.json()["errors"]] == ["RATE_LIMITED"]
    assert other_client.status_code == 200


def test_without_trusted_proxies_the_header_is_ignored(client):
    with limited_to_two_requests(0):
        statuses = [post(client, f"192.0.2.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]  # all from the proxy's own address
