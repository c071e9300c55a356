from django.db import models
from grapple.models import GraphQLPage, GraphQLString
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

from cms.edit_conflicts import VersionCheckedPageForm
from cms.preview import HeadlessPreviewMixin
from cms.visibility import public_pages


class HomePage(HeadlessPreviewMixin, Page):
    """The site root: the "Research at Databricks and MosaicML" hero and intro."""

    #: Headless: Wagtail's own page view only points readers to the API.
    template = "cms/headless_page.html"
    base_form_class = VersionCheckedPageForm

    tagline = models.CharField(
        max_length=255, blank=True, help_text="A short line under the title."
    )
    intro_heading = models.CharField(
        max_length=255, blank=True, help_text="The heading of the intro section."
    )
    intro = models.TextField(blank=True, help_text="The intro paragraph.")
    cta_label = models.CharField(
        "call to action label",
        max_length=50,
        blank=True,
        help_text="The button text, e.g. “See open roles”.",
    )
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="call to action page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page the button opens.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("tagline"),
        MultiFieldPanel([FieldPanel("intro_heading"), FieldPanel("intro")], heading="Intro"),
        MultiFieldPanel(
            [FieldPanel("cta_label"), FieldPanel("cta_page")], heading="Call to action"
        ),
    ]

    graphql_fields = [
        GraphQLString("tagline", required=True, description="Short line under the title."),
        GraphQLString("intro_heading", required=True, description="Heading of the intro."),
        GraphQLString("intro", required=True, description="The intro paragraph."),
        GraphQLString("cta_label", required=True, description="Call-to-action button text."),
        GraphQLPage(
            "cta_page",
            source="public_cta_page",
            description="The page the call to action opens; null unless it is published.",
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    @property
    def public_cta_page(self):
        """The linked page only while it is public: a link must not leak a draft."""
        if not self.cta_page_id:
            return None
        return public_pages(Page.objects.filter(pk=self.cta_page_id)).specific().first()
