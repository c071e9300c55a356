from django import forms
from django.http import Http404
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.documents import get_document_model
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from .edit_conflicts import add_conflict_message
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .visibility import is_public


@hooks.register("before_serve_document", order=-1)
def refuse_non_public_document(document, request):
    """A document the public may not see (``cms.visibility``: an embargoed paper's PDF,
    a file in a private collection) is a 404 for everyone but the editors who may use
    it in the admin; before Wagtail's own check, which would reveal that it exists."""
    if is_public(document):
        return None
    user = request.user
    permissions = policy_registry.get_by_type(get_document_model())
    if user.is_authenticated and permissions.user_has_any_permission_for_instance(
        user, ["change", "choose"], document
    ):
        return None
    raise Http404("No document matches the given query.")


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Which events to send to this endpoint.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "active"]


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    form_fields = ["name", "url", "secret", "events", "active"]
    icon = "link-external"
    menu_label = "Webhook endpoints"
    list_display = ["name", "url", "active"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


class DeliveryLogPolicy(ModelPermissionPolicy):
    """The delivery log can be read by whoever may manage endpoints, and edited by no one."""

    def user_has_permission(self, user, action):
        if action in {"add", "change", "delete"}:
            return False
        return user.has_perm("cms.change_webhookendpoint") or user.has_perm(
            "cms.view_webhookdelivery"
        )


register_permission_policy(WebhookDelivery, DeliveryLogPolicy(WebhookDelivery))


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    icon = "history"
    menu_label = "Webhook deliveries"
    list_display = ["__str__", "event", "status", "attempts", "created_at"]
    list_filter = ["status", "event", "endpoint"]
    inspect_view_enabled = True
    inspect_view_fields = ["endpoint", "event", "status", "attempts", "next_attempt_at", "payload"]
    copy_view_enabled = False
    form_fields = ["status"]


class WebhooksGroup(ViewSetGroup):
    items = (WebhookEndpointViewSet, WebhookDeliveryViewSet)
    menu_icon = "link-external"
    menu_label = "Webhooks"
    menu_name = "webhooks"
    add_to_admin_menu = True
    menu_order = 900


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    return WebhooksGroup()


@hooks.register("before_edit_page")
def explain_outdated_page_form(request, page):
    add_conflict_message(request, page)


@hooks.register("before_edit_snippet")
def explain_outdated_snippet_form(request, snippet):
    add_conflict_message(request, snippet)
