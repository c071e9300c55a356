"""The site's base app: the home page and the shared people directory.

People (with their teams and organizations) sit here, at the bottom, because
both content apps use them: research links publication authors to them and
careers tells their stories. ``home`` knows neither app (``make lint-imports``).
"""

from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.edit_conflicts import VersionCheckedPageForm
from cms.preview import HeadlessPreviewMixin
from cms.rows import BuiltFromRows
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


def unique_slug_messages(what):
    return {"unique": f"Another {what} already uses this slug. Choose a different one."}


class Organization(index.Indexed, Orderable):
    """A company whose teams are presented: Databricks, MosaicML."""

    name = models.CharField(max_length=100, unique=True, help_text="E.g. “Databricks”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in web addresses and filters.",
        error_messages=unique_slug_messages("organization"),
    )
    heading = models.CharField(
        max_length=255,
        help_text="The heading above this organization's teams, e.g. “Explore Databricks teams”.",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("heading")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(Orderable.Meta):
        verbose_name = "organization"

    def __str__(self):
        return self.name


class Team(index.Indexed, Orderable):
    """An engineering or research team, shown under its organization."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="teams",
        help_text="The organization the team belongs to.",
    )
    name = models.CharField(max_length=100, help_text="E.g. “Photon Team”.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in web addresses and filters.",
        error_messages=unique_slug_messages("team"),
    )
    description = models.TextField(help_text="What the team builds, in two or three sentences.")

    panels = [
        FieldPanel("organization"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("organization"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "team"

    def __str__(self):
        return self.name


class Person(BuiltFromRows, index.Indexed, models.Model):
    """Someone who works here: an author of publications or the subject of a story."""

    name = models.CharField(max_length=255, help_text="Full name as it should appear.")
    slug = models.SlugField(
        max_length=255,
        unique=True,
        help_text="Used in web addresses.",
        error_messages=unique_slug_messages("person"),
    )
    role = models.CharField(
        max_length=255, blank=True, help_text="Job title, e.g. “Software Engineer”."
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait photo (optional).",
    )
    bio = models.TextField(blank=True, help_text="A short biography (optional).")
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="The team this person works in (optional).",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("team")]),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("role"),
        index.FilterField("team"),
    ]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        ordering = ["name"]

    def __str__(self):
        return self.name
