"""``preview(token:)``: the draft an editor is previewing, for the frontend, and
``previewStatus(token:)``: how it stands against what readers see (the banner).

Apps register the GraphQL type of each previewable snippet model with
``register_preview_type``; page types come from grapple's registry. A missing,
tampered or expired token is a ``FORBIDDEN`` error: never the live version
silently, never a 500. Preview answers are never cached (``cms.api.views``).
"""

import graphene
from grapple.registry import registry
from wagtail.documents import get_document_model
from wagtail.fields import StreamField
from wagtail.images import get_image_model

from cms.preview import (
    InvalidPreviewToken,
    PublishingStatus,
    object_for_preview_token,
    publishing_status,
)
from cms.visibility import PUBLIC_MARK

from .errors import ForbiddenError
from .streams import leaf_values

#: Model class → graphene type, for previewable models that are not pages.
PREVIEW_TYPES = {}


def register_preview_type(model, graphene_type):
    PREVIEW_TYPES[model] = graphene_type


def preview_object(token):
    try:
        draft = object_for_preview_token(token)
    except InvalidPreviewToken as error:
        raise ForbiddenError(error.message) from None
    reveal_own_files(draft)
    return draft


class PreviewStatus(graphene.Enum):
    """How a previewed item stands against what readers see now."""

    DRAFT = PublishingStatus.DRAFT.value
    PUBLISHED = PublishingStatus.PUBLISHED.value
    UNPUBLISHED_CHANGES = PublishingStatus.UNPUBLISHED_CHANGES.value

    @property
    def description(self):
        return STATUS_DESCRIPTIONS[self.value]


STATUS_DESCRIPTIONS = {
    "draft": "Not published (never yet, or unpublished or expired): readers see nothing of it.",
    "published": "Live, and the preview is the live version plus any edits not saved yet.",
    "unpublished_changes": "Live, with saved changes newer than the live version (a draft "
    "or an autosave): readers see the live version until the changes are published.",
}


def reveal_own_files(draft):
    """A preview shows the draft's own images and documents, public or not yet: an
    editor previews a story before its new portrait is used by anything live.
    Only the instances inside this draft are marked, nothing else in the answer."""
    media_models = (get_image_model(), get_document_model())
    for field in draft._meta.concrete_fields:
        if field.is_relation and field.related_model in media_models:
            files = [getattr(draft, field.name)]
        elif isinstance(field, StreamField):
            stream = getattr(draft, field.name)
            files = [value for child in stream or () for value in leaf_values(child.value)]
        else:
            continue
        for file in files:
            if isinstance(file, media_models):
                setattr(file, PUBLIC_MARK, True)


def preview_type_of(instance):
    """The GraphQL type of a previewed draft. (A module function rather than the union's
    method, built once at import: mutation testing swaps in a changed function only when
    it is called.)"""
    return registry.pages.get(type(instance)) or PREVIEW_TYPES.get(type(instance))


def preview_query():
    # Grapple's page registry holds the project's page models only: Wagtail's own Page
    # is its fallback type, never a key.
    page_types = tuple(registry.pages.values())

    class PreviewContent(graphene.Union):
        """Anything an editor can preview: a page, or a snippet with drafts and previews."""

        class Meta:
            types = page_types + tuple(PREVIEW_TYPES.values())

        @classmethod
        def resolve_type(cls, instance, info):
            return preview_type_of(instance)

    class PreviewQuery:
        preview = graphene.Field(
            PreviewContent,
            required=True,
            description="The draft behind a preview token from the admin's preview (valid for "
            "an hour). An invalid or expired token is a FORBIDDEN error.",
            token=graphene.String(required=True, description="The `token` of the preview URL."),
        )

        preview_status = graphene.Field(
            PreviewStatus,
            required=True,
            description="Whether the draft behind a preview token is published, and whether "
            "it has changes readers do not see yet (for the preview's banner). An invalid or "
            "expired token is a FORBIDDEN error, as for `preview`.",
            token=graphene.String(required=True, description="The `token` of the preview URL."),
        )

        def resolve_preview(root, info, token):
            return preview_object(token)

        def resolve_preview_status(root, info, token):
            try:
                previewed = object_for_preview_token(token)
            except InvalidPreviewToken as error:
                raise ForbiddenError(error.message) from None
            return publishing_status(previewed).value

    return PreviewQuery
