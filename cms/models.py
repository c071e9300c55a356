"""Models of the shared machinery: preview snapshots and webhooks."""

import secrets
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinLengthValidator
from django.db import models

from .webhook_guard import validate_webhook_url

#: Shortest webhook secret accepted: an HMAC key that can be guessed lets anyone forge
#: the signature. Endpoints saved before this rule keep working (see cms.checks).
MIN_WEBHOOK_SECRET_LENGTH = 32


class PreviewSnapshot(models.Model):
    """A draft exactly as an editor previewed it, for the frontend to fetch by token.

    Wagtail's preview renders the unsaved form; a headless frontend cannot see
    that object, so its serialised content is kept here for a short while and
    the frontend is given a signed, expiring token that points at this row.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    content = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "preview snapshot"

    def __str__(self):
        return f"Preview of {self.content_type} {self.object_id or '(new)'}"

    def as_object(self):
        model = self.content_type.model_class()
        return model.from_serializable_data(self.content, check_fks=False)


def new_webhook_secret():
    """43 random URL-safe characters (32 bytes), the default of every new endpoint."""
    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    GO_LIVE = "go_live", "Scheduled content went live"
    DELETE = "delete", "Deleted"


def all_webhook_events():
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    """A URL told about every publish, unpublish, go-live and delete (see cms.webhooks)."""

    name = models.CharField(
        max_length=100, help_text="What this endpoint is, e.g. “Frontend cache”."
    )
    url = models.URLField(
        max_length=500,
        validators=[validate_webhook_url],
        help_text="Where to send the JSON POST: an https:// URL on the public internet.",
    )
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        validators=[
            MinLengthValidator(
                MIN_WEBHOOK_SECRET_LENGTH,
                f"Use a secret of at least {MIN_WEBHOOK_SECRET_LENGTH} characters "
                "(the one generated for a new endpoint is strong).",
            )
        ],
        help_text="Shared secret: each request carries X-CMS-Signature, the HMAC-SHA256 of "
        "its body with this secret. A strong one is generated: copy it to the receiver "
        "now; keep it private.",
    )
    events = models.JSONField(
        default=all_webhook_events,
        help_text="Which events to send.",
    )
    active = models.BooleanField(default=True, help_text="Untick to pause deliveries.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["name"]

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint, with every attempt to deliver it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (endpoint deactivated)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=20, choices=WebhookEvent.choices)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_event_display()} → {self.endpoint}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = "webhook attempt"
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"Attempt {self.number} of {self.delivery}"
