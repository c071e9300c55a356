"""Research admin: the "Research" menu with publications and domains."""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from cms.admin_choosers import LabelledChooserMixin

from .bibtex_admin import BibtexImportView
from .models import Publication, ResearchDomain


def publication_years(_request=None):
    years = Publication.objects.order_by("-year").values_list("year", flat=True).distinct()
    return [(year, str(year)) for year in years]


class PublicationFilterSet(WagtailFilterSet):
    domain = django_filters.ModelMultipleChoiceFilter(
        queryset=ResearchDomain.objects.all(), label="Research domain"
    )
    year = django_filters.ChoiceFilter(choices=publication_years, label="Year")
    live = django_filters.BooleanFilter(
        label="Status",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Publication
        fields = ["domain", "year", "live"]


class PublicationIndexView(IndexView):
    """The Publications listing, with "Import from BibTeX" beside "Add publication"."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            url = reverse(self.get_import_url_name())
            buttons.append(HeaderButton("Import from BibTeX", url=url, icon_name="upload"))
        return buttons

    def get_import_url_name(self):
        return self.index_url_name.replace(":list", ":import_bibtex")


class PublicationViewSet(SnippetViewSet):
    model = Publication
    index_view_class = PublicationIndexView
    icon = "doc-full"
    menu_label = "Publications"
    menu_order = 100
    list_display = ["title", "domain", "year", LiveStatusTagColumn()]
    list_per_page = 50
    filterset_class = PublicationFilterSet
    ordering = ["sort_title"]
    copy_view_enabled = False

    def get_queryset(self, request):
        return self.model.objects.select_related("domain")

    @property
    def import_bibtex_view(self):
        return BibtexImportView.as_view(
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("list"),
        )

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", self.import_bibtex_view, name="import_bibtex"),
        ]


class ResearchDomainViewSet(LabelledChooserMixin, SnippetViewSet):
    model = ResearchDomain
    icon = "tag"
    menu_label = "Research domains"
    menu_order = 200
    list_display = ["name", "slug"]


class ResearchViewSetGroup(SnippetViewSetGroup):
    items = (PublicationViewSet, ResearchDomainViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = "Research"
    menu_name = "research"
    menu_order = 200


register_snippet(ResearchViewSetGroup)


@hooks.register("register_public_api_query")
def register_research_queries(query_mixins):
    from .api.schema import PublicationQueries

    query_mixins.append(PublicationQueries)
