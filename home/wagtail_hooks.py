"""Home admin: the "People" menu with organizations, teams and people."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.admin_choosers import LabelledChooserMixin

from .models import Organization, Person, Team


class OrganizationViewSet(LabelledChooserMixin, SnippetViewSet):
    model = Organization
    icon = "site"
    menu_label = "Organizations"
    list_display = ["name", "heading"]


class TeamViewSet(LabelledChooserMixin, SnippetViewSet):
    model = Team
    icon = "group"
    menu_label = "Teams"
    list_display = ["name", "organization"]
    list_filter = ["organization"]

    def get_queryset(self, request):
        return self.model.objects.select_related("organization")


class PersonViewSet(LabelledChooserMixin, SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    list_display = ["name", "role", "team"]
    list_filter = ["team"]

    def get_queryset(self, request):
        return self.model.objects.select_related("team")


class PeopleViewSetGroup(SnippetViewSetGroup):
    items = (OrganizationViewSet, TeamViewSet, PersonViewSet)
    menu_icon = "group"
    menu_label = "People"
    menu_name = "people"
    menu_order = 210


register_snippet(PeopleViewSetGroup)


@hooks.register("register_public_api_query")
def register_people_types(query_mixins):
    """People have no root field of their own: stories, authors, teams and ``node(id:)``
    reach them. Importing the module registers their types as nodes."""
    from .api import schema  # noqa: F401
