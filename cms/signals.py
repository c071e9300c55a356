"""Whenever published content changes: invalidate cached API responses, send webhooks.

Saving or deleting any object of a content app (publishing, unpublishing and
scheduling going live all save the page's or snippet's row) bumps the content generation
(``cms.api.cache``): the editor's request has not returned yet when the next
reader is already served fresh data. It bumps again after the transaction
commits, so a reader who cached the old state in between is not served it, and
then looks up the next expiry time that cached answers must not outlive.
"""

from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page
from wagtail.signals import published, unpublished
from wagtail.snippets.models import get_snippet_models

from . import webhooks
from .api.cache import (
    bump_content_generation,
    forget_next_expiry_time,
    refresh_next_expiry_time,
)
from .api.conf import api_setting
from .models import WebhookEvent


def invalidate(**kwargs):
    if kwargs.get("raw"):
        return
    bump_content_generation()
    if not _pending(after_commit):  # one publish saves many rows: once per transaction
        transaction.on_commit(after_commit)


def after_commit():
    bump_content_generation()
    try:
        refresh_next_expiry_time()  # an expiry time may have been set, moved or removed
    except DatabaseError:
        # Mid-``migrate`` (a data migration saving pages) not every table exists yet:
        # forget the time instead; the next read looks it up.
        forget_next_expiry_time()


def _pending(callback):
    """Whether ``callback`` already waits for the current transaction to commit. A
    rolled-back savepoint or transaction drops its callbacks, so the answer stays right."""
    return any(pending is callback for _, pending, _ in transaction.get_connection().run_on_commit)


def _content_model(sender):
    return sender._meta.app_label in api_setting("CONTENT_APPS")


def invalidate_on_model_change(sender, **kwargs):
    if _content_model(sender):
        invalidate(**kwargs)


def webhook_on_publish(sender, instance, **kwargs):
    scheduled = instance.go_live_at is not None and instance.go_live_at <= timezone.now()
    webhooks.emit(WebhookEvent.GO_LIVE if scheduled else WebhookEvent.PUBLISH, instance)


def webhook_on_unpublish(sender, instance, **kwargs):
    webhooks.emit(WebhookEvent.UNPUBLISH, instance)


def _is_snippet(sender):
    return sender in get_snippet_models()


def webhook_on_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        # Deleting a page deletes its specific row and its Page row: report it once.
        if type(instance) is instance.specific_class:
            webhooks.emit(WebhookEvent.DELETE, instance)
    elif _is_snippet(sender):
        webhooks.emit(WebhookEvent.DELETE, instance)


def webhook_on_snippet_save(sender, instance, raw=False, **kwargs):
    """Snippets without drafts are published by saving them."""
    if not raw and _is_snippet(sender) and not isinstance(instance, DraftStateMixin):
        webhooks.emit(WebhookEvent.PUBLISH, instance)


def connect():
    # One invalidation path: publishing, unpublishing and scheduling save the object's row,
    # so ``post_save`` covers them (Wagtail's publish signals would only bump twice).
    for signal in (post_save, post_delete):
        signal.connect(invalidate_on_model_change, dispatch_uid=f"cms-api-model-{id(signal)}")
    published.connect(webhook_on_publish, dispatch_uid="cms-webhooks-publish")
    unpublished.connect(webhook_on_unpublish, dispatch_uid="cms-webhooks-unpublish")
    post_delete.connect(webhook_on_delete, dispatch_uid="cms-webhooks-delete")
    post_save.connect(webhook_on_snippet_save, dispatch_uid="cms-webhooks-snippet-save")
    # Every content app must be installed: a typo would silently stop invalidation.
    for label in api_setting("CONTENT_APPS"):
        apps.get_app_config(label)
