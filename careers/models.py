"""Careers content: the careers page, the story index and employee stories.

The people the stories are about, their teams and organizations are shared
content in ``home.models`` (research links authors to the same people).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.edit_conflicts import VersionCheckedPageForm
from cms.preview import HeadlessPreviewMixin
from cms.visibility import public_or_none
from home.models import Person

from .blocks import StoryBodyBlock


class CareersPage(HeadlessPreviewMixin, Page):
    """The careers section: the pitch, the teams and the "See open roles" link."""

    #: Headless: Wagtail's own page view only points readers to the API.
    template = "cms/headless_page.html"
    base_form_class = VersionCheckedPageForm

    heading = models.CharField(max_length=255, help_text="The large heading at the top.")
    intro = models.TextField(help_text="The paragraph under the heading.")
    cta_label = models.CharField(
        "call to action label",
        max_length=50,
        default="See open roles",
        help_text="The button text.",
    )
    cta_url = models.URLField(
        "call to action link",
        max_length=500,
        help_text="Where the button goes, e.g. the jobs board.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("heading"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("cta_label"), FieldPanel("cta_url")], heading="Call to action"
        ),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["careers.StoryIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "careers page"


class StoryIndexPage(HeadlessPreviewMixin, Page):
    """Lists the employee stories ("Our published researchers and engineers")."""

    #: Headless: Wagtail's own page view only points readers to the API.
    template = "cms/headless_page.html"
    base_form_class = VersionCheckedPageForm

    intro = models.TextField(blank=True, help_text="The sentence under the heading.")

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["careers.CareersPage"]
    subpage_types = ["careers.StoryPage"]

    class Meta:
        verbose_name = "story index page"


class StoryPage(HeadlessPreviewMixin, Page):
    """An employee story. Marketing publishes these without a deploy."""

    #: Headless: Wagtail's own page view only points readers to the API.
    template = "cms/headless_page.html"
    base_form_class = VersionCheckedPageForm

    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text="The person the story is about, if they have a profile.",
    )
    person_name = models.CharField(
        "name",
        max_length=255,
        blank=True,
        help_text="The person's name, if they have no profile (or to show it differently).",
    )
    role = models.CharField(
        max_length=255, blank=True, help_text="Their job title, e.g. “Software Engineer”."
    )
    team = models.ForeignKey(
        "home.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text="The team they work in (optional).",
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A portrait shown with the story. Set its focal point on the face.",
    )
    summary = models.TextField(help_text="One or two sentences shown in the list of stories.")
    body = StreamField(
        StoryBodyBlock(),
        blank=True,
        help_text="The story: headings, paragraphs, images, quotes and embedded videos.",
    )
    date = models.DateField(
        "story date", default=timezone.localdate, help_text="The date shown on the story."
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("person"),
                FieldPanel("person_name"),
                FieldRowPanel([FieldPanel("role"), FieldPanel("team")]),
            ],
            heading="Who the story is about",
        ),
        FieldPanel("portrait"),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel(
            "related_publications",
            heading="Related publications",
            label="Publication",
            help_text="Papers this person worked on, in the order to show them.",
        ),
        FieldPanel("date"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("person_name"),
        index.SearchField("summary"),
        index.FilterField("date"),
    ]

    parent_page_types = ["careers.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "employee story"
        verbose_name_plural = "employee stories"

    def clean(self):
        super().clean()
        if not self.person_id and not self.person_name.strip():
            raise ValidationError(
                {"person_name": "Choose the person the story is about, or type their name."}
            )

    @property
    def display_name(self):
        return self.person_name or (self.person.name if self.person else "")

    @property
    def public_portrait(self):
        """The portrait, when the public may see it (``cms.visibility``): a portrait in
        a private collection is left out."""
        return public_or_none(self.portrait)

    @property
    def live_related_publications(self):
        """Linked publications that are live, in editor order. A list that loaded them
        already filtered (a prefetch) is used as it is; a preview holds them in memory,
        unsaved."""
        from research.models import Publication

        related = self.related_publications.all()
        if "related_publications" in getattr(self, "_prefetched_objects_cache", {}):
            return [item.publication for item in related]
        live = Publication.objects.live()
        if isinstance(related, models.QuerySet):
            related = related.filter(publication__in=live).select_related("publication")
            return [item.publication for item in related]
        ids = [item.publication_id for item in related]
        by_id = live.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


class StoryRelatedPublication(Orderable):
    """A publication listed under a story, in the editor's order."""

    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="related_publications")
    publication = models.ForeignKey(
        "research.Publication",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Choose a publication.",
    )

    panels = [FieldPanel("publication")]

    class Meta(Orderable.Meta):
        verbose_name = "related publication"
