"""Webhooks: tell other systems at once when published content changes.

Publishing, unpublishing, scheduled go-live and deleting any page or snippet
(and saving a snippet without drafts, which publishes it) create one
``WebhookDelivery`` per active endpoint that wants the event. After the
transaction commits, delivery is queued on the ``webhooks`` task backend (the
database, worked by ``manage.py db_worker --backend webhooks``): the editor's
save never waits for a receiver. Each attempt POSTs the JSON payload with
``X-CMS-Signature: sha256=<HMAC-SHA256 of the body with the endpoint's
secret>`` and is logged; failures retry with exponential backoff.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("cms.webhooks")

DEFAULTS = {"TIMEOUT_SECONDS": 5, "MAX_ATTEMPTS": 6, "RETRY_BASE_SECONDS": 30}


def webhook_setting(name):
    return getattr(settings, "CMS_WEBHOOKS", {}).get(name, DEFAULTS[name])


def describe(instance):
    """The payload fields that identify what changed."""
    from wagtail.models import Page

    path = None
    if isinstance(instance, Page):
        path = instance.get_url() if instance.pk and instance.url_path else None
    return {
        "model": f"{instance._meta.app_label}.{instance._meta.model_name}",
        "id": instance.pk,
        "slug": getattr(instance, "slug", None),
        "url_path": path,
        "title": str(instance),
    }


def emit(event, instance):
    """Create the deliveries for ``event`` and queue them once the transaction commits."""
    from .models import WebhookDelivery, WebhookEndpoint

    try:
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(active=True)
            if event in (endpoint.events or [])
        ]
        if not endpoints:
            return
        subject = describe(instance)
        for endpoint in endpoints:
            delivery = WebhookDelivery(endpoint=endpoint, event=event, payload={})
            delivery.payload = {
                "event": event,
                **subject,
                "timestamp": timezone.now().isoformat(),
                "delivery_id": str(delivery.delivery_id),
            }
            delivery.save()
            transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.enqueue(pk))
    except Exception:  # an editor's save must never fail because of a webhook
        logger.exception("Could not queue webhooks for %s %r", event, instance)


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempt):
    """Seconds before attempt ``attempt + 1``: base, 2×base, 4×base, …"""
    return webhook_setting("RETRY_BASE_SECONDS") * 2 ** (attempt - 1)


@task(backend="webhooks", queue_name="webhooks")
def deliver_webhook(delivery_pk):
    from .models import WebhookAttempt, WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.SUCCEEDED,
        WebhookDelivery.Status.FAILED,
    ):
        return
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "research-cms-webhooks/1",
            "X-CMS-Event": delivery.event,
            "X-CMS-Delivery": str(delivery.delivery_id),
            "X-CMS-Signature": sign(endpoint.secret, body),
        },
    )
    number = delivery.attempts + 1
    started = timezone.now()
    clock = time.perf_counter()
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=webhook_setting("TIMEOUT_SECONDS")) as reply:
            code = reply.status
    except urllib.error.HTTPError as failure:
        code, error = failure.code, f"HTTP {failure.code}"
    except Exception as failure:  # timeouts, refused connections, DNS: all retried
        error = f"{type(failure).__name__}: {failure}"
    succeeded = code is not None and 200 <= code < 300
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=started,
        duration_ms=round((time.perf_counter() - clock) * 1000),
        response_code=code,
        error=error,
        succeeded=succeeded,
    )
    delivery.attempts = number
    if succeeded:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.SUCCEEDED, None
    elif number < webhook_setting("MAX_ATTEMPTS"):
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(number))
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    else:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        logger.warning(
            "Webhook %s to %s failed after %s attempts", delivery.delivery_id, endpoint.url, number
        )
    delivery.save(update_fields=["attempts", "status", "next_attempt_at"])
