"""``preview(token:)``: the draft an editor is previewing, for the frontend.

Apps register the GraphQL type of each previewable snippet model with
``register_preview_type``; page types come from grapple's registry. A missing,
tampered or expired token is a ``FORBIDDEN`` error: never the live version
silently, never a 500. Preview answers are never cached (``cms.api.views``).
"""

import graphene
from grapple.registry import registry
from wagtail.models import Page

from cms.preview import InvalidPreviewToken, object_for_preview_token

from .errors import ForbiddenError

#: Model class → graphene type, for previewable models that are not pages.
PREVIEW_TYPES = {}


def register_preview_type(model, graphene_type):
    PREVIEW_TYPES[model] = graphene_type


def preview_object(token):
    try:
        return object_for_preview_token(token)
    except InvalidPreviewToken as error:
        raise ForbiddenError(error.message) from None


def preview_query():
    page_types = tuple(
        node
        for model, node in registry.pages.items()
        if isinstance(model, type) and issubclass(model, Page) and model is not Page
    )

    class PreviewContent(graphene.Union):
        """Anything an editor can preview: a page or a publication."""

        class Meta:
            types = page_types + tuple(PREVIEW_TYPES.values())

        @classmethod
        def resolve_type(cls, instance, info):
            node = registry.pages.get(type(instance)) or PREVIEW_TYPES.get(type(instance))
            return node

    class PreviewQuery:
        preview = graphene.Field(
            PreviewContent,
            required=True,
            description="The draft behind a preview token from the admin's preview (valid for "
            "an hour). An invalid or expired token is a FORBIDDEN error.",
            token=graphene.String(required=True, description="The `token` of the preview URL."),
        )

        def resolve_preview(root, info, token):
            return preview_object(token)

    return PreviewQuery
