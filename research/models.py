"""Research content: domains, publications (snippets) and the Publications page."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from cms.edit_conflicts import VersionCheckedModelForm, VersionCheckedPageForm
from cms.preview import HeadlessPreviewMixin
from cms.rows import BuiltFromRows, LoadsAfterFetch
from cms.text import normalize_for_search
from cms.visibility import outside_schedule_q, scheduled_q
from home.roles import SectionPagePermissionTester

from .author_forms import AuthorsPanel

EARLIEST_PUBLICATION_YEAR = 1950


def title_search_key(title):
    """The title as search and the BibTeX import's duplicate check see it (no case, accents
    or punctuation), cut to the ``search_title`` field's 255 characters: decomposition can
    lengthen a title that fits ("ﬁ" is "fi")."""
    return normalize_for_search(title)[:255]


def latest_publication_year():
    """Papers can be accepted for next year's venues, so next year is allowed."""
    return timezone.now().year + 1


def validate_publication_year(value):
    if value is None:
        return
    latest = latest_publication_year()
    if not EARLIEST_PUBLICATION_YEAR <= value <= latest:
        raise ValidationError(
            "Enter the year the paper was published, between %(earliest)s and %(latest)s.",
            code="year_out_of_range",
            params={"earliest": EARLIEST_PUBLICATION_YEAR, "latest": latest},
        )


class ResearchDomain(BuiltFromRows, index.Indexed, Orderable):
    """A research area such as "Distributed Systems", used to filter publications.

    Orderable gives editors drag-and-drop order in the snippet listing; that
    order is the order filters are shown in.
    """

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="The name readers see in the filter list, e.g. “AI and ML”.",
        error_messages={"unique": "A research domain with this name already exists."},
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in web addresses and filters. Lowercase letters, numbers and hyphens.",
        error_messages={
            "unique": "Another research domain already uses this slug. Choose a different one."
        },
    )
    description = models.TextField(
        blank=True,
        help_text="One or two sentences about the domain (optional).",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(Orderable.Meta):
        verbose_name = "research domain"
        verbose_name_plural = "research domains"

    def __str__(self):
        return self.name


class PublicationQuerySet(LoadsAfterFetch, SearchableQuerySetMixin, models.QuerySet):
    """Search-capable queryset; ``live()`` is the one gate the public API uses."""

    def live_q(self, now=None):
        """Public by the site's one rule (``cms.visibility``): published, scheduled in and
        not past its expiry time (even before ``publish_scheduled`` runs)."""
        return scheduled_q(now)

    def live(self, now=None):
        """Published publications only: never drafts, never unpublished or expired ones.
        ``now``: the moment to judge at, when a list's counts must agree with it."""
        return self.filter(self.live_q(now))

    def not_live(self):
        return self.exclude(self.live_q())

    def live_by_flag_only(self, now):
        """Published by their flag but outside their time window at ``now``: scheduled
        for later, or past their expiry time before ``publish_scheduled`` has run.

        ``live()`` is exactly "live by flag" minus these (``cms.visibility.outside_schedule_q``).
        The maintained counts (``PublicationLiveCount``) count by flag, so readers
        subtract these: a handful of rows, found through two partial indexes.
        """
        return self.filter(outside_schedule_q(now))


class Publication(
    BuiltFromRows,
    HeadlessPreviewMixin,
    DraftStateMixin,
    RevisionMixin,
    LockableMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """A research paper. A snippet: the seed site lists papers but has no page per paper.

    Drafts, revisions and locking come from Wagtail's mixins; the database row
    always holds the published version, a draft lives only in its revision.
    """

    title = models.CharField(max_length=255, help_text="The paper's full title.")
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text=(
            "The publication's address in the API. Filled in from the title if left "
            "empty; only change it if you need a shorter one."
        ),
        error_messages={
            "unique": (
                "Another publication already uses this slug. Change the slug (or the "
                "title) so each publication has its own address."
            )
        },
    )
    sort_title = models.CharField(
        max_length=255,
        editable=False,
        db_index=True,
        help_text="Lower-cased title: the A-Z sort key, so every database sorts alike.",
    )
    search_title = models.CharField(
        max_length=255,
        editable=False,
        default="",
        help_text="The title as search sees it (no case, accents or punctuation).",
    )
    domain = models.ForeignKey(
        ResearchDomain,
        on_delete=models.PROTECT,
        related_name="publications",
        help_text="The research domain readers filter by.",
    )
    venue = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where it was published, e.g. “SIGMOD” or “NSDI”.",
    )
    year = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(
                EARLIEST_PUBLICATION_YEAR,
                message=f"Enter a year from {EARLIEST_PUBLICATION_YEAR} onwards.",
            ),
            validate_publication_year,
        ],
        help_text="The year the paper was published.",
    )
    abstract = models.TextField(
        blank=True, help_text="The paper's abstract or a short summary (optional)."
    )
    url = models.URLField(
        "paper link",
        max_length=500,
        blank=True,
        help_text="A link to the paper, e.g. on arXiv or the publisher's site.",
    )
    doi = models.CharField(
        "DOI",
        max_length=255,
        blank=True,
        help_text="The DOI without the https://doi.org/ prefix, e.g. 10.1145/3514221.3526054.",
    )
    arxiv_id = models.CharField(
        "arXiv id",
        max_length=50,
        blank=True,
        help_text="The arXiv identifier without version, e.g. 2101.00001 (optional).",
    )
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="PDF",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Upload the paper as a PDF if there is no public link.",
    )
    date_added = models.DateTimeField(
        default=timezone.now,
        help_text="When the publication was added to the site.",
    )

    objects = PublicationQuerySet.as_manager()

    base_form_class = VersionCheckedModelForm

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("domain"),
        AuthorsPanel(
            "authors",
            heading="Authors",
            label="Author",
            help_text="In the order printed on the paper.",
        ),
        FieldRowPanel([FieldPanel("venue"), FieldPanel("year")]),
        FieldPanel("abstract"),
        MultiFieldPanel(
            [
                FieldPanel("url"),
                FieldRowPanel([FieldPanel("doi"), FieldPanel("arxiv_id")]),
                FieldPanel("pdf"),
            ],
            heading="The paper",
        ),
        FieldPanel("date_added"),
    ]

    search_fields = [
        index.SearchField("title", boost=10),
        # The public API's search-as-you-type reads this one field (see cms.api.search).
        index.AutocompleteField("search_document"),
        index.SearchField("venue"),
        index.SearchField("abstract"),
        index.RelatedFields(
            "authors",
            [
                index.SearchField("name"),
                index.RelatedFields("person", [index.SearchField("name")]),
            ],
        ),
        index.RelatedFields("domain", [index.SearchField("name")]),
        index.FilterField("live"),
        index.FilterField("year"),
        index.FilterField("domain"),
        index.FilterField("sort_title"),
    ]
    #: On PostgreSQL, a GIN-indexed copy of the autocomplete vector above kept on this
    #: table by a trigger (migration 0002), which ``cms.api.search.matching`` reads.
    search_vector_column = "search_vector"

    class Meta:
        verbose_name = "publication"
        verbose_name_plural = "publications"
        # One index per keyset sort order (see research/api/sorters.py).
        indexes = [
            models.Index(fields=["sort_title", "id"], name="publication_title_sort"),
            models.Index(fields=["-year", "sort_title", "id"], name="publication_newest_sort"),
            models.Index(fields=["year", "sort_title", "id"], name="publication_oldest_sort"),
            # Live rows outside their time window (``live_by_flag_only``): a scan of these
            # partial indexes reads only the few rows whose boundary has passed.
            models.Index(
                fields=["expire_at"],
                condition=models.Q(live=True, expire_at__isnull=False),
                name="publication_live_expiry",
            ),
            models.Index(
                fields=["go_live_at"],
                condition=models.Q(live=True, go_live_at__isnull=False),
                name="publication_live_go_live",
            ),
        ]

    def __str__(self):
        return self.title

    def full_clean(self, *args, **kwargs):
        if not self.slug and self.title:
            self.slug = slugify(self.title)[:255]
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        """The slug (if empty) and the sort and search keys; save() and bulk imports call it.

        Each is cut to its field's 255 characters: lower-casing and Unicode decomposition
        can lengthen a title that fits ("ﬁ" is "fi", "İ" lower-cased is two characters),
        and a key too long would refuse the editor's save."""
        if not self.slug:
            self.slug = slugify(self.title)[:255]
        self.sort_title = self.title.lower()[:255]
        self.search_title = title_search_key(self.title)

    def search_document(self):
        """Everything search-as-you-type should find this publication by, normalised."""
        parts = [self.title, self.venue, self.abstract, self.domain.name if self.domain_id else ""]
        for author in self.authors.all():
            parts.append(author.name)
            if author.person_id:
                parts.append(author.person.name)
        return normalize_for_search(" ".join(parts))

    @property
    def pdf_url(self):
        return self.pdf.url if self.pdf_id else None


class PublicationAuthor(BuiltFromRows, Orderable):
    """One author of a publication, in paper order.

    The printed name is kept even when a Person is linked: a paper's byline
    never changes when someone's profile does.
    """

    publication = ParentalKey(Publication, on_delete=models.CASCADE, related_name="authors")
    name = models.CharField(max_length=255, help_text="The author's name as printed on the paper.")
    person = models.ForeignKey(
        "home.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
        help_text="Optional: link to the person's profile if they work here.",
    )

    panels = [FieldPanel("name"), FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = "author"

    def __str__(self):
        return self.name


class MaintainedByTriggers(models.Model):
    """Rows the database derives from publications. Restoring publications (a fixture,
    a test database's serialized copy) rebuilds them through the triggers, so a copy
    must leave them out: Django restores rows with ``Model.save_base`` itself, which
    no override here can intercept, and a restored row would collide with the rebuilt
    one (``dumpdata --exclude research.publicationlivecount --exclude
    research.publicationlivechange --exclude research.publicationlivestate``)."""

    class Meta:
        abstract = True


class PublicationLiveCount(MaintainedByTriggers):
    """How many publications of one domain and year are live by their flag.

    Written only by database triggers on ``research_publication`` (migration 0003, the
    same on PostgreSQL and SQLite), in the transaction that changes a row: every insert,
    publish, unpublish, delete, scheduled go-live or expiry, move between domains or
    years, including bulk inserts and ``QuerySet.update``, which no Django signal sees.
    So lists total and facet without scanning publications; the few rows live by flag
    but outside their time window (``Publication.objects.live_by_flag_only``) are
    subtracted when read.
    """

    domain = models.ForeignKey(ResearchDomain, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    live = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["domain", "year"], name="publication_live_count_key")
        ]

    def __str__(self):
        return f"{self.domain_id}/{self.year}: {self.live}"


class PublicationLiveChange(MaintainedByTriggers):
    """One publication entering (+1) or leaving (-1) the live-by-flag set, with the keys
    lists sort and filter by, at ``seq`` (``PublicationLiveState``). Also written by the
    triggers. A cursor remembers its row's position and the ``seq`` it was exact at; the
    changes since, before its row, give the position now without counting the rows
    before it (``research.live_positions``)."""

    seq = models.BigIntegerField(db_index=True)
    publication_id = models.IntegerField()
    domain_id = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    sort_title = models.CharField(max_length=255)
    delta = models.SmallIntegerField()

    def __str__(self):
        return f"{self.seq}: {self.delta:+} publication {self.publication_id}"


class PublicationLiveState(MaintainedByTriggers):
    """One row: ``seq``, moved by the triggers on every change a live publication's
    place, count or time window depends on. On PostgreSQL its row lock orders those
    transactions, so changes commit in ``seq`` order and a reader that has seen ``seq``
    has seen every change up to it.

    ``floor``: the first ``seq`` the change log holds. The row starts (or starts again,
    after a ``TRUNCATE``) at the clock in microseconds, so a position remembered under an
    earlier log is below ``floor`` and is counted afresh, never trusted."""

    seq = models.BigIntegerField()
    floor = models.BigIntegerField()

    def __str__(self):
        return f"seq {self.seq} (log from {self.floor})"


class PublicationSortChoice(models.TextChoices):
    TITLE = "title", "Title A-Z"
    TITLE_DESC = "title_desc", "Title Z-A"
    NEWEST = "newest", "Newest first"
    OLDEST = "oldest", "Oldest first"


class ResearchPage(HeadlessPreviewMixin, Page):
    """The "Publications" page: its copy and how the list is first shown."""

    #: Headless: Wagtail's own page view only points readers to the API.
    template = "cms/headless_page.html"
    base_form_class = VersionCheckedPageForm

    intro = models.TextField(blank=True, help_text="The sentence shown under the page title.")
    page_size = models.PositiveSmallIntegerField(
        default=12,
        validators=[
            MinValueValidator(1, message="Show at least one publication per page."),
            MaxValueValidator(100, message="Show at most 100 publications per page."),
        ],
        help_text="How many publications to show per page (1-100).",
    )
    default_sort = models.CharField(
        max_length=20,
        choices=PublicationSortChoice.choices,
        default=PublicationSortChoice.TITLE,
        help_text="How the list is sorted before a reader chooses.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("page_size"), FieldPanel("default_sort")]),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "research page"

    def permissions_for_user(self, user):
        # Editors may edit and publish this page but not delete it (see home.roles).
        return SectionPagePermissionTester(user, self)
