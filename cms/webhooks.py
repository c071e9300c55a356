"""Webhooks: tell other systems at once when published content changes.

Publishing, unpublishing, scheduled go-live and deleting any page or snippet
(and saving a snippet without drafts, which publishes it) create one
``WebhookDelivery`` per active endpoint that wants the event. After the
transaction commits, delivery is queued on the ``webhooks`` task backend (the
database, worked by ``manage.py db_worker --backend webhooks``): the editor's
save never waits for a receiver. Each attempt POSTs the JSON payload with
``X-CMS-Signature: sha256=<HMAC-SHA256 of the body with the endpoint's
secret>`` and is logged; failures retry with exponential backoff.

Each attempt checks the URL again (``cms.webhook_guard``: https, public addresses
only) and connects to the addresses it checked (``cms.webhook_transport``: no
redirects, generic failure reasons). A queued retry is dropped once its endpoint is
deactivated or deleted.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .webhook_conf import webhook_setting
from .webhook_guard import ForbiddenWebhookURL, check_webhook_url
from .webhook_transport import DeliveryFailed, post

logger = logging.getLogger("cms.webhooks")

#: Logged when the URL is refused at delivery (it passed at save, or was stored around
#: the form): final, never retried, and never sent.
ADDRESS_NOT_ALLOWED = "address not allowed"


def describe(instance, tags):
    """The payload fields that identify what changed, with the cache tags its change
    purges (``cms.signals.tags_purged_for``): a frontend revalidates what it tagged
    with them."""
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
        "tags": sorted(set(tags)),  # each once, however many changes purged it
    }


def emit(event, instance, tags):
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
        subject = describe(instance, tags)
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


def send(endpoint, delivery):
    """One attempt: ``(response code or None, error text)``; the text is generic."""
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "research-cms-webhooks/1",
        "X-CMS-Event": delivery.event,
        "X-CMS-Delivery": str(delivery.delivery_id),
        "X-CMS-Signature": sign(endpoint.secret, body),
    }
    try:
        target = check_webhook_url(endpoint.url)
    except ForbiddenWebhookURL:
        return None, ADDRESS_NOT_ALLOWED
    try:
        code = post(target, body, headers, timeout=webhook_setting("TIMEOUT_SECONDS"))
    except DeliveryFailed as failure:
        return None, failure.reason
    if 300 <= code < 400:
        return code, f"HTTP {code} (redirects are not followed)"
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


@task(backend="webhooks", queue_name="webhooks")
def deliver_webhook(delivery_pk):
    from .models import WebhookAttempt, WebhookDelivery

    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_pk).first()
    if delivery is None or delivery.status in (
        WebhookDelivery.Status.SUCCEEDED,
        WebhookDelivery.Status.FAILED,
        WebhookDelivery.Status.CANCELLED,
    ):
        return  # delivered, given up, or its endpoint was deleted (with its deliveries)
    endpoint = delivery.endpoint
    if not endpoint.active:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.CANCELLED, None
        delivery.save(update_fields=["status", "next_attempt_at"])
        return
    number = delivery.attempts + 1
    started = timezone.now()
    clock = time.perf_counter()
    code, error = send(endpoint, delivery)
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
    elif error != ADDRESS_NOT_ALLOWED and number < webhook_setting("MAX_ATTEMPTS"):
        delivery.status = WebhookDelivery.Status.RETRYING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(number))
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    else:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        logger.warning(
            "Webhook %s to %s failed after %s attempts", delivery.delivery_id, endpoint.url, number
        )
    delivery.save(update_fields=["attempts", "status", "next_attempt_at"])
