"""Headless preview: the admin's preview opens the frontend with a signed, expiring token.

``HeadlessPreviewMixin`` goes on any previewable page or snippet. When an editor
previews, the unsaved object is stored as a ``PreviewSnapshot`` and the preview
pane shows ``FRONTEND_URL/preview?token=…``. The frontend asks the API for
``preview(token:)``; only a valid, unexpired token returns the draft.
"""

from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.shortcuts import render
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page

SALT = "cms.preview"


def preview_token_seconds():
    return getattr(settings, "PREVIEW_TOKEN_SECONDS", 3600)


def create_preview_token(obj):
    from .models import PreviewSnapshot

    # Snapshots older than any valid token are useless: drop them as new ones come.
    expired_before = timezone.now() - timedelta(seconds=preview_token_seconds())
    PreviewSnapshot.objects.filter(created_at__lt=expired_before).delete()
    snapshot = PreviewSnapshot.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk or ""),
        content=obj.serializable_data(),
    )
    return signing.dumps({"snapshot": snapshot.pk}, salt=SALT)


class InvalidPreviewToken(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def object_for_preview_token(token):
    """The previewed object, or ``InvalidPreviewToken`` saying why not."""
    from .models import PreviewSnapshot

    try:
        payload = signing.loads(token, salt=SALT, max_age=preview_token_seconds())
    except signing.SignatureExpired:
        raise InvalidPreviewToken(
            "This preview link has expired. Open the preview again from the admin."
        ) from None
    except signing.BadSignature:
        raise InvalidPreviewToken("This preview token is not valid.") from None
    snapshot = PreviewSnapshot.objects.filter(pk=payload.get("snapshot")).first()
    if snapshot is None:
        raise InvalidPreviewToken(
            "This preview link has expired. Open the preview again from the admin."
        )
    return snapshot.as_object()


class PublishingStatus(StrEnum):
    """How a previewed item stands against what readers see, for the preview's banner."""

    #: Not live: never published (a new item, or one only saved as drafts), unpublished
    #: or expired. Readers see nothing of it.
    DRAFT = "draft"
    #: Live, and its latest saved revision is the live one: the preview differs from what
    #: readers see only by edits not saved yet.
    PUBLISHED = "published"
    #: Live, with a saved revision newer than the live one (a draft, or an autosave):
    #: readers see the older, live version until it is published.
    UNPUBLISHED_CHANGES = "unpublished_changes"


def publishing_status(obj):
    """The previewed item's status, read from the database now rather than from the
    snapshot: the snapshot copies the form, whose ``live`` flags may be older than the
    last publish (and a brand-new item has no row at all)."""
    if obj.pk is None:
        return PublishingStatus.DRAFT
    if not isinstance(obj, (Page, DraftStateMixin)):
        return PublishingStatus.PUBLISHED  # public once saved (organizations, teams, …)
    model = Page if isinstance(obj, Page) else type(obj)
    row = (
        model._default_manager.filter(pk=obj.pk).values("live", "has_unpublished_changes").first()
    )
    if row is None or not row["live"]:
        return PublishingStatus.DRAFT
    if row["has_unpublished_changes"]:
        return PublishingStatus.UNPUBLISHED_CHANGES
    return PublishingStatus.PUBLISHED


def frontend_preview_url(token):
    return f"{settings.FRONTEND_URL.rstrip('/')}/preview?token={token}"


class HeadlessPreviewMixin:
    """Preview in the frontend instead of a Django template."""

    def serve_preview(self, request, mode_name):
        url = frontend_preview_url(create_preview_token(self))
        return render(request, "cms/headless_preview.html", {"preview_url": url, "object": self})
