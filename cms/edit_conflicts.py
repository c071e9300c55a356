"""Optimistic concurrency for the admin's edit forms: a save from an outdated form is refused.

Two editors open the same page or publication; one publishes a new title; the
other then publishes the form they opened earlier with only the venue changed.
Wagtail accepts both, so the first editor's title silently disappears from the
live item (issue 12). Wagtail 8's editing sessions only *warn*, in the browser,
and its own revision check guards autosave requests only.

So every edit form carries a version token: the newest revision of the object
when the form was rendered (``NO_REVISION`` if it has none yet). Saving a draft,
publishing, submitting for moderation or reverting from a form whose token is no
longer the newest is refused in the form's ``clean()``, before anything is
written: the form comes back with the editor's input and a message names who
saved the newer version and when, with a link to compare the versions.

The token is the revision's id *and* creation time, because Wagtail's autosave
overwrites its own draft revision in place (same id, newer ``created_at``).
An editor's own autosaves never make their form outdated: each autosave answer
carries the form's new token (``get_field_updates_for_resave``), which Wagtail's
autosave script writes back into the form.

A request without a token at all (not sent from an admin form rendered by this
code) is not checked, like Wagtail's own check when it lacks information.
The check and the write are not under one lock: two saves landing within the
same few milliseconds can still both pass.
"""

from dataclasses import dataclass

from django import forms
from django.core import checks
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.utils import get_user_display_name
from wagtail.models import DraftStateMixin, Page, Revision

from .slug_conflicts import SlugConflictMessageMixin

#: The hidden form field holding the version token.
FIELD_NAME = "edited_version"
#: The token of an object that had no revision when the form was rendered.
NO_REVISION = "none"


def newest_revision(obj):
    """Newest by creation time, not id: autosave rewrites a revision in place."""
    return (
        Revision.objects.for_instance(obj)
        .select_related("user")
        .order_by("-created_at", "-pk")
        .first()
    )


def version_token(revision):
    if revision is None:
        return NO_REVISION
    return f"{revision.pk}@{revision.created_at.isoformat()}"


def current_version(obj):
    """The token an edit form for ``obj`` opened right now would carry."""
    return version_token(newest_revision(obj))


def revision_id_in(token):
    revision_id = token.partition("@")[0]
    return int(revision_id) if revision_id.isdigit() else None


@dataclass(frozen=True)
class EditConflict:
    """A newer revision than the one the editor's form was opened on."""

    obj: object
    newer: Revision
    opened_revision_id: int | None

    def what_happened(self, viewer):
        """'Maria Lopez published a newer version at 14:02 while you were editing.'"""
        if self.newer.user_id is not None and self.newer.user_id == getattr(viewer, "pk", None):
            who, where = "You", " in another window"
        else:
            who, where = get_user_display_name(self.newer.user) or "Someone", ""
        return f"{who} {self.verb()} a newer version {self.when()}{where} while you were editing."

    def message(self, viewer):
        return (
            f"{self.what_happened(viewer)} Review the newer version, then copy your changes over."
        )

    def verb(self):
        if self.newer.approved_go_live_at is not None:
            return "scheduled"
        if isinstance(self.obj, DraftStateMixin):
            live_revision_id = (
                type(self.obj)
                ._default_manager.filter(pk=self.obj.pk)
                .values_list("live_revision_id", flat=True)
                .first()
            )
            if live_revision_id == self.newer.pk:
                return "published"
        return "saved"

    def when(self):
        created = timezone.localtime(self.newer.created_at)
        time = date_format(created, "H:i")
        if created.date() == timezone.localdate():
            return f"at {time}"
        return f"on {date_format(created, 'j M Y')} at {time}"

    def review_url(self):
        """Compare the opened version with the newer one; the history if that is impossible."""
        opened = self.opened_revision_id
        comparable = (
            opened is not None
            and opened != self.newer.pk
            and Revision.objects.for_instance(self.obj).filter(pk=opened).exists()
        )
        if isinstance(self.obj, Page):
            if comparable:
                compare = "wagtailadmin_pages:revisions_compare"
                return reverse(compare, args=(self.obj.pk, opened, self.newer.pk))
            return reverse("wagtailadmin_pages:history", args=(self.obj.pk,))
        viewset = getattr(type(self.obj), "snippet_viewset", None)
        if viewset is None:
            return AdminURLFinder().get_edit_url(self.obj)
        try:
            if comparable:
                return reverse(
                    viewset.get_url_name("revisions_compare"),
                    args=(self.obj.pk, opened, self.newer.pk),
                )
            return reverse(viewset.get_url_name("history"), args=(self.obj.pk,))
        except NoReverseMatch:
            return None


def find_conflict(obj, submitted_token):
    """The conflict if ``obj`` has a newer revision than the submitted token names."""
    if not submitted_token or obj.pk is None:
        return None
    newer = newest_revision(obj)
    if newer is None or version_token(newer) == submitted_token:
        return None
    return EditConflict(obj, newer, revision_id_in(submitted_token))


class VersionTokenField(forms.CharField):
    """Bookkeeping, not content: it never counts as a change to the object."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class VersionCheckedFormMixin:
    """Adds the version token to an admin form and refuses a save from an outdated one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opened_version = ""
        if self.instance.pk is not None and not self.is_bound:
            opened_version = current_version(self.instance)
        self.fields[FIELD_NAME] = VersionTokenField(required=False, initial=opened_version)

    def clean(self):
        cleaned_data = super().clean()
        conflict = find_conflict(self.instance, cleaned_data.get(FIELD_NAME))
        if conflict is not None:
            self.add_error(
                None,
                f"Nothing was saved: {conflict.what_happened(self.for_user)} "
                "Your changes are still in this form.",
            )
        return cleaned_data

    def get_field_updates_for_resave(self):
        """After an autosave the form carries the version it just saved, so it stays current."""
        updates = list(super().get_field_updates_for_resave())
        if self.instance.pk is not None:
            updates.append((self.add_prefix(FIELD_NAME), current_version(self.instance)))
        return updates


class VersionCheckedModelForm(VersionCheckedFormMixin, WagtailAdminModelForm):
    """Base form for snippets with revisions (``base_form_class``)."""


class VersionCheckedPageForm(
    VersionCheckedFormMixin, SlugConflictMessageMixin, WagtailAdminPageForm
):
    """Base form for every page type (``base_form_class``)."""


def add_conflict_message(request, obj):
    """Before an edit is processed: tell the editor whose newer version stopped it, with a link.

    The form refuses the save on its own; this adds the message with the "Review
    the newer version" button, which a form error cannot carry. Autosave requests
    (JSON) get Wagtail's own error answer instead.
    """
    if request.method != "POST" or not request.accepts("text/html"):
        return
    conflict = find_conflict(obj, request.POST.get(FIELD_NAME))
    if conflict is None:
        return
    review_url = conflict.review_url()
    buttons = []
    if review_url:
        buttons.append(messages.button(review_url, "Review the newer version", new_window=True))
    messages.error(request, conflict.message(request.user), buttons=buttons)


def check_edit_forms_are_version_checked(app_configs=None, **kwargs):
    """cms.E001: a page type or snippet with revisions whose edit form skips the check."""
    from wagtail.models import RevisionMixin, get_page_models
    from wagtail.snippets.models import get_snippet_models

    models = [model for model in get_page_models() if model is not Page]
    models += [model for model in get_snippet_models() if issubclass(model, RevisionMixin)]
    return [
        checks.Error(
            f"{model._meta.label}'s admin form does not refuse saves from outdated forms.",
            hint="Set base_form_class to cms.edit_conflicts.VersionCheckedPageForm "
            "(pages) or VersionCheckedModelForm (snippets), or a subclass.",
            obj=model,
            id="cms.E001",
        )
        for model in models
        if not issubclass(
            getattr(model, "base_form_class", None) or object, VersionCheckedFormMixin
        )
    ]
