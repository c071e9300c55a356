"""Publishing's events: every saved or deleted row of a content app becomes a
``cms.publishing`` signal, and published content sends webhooks.

Publishing, unpublishing and scheduling going live all save the page's or
snippet's row, so ``post_save`` and ``post_delete`` cover every change of public
state: ``content_changed`` for each row at once, ``changes_committed`` once the
transaction commits. Subscribers (the API's response cache) live above; nothing
here imports them.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page
from wagtail.signals import published, unpublished
from wagtail.snippets.models import get_snippet_models

from . import purging, webhooks
from .models import WebhookEvent
from .publishing import (
    changes_committed,
    content_apps,
    content_changed,
    is_content_model,
    object_tag,
    remember_stored_values,
    tags_of_change,
)


class _CommitNotice:
    """Sends ``changes_committed`` for the rows changed in one transaction, then purges
    their tags at the edges."""

    def __init__(self):
        self.instances = []
        self.tags = set()
        self.tags_by_object = {}  # object tag -> the tags its changes purge
        self.sent = False

    def __call__(self):
        self.sent = True
        changes_committed.send(
            sender=None, instances=tuple(self.instances), tags=frozenset(self.tags)
        )
        # The edges last: purged first, they would refetch from an app cache (Redis) that
        # may still hold an answer read between the change and the commit.
        purging.purge(self.tags)


def _pending_notice():
    """The notice waiting for the current transaction's commit, or ``None``. A rolled-back
    savepoint or transaction drops it with what it collected."""
    for _, callback, _ in transaction.get_connection().run_on_commit:
        if isinstance(callback, _CommitNotice) and not callback.sent:
            return callback
    return None


def _commit_notice():
    """The notice waiting for the current transaction, registered when it is the first
    change."""
    notice = _pending_notice()
    return (notice, False) if notice is not None else (_CommitNotice(), True)


def report_change(sender, instance, deleted=False, raw=False, **kwargs):
    if raw or not is_content_model(sender):
        return
    tags = tags_of_change(instance, whole=deleted)
    content_changed.send(sender=sender, instance=instance, deleted=deleted, tags=tags)
    notice, new = _commit_notice()
    notice.instances.append(instance)
    notice.tags.update(tags)
    notice.tags_by_object.setdefault(object_tag(sender, instance.pk), set()).update(tags)
    if new:  # one publish saves many rows: one notice per transaction
        transaction.on_commit(notice)  # outside a transaction: sent right away


def tags_purged_for(instance):
    """What the current transaction's changes of ``instance`` purge, for its webhook (a
    publish also writes the rows it creates or moves: the lists it enters); outside a
    transaction, as for a change of every field."""
    notice = _pending_notice()
    key = object_tag(type(instance), instance.pk)
    if notice is not None and key in notice.tags_by_object:
        return notice.tags_by_object[key]
    return tags_of_change(instance, whole=True)


def remember_before_save(sender, instance, raw, update_fields, **kwargs):
    """A change purges the scoped lists its object leaves, and an edit of fields browse
    lists ignore purges less: read the row before the save."""
    if not raw and is_content_model(sender):
        remember_stored_values(instance, update_fields)


def report_delete(sender, instance, **kwargs):
    report_change(sender, instance, deleted=True)


def webhook_on_publish(sender, instance, **kwargs):
    scheduled = instance.go_live_at is not None and instance.go_live_at <= timezone.now()
    event = WebhookEvent.GO_LIVE if scheduled else WebhookEvent.PUBLISH
    webhooks.emit(event, instance, tags_purged_for(instance))


def webhook_on_unpublish(sender, instance, **kwargs):
    webhooks.emit(WebhookEvent.UNPUBLISH, instance, tags_purged_for(instance))


def _is_snippet(sender):
    return sender in get_snippet_models()


def webhook_on_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        # Deleting a page deletes its specific row and its Page row: report it once.
        if type(instance) is instance.specific_class:
            webhooks.emit(WebhookEvent.DELETE, instance, tags_purged_for(instance))
    elif _is_snippet(sender):
        webhooks.emit(WebhookEvent.DELETE, instance, tags_purged_for(instance))


def webhook_on_snippet_save(sender, instance, raw, **kwargs):
    """Snippets without drafts are published by saving them."""
    if not raw and _is_snippet(sender) and not isinstance(instance, DraftStateMixin):
        webhooks.emit(WebhookEvent.PUBLISH, instance, tags_purged_for(instance))


def connect():
    # One path for every change: publishing, unpublishing and scheduling save the object's
    # row, so ``post_save`` covers them (Wagtail's publish signals would report them twice).
    # No dispatch_uid: Django knows a receiver by the function itself, so connecting again
    # never adds it twice.
    pre_save.connect(remember_before_save)
    post_save.connect(report_change)
    post_delete.connect(report_delete)
    published.connect(webhook_on_publish)
    unpublished.connect(webhook_on_unpublish)
    post_delete.connect(webhook_on_delete)
    post_save.connect(webhook_on_snippet_save)
    # Every content app must be installed: a typo would silently stop invalidation.
    for label in content_apps():
        apps.get_app_config(label)
