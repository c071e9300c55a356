"""Purge edge caches by cache tag when public content changes.

After a transaction that changed content commits, ``cms.signals`` asks every backend
configured in ``CMS_PURGE_BACKENDS`` to purge the tags of what changed, in the style of
``wagtail.contrib.frontend_cache``, once the caches of the app (the receivers of
``cms.publishing.changes_committed``) have dropped the old state: a reader the purge
sends to the origin must not be answered from an app cache that still holds it::

    CMS_PURGE_BACKENDS = {
        "varnish": {
            "BACKEND": "cms.purging.VarnishBackend",
            "LOCATION": ["http://127.0.0.1:8080"],
        },
        "cloudflare": {
            "BACKEND": "cms.purging.CloudflareBackend",
            "ZONE_ID": "...",
            "API_TOKEN": "...",  # a token allowed Zone.Cache Purge
        },
        "fastly": {
            "BACKEND": "cms.purging.FastlyBackend",
            "SERVICE_ID": "...",
            "API_TOKEN": "...",
        },
    }

A failed purge is logged and counted (``cms_purges_total{result="failed"}``), never
raised: the editor's publish has committed already. The answers the edge keeps
are bounded by ``s-maxage`` anyway.
"""

import json
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from . import metrics

logger = logging.getLogger("cms.purging")

#: Seconds a purge request may take.
TIMEOUT = 5


class PurgeBackend:
    """Purges a set of cache tags somewhere. ``name`` labels its metrics."""

    #: Most tags sent in one request.
    batch_size = 100

    def __init__(self, name, params):
        self.name = name
        self.params = params

    def purge(self, tags):
        tags = sorted(tags)
        for start in range(0, len(tags), self.batch_size):
            batch = tags[start : start + self.batch_size]
            try:
                self.send(batch)
            except Exception as error:  # noqa: BLE001 (any failure is counted, not raised)
                metrics.PURGES.labels(self.name, "failed").inc()
                logger.warning(
                    "Purging %d tags through %s failed: %s", len(batch), self.name, error
                )
            else:
                metrics.PURGES.labels(self.name, "sent").inc()

    def send(self, tags):
        raise NotImplementedError


def _request(method, url, *, headers, body=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        response.read()
        return response.status


class VarnishBackend(PurgeBackend):
    """``PURGE`` with ``xkey-purge: <tags>`` to each Varnish in ``LOCATION``
    (``deploy/varnish/default.vcl`` accepts it from the ``purgers`` ACL only).

    ``xkey-changed-at`` (milliseconds since the epoch, after the commit) closes the race
    a purge by tag leaves open: an answer read before the commit but still on its way
    to Varnish when the purge arrives would be stored after it, and served stale until
    the next one. Varnish keeps no answer whose ``X-Content-Read-At`` (``cms.api.views``)
    is not later than the latest purge's moment. The app servers' clocks must agree
    (NTP): an app server ahead of the one that purged by more than an answer takes
    could have its old answer kept."""

    def send(self, tags):
        headers = {"xkey-purge": " ".join(tags), "xkey-changed-at": str(int(time.time() * 1000))}
        for location in self.params["LOCATION"]:
            _request("PURGE", location.rstrip("/") + "/", headers=headers)


class CloudflareBackend(PurgeBackend):
    """Cloudflare's purge by cache tag (``Cache-Tag`` header), 30 tags per call."""

    batch_size = 30

    def send(self, tags):
        base = self.params.get("BASE_URL", "https://api.cloudflare.com/client/v4")
        _request(
            "POST",
            f"{base.rstrip('/')}/zones/{self.params['ZONE_ID']}/purge_cache",
            headers={
                "Authorization": f"Bearer {self.params['API_TOKEN']}",
                "Content-Type": "application/json",
            },
            body=json.dumps({"tags": tags}).encode(),
        )


class FastlyBackend(PurgeBackend):
    """Fastly's purge by surrogate key (``Surrogate-Key`` header), 256 keys per call."""

    batch_size = 256

    def send(self, tags):
        base = self.params.get("BASE_URL", "https://api.fastly.com")
        headers = {"Fastly-Key": self.params["API_TOKEN"], "Surrogate-Key": " ".join(tags)}
        if self.params.get("SOFT_PURGE"):
            headers["Fastly-Soft-Purge"] = "1"
        _request(
            "POST",
            f"{base.rstrip('/')}/service/{self.params['SERVICE_ID']}/purge",
            headers=headers,
        )


def backends():
    configured = getattr(settings, "CMS_PURGE_BACKENDS", {})
    return [import_string(params["BACKEND"])(name, params) for name, params in configured.items()]


def purge(tags):
    """Purge ``tags`` on every configured backend."""
    if not tags:
        return
    for backend in backends():
        backend.purge(tags)
