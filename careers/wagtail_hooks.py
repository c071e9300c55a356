"""Careers admin: the "Careers" menu with organizations, teams and people."""

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


class CareersViewSetGroup(SnippetViewSetGroup):
    items = (OrganizationViewSet, TeamViewSet, PersonViewSet)
    menu_icon = "group"
    menu_label = "Careers"
    menu_name = "careers"
    menu_order = 210


register_snippet(CareersViewSetGroup)


@hooks.register("register_schema_query")
def register_careers_queries(query_mixins):
    from .api.schema import CareersQueries

    query_mixins.append(CareersQueries)
