"""The admin's "Import from BibTeX": upload or paste, see the plan, confirm, import.

The preview and the import are two requests. The confirmation carries the text
it previewed, the chosen domain and mode, and the plan it showed, all in one
signed field: the import reads exactly what the editor saw (a tampered or
expired field is refused), and if the publications changed in between, the
editor sees the new plan instead of an import they did not check.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .bibtex.importer import apply_plan
from .bibtex.parse import parse_bibtex
from .bibtex.plan import Action, build_plan
from .models import ResearchDomain

#: Larger files belong to ``manage.py import_publications`` (see the README).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: How long a preview can be confirmed.
PREVIEW_MAX_AGE = 60 * 60
SIGNING_SALT = "research.bibtex-import"


class BibtexUploadForm(forms.Form):
    bib_file = forms.FileField(
        label="BibTeX file",
        required=False,
        help_text="A .bib file as Google Scholar, DBLP, Zotero or arXiv export it (up to 2 MB).",
    )
    text = forms.CharField(
        label="Or paste BibTeX entries",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    domain = forms.ModelChoiceField(
        queryset=ResearchDomain.objects.all(),
        label="Research domain",
        empty_label=None,
        help_text="For the new publications; updated ones keep their domain.",
    )
    publish = forms.TypedChoiceField(
        label="Import as",
        choices=[("", "Drafts (publish them later)"), ("publish", "Published publications")],
        coerce=bool,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, may_publish, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish:
            self.fields["publish"].choices = self.fields["publish"].choices[:1]

    def clean_bib_file(self):
        upload = self.cleaned_data.get("bib_file")
        if upload is None:
            return ""
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                "This file is larger than 2 MB. Split it, or ask a developer to run "
                "manage.py import_publications with it."
            )
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "This file is not UTF-8 text. Save it as UTF-8 and try again."
            ) from None

    def clean(self):
        cleaned = super().clean()
        file_text, pasted = cleaned.get("bib_file"), cleaned.get("text", "").strip()
        if "bib_file" in cleaned and not file_text and not pasted:
            raise ValidationError("Choose a .bib file or paste BibTeX entries.")
        cleaned["bibtex"] = file_text or pasted
        return cleaned


def sign_preview(bibtex, domain, publish, plan):
    return signing.dumps(
        {"bibtex": bibtex, "domain": domain.pk, "publish": publish, "plan": plan.fingerprint()},
        salt=SIGNING_SALT,
        compress=True,
    )


def read_preview(token):
    try:
        return signing.loads(token, salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None


class BibtexImportView(WagtailAdminTemplateMixin, View):
    template_name = "research/admin/import_bibtex.html"
    page_title = "Import from BibTeX"
    header_icon = "upload"
    #: Set by ``PublicationViewSet``.
    permission_policy = None
    index_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "add"):
            raise PermissionDenied
        self.may_publish = self.permission_policy.user_has_permission(request.user, "publish")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": "Publications"},
            {"url": "", "label": self.page_title},
        ]

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=self.upload_form()))

    def upload_form(self, data=None, files=None, **kwargs):
        return BibtexUploadForm(data, files, may_publish=self.may_publish, **kwargs)

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = self.upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        bibtex = form.cleaned_data["bibtex"]
        return self.preview(bibtex, form.cleaned_data["domain"], form.cleaned_data["publish"])

    def preview(self, bibtex, domain, publish, changed_since=False):
        plan = build_plan(parse_bibtex(bibtex))
        context = self.get_context_data(
            plan=plan,
            counts=plan.counts(),
            domain=domain,
            publish=publish,
            token=sign_preview(bibtex, domain, publish, plan),
            changed_since=changed_since,
            form=self.upload_form(initial={"domain": domain, "publish": publish and "publish"}),
        )
        return self.render_to_response(context)

    def confirm(self, request):
        preview = read_preview(request.POST["token"])
        domain = preview and ResearchDomain.objects.filter(pk=preview["domain"]).first()
        if domain is None:
            messages.error(
                request, "This preview has expired or is not valid. Upload the file again."
            )
            return self.render_to_response(self.get_context_data(form=self.upload_form()))
        publish = preview["publish"] and self.may_publish
        plan = build_plan(parse_bibtex(preview["bibtex"]))
        if plan.fingerprint() != preview["plan"]:
            return self.preview(preview["bibtex"], domain, publish, changed_since=True)
        try:
            apply_plan(plan, domain=domain, publish=publish, user=request.user)
        except ValidationError as error:
            messages.error(request, f"Nothing was imported: {' '.join(error.messages)}")
            return self.preview(preview["bibtex"], domain, publish)
        state = "published" if publish else "saved as drafts"
        messages.success(request, f"Imported from BibTeX ({state}): {plan.summary()}.")
        return redirect(self.index_url_name)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("plan", None)
        context["actions"] = Action
        context["index_url"] = reverse(self.index_url_name)
        return context
