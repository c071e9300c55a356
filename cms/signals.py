"""Invalidate cached API responses whenever published content changes.

Publishing, unpublishing, scheduling going live and deleting any page or
snippet, and saving any object of a content app, bump the content generation
(``cms.api.cache``): the editor's request has not returned yet when the next
reader is already served fresh data. It bumps again after the transaction
commits, so a reader who cached the old state in between is not served it.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, published, unpublished

from .api.cache import bump_content_generation
from .api.conf import api_setting


def invalidate(**kwargs):
    if kwargs.get("raw"):
        return
    bump_content_generation()
    transaction.on_commit(bump_content_generation)


def _content_model(sender):
    return sender._meta.app_label in api_setting("CONTENT_APPS")


def invalidate_on_model_change(sender, **kwargs):
    if _content_model(sender):
        invalidate(**kwargs)


def connect():
    for signal in (page_published, page_unpublished, published, unpublished):
        signal.connect(invalidate, dispatch_uid=f"cms-api-invalidate-{id(signal)}")
    for signal in (post_save, post_delete):
        signal.connect(invalidate_on_model_change, dispatch_uid=f"cms-api-model-{id(signal)}")
    # Every content app must be installed: a typo would silently stop invalidation.
    for label in api_setting("CONTENT_APPS"):
        apps.get_app_config(label)
