"""Webhook settings, overridable through the ``CMS_WEBHOOKS`` setting.

``CMS_WEBHOOKS = {"MAX_ATTEMPTS": 3}`` changes one value; the rest keep the defaults.
"""

from django.conf import settings

DEFAULTS = {
    #: Seconds to connect and to wait for each part of the answer.
    "TIMEOUT_SECONDS": 5,
    #: Attempts per delivery, the first included.
    "MAX_ATTEMPTS": 6,
    #: Wait before the first retry; each later retry waits twice as long.
    "RETRY_BASE_SECONDS": 30,
    #: Also accept plain ``http://`` URLs. For development and tests only: off in
    #: production, where the signature alone does not keep the payload private.
    "ALLOW_HTTP": False,
    #: Networks (CIDR) a webhook may reach although they are not public, e.g.
    #: ``["127.0.0.1/32"]`` for a receiver on the developer's machine. For development
    #: and tests only; empty in production. Metadata addresses stay refused.
    "ALLOWED_PRIVATE_NETWORKS": [],
}


def webhook_setting(name):
    return getattr(settings, "CMS_WEBHOOKS", {}).get(name, DEFAULTS[name])
