"""The Authors inline of a publication: its form, formset and panel.

Two editor papercuts live here. Choosing an author's profile fills their name (the
editor no longer retypes it: live in the browser, research/js/author_name.js, and on
saving), and "add at least one author" is a formset error, so it
is shown beside the Authors panel rather than only in the banner at the top.
"""

from django.core.exceptions import ValidationError
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

NAME_HELP_TEXT = (
    "The author's name as printed on the paper. Leave it empty and choose their profile "
    "below: the profile's name is filled in at once (a name you typed is kept)."
)
NO_NAME_MESSAGE = "Type the author's name, or choose their profile."
NO_AUTHOR_MESSAGE = (
    "Add at least one author. Every publication needs the name of the person or people "
    "who wrote it."
)


class PublicationAuthorForm(WagtailAdminModelForm):
    """An author row: the name may be left empty when a profile is chosen.

    The script fills the empty name as soon as a profile is chosen, so the editor sees
    it before saving; ``clean`` fills it on the server too, for a browser without it.
    """

    class Media:
        js = ["research/js/author_name.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields.get("name")
        if name is not None:
            name.required = False
            name.help_text = NAME_HELP_TEXT

    def clean(self):
        cleaned_data = super().clean()
        person = cleaned_data.get("person")
        if not cleaned_data.get("name"):
            if person is not None:
                # The printed name is stored on the author (see PublicationAuthor).
                cleaned_data["name"] = person.name
            elif "name" not in self.errors:
                self.add_error("name", NO_NAME_MESSAGE)
        return cleaned_data


class PublicationAuthorFormSet(BaseChildFormSet):
    """Needs at least one named author that is not being deleted."""

    def clean(self):
        super().clean()
        named = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("name")
            and not self._should_delete_form(form)
        ]
        if not named:
            raise ValidationError(NO_AUTHOR_MESSAGE, code="no_author")


class AuthorsPanel(InlinePanel):
    """The Authors inline, built with the author form and formset above."""

    def get_form_options(self):
        options = super().get_form_options()
        formset_options = options["formsets"][self.relation_name]
        formset_options["form"] = PublicationAuthorForm
        formset_options["formset"] = PublicationAuthorFormSet
        return options
