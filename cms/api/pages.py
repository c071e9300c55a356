"""Page visibility for the public API, and grapple's page interface made to respect it.

``public_pages`` is the one gate for pages: live, not expired, and not under a
view restriction (login, password, group). It is a single SQL condition, so a
list of pages costs no extra query for its privacy check.
"""

import graphene
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from grapple.types.interfaces import PageInterface, get_page_interface
from grapple.types.structures import QuerySetList
from grapple.utils import resolve_queryset
from wagtail.models import Page, PageViewRestriction


def restricted_q():
    """Pages at or below a page with a view restriction."""
    restriction_above = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return Q(Exists(restriction_above))


def public_pages(queryset):
    not_expired = Q(expire_at__isnull=True) | Q(expire_at__gt=timezone.now())
    return queryset.filter(Q(live=True) & not_expired).exclude(restricted_q())


def _related_pages(description):
    return QuerySetList(
        graphene.NonNull(get_page_interface),
        enable_search=True,
        required=True,
        enable_in_menu=True,
        description=f"{description} Published, public pages only.",
    )


class PublicPageInterface(PageInterface):
    """A published page. Grapple's page interface, described, and ``parent`` made safe.

    Grapple's ``parent`` returns the parent whatever its state; here it returns
    only a published, public parent. The other relations already filter.
    """

    class Meta:
        name = "PageInterface"

    id = graphene.ID(description="Stable identifier of the page.")
    title = graphene.String(required=True, description="The page title.")
    slug = graphene.String(required=True, description="The last part of the page's URL.")
    content_type = graphene.String(
        required=True, description="The page's model as `app_label.ModelName`."
    )
    page_type = graphene.String(description="The GraphQL type name of the page.")
    live = graphene.Boolean(required=True, description="Always true: only live pages are served.")
    url = graphene.String(description="The page's URL relative to its site, e.g. `/careers/`.")
    url_path = graphene.String(
        required=True, description="Wagtail's internal path of the page, including the site root."
    )
    depth = graphene.Int(description="Depth in the page tree (the home page is 2).")
    seo_title = graphene.String(
        required=True, description="Title for search engines; may be empty."
    )
    search_description = graphene.String(description="Meta description for search engines.")
    show_in_menus = graphene.Boolean(
        required=True, description="Whether editors want the page in navigation menus."
    )
    locked = graphene.Boolean(description="Whether the page is locked for editing in the admin.")
    first_published_at = graphene.DateTime(description="When the page was first published.")
    last_published_at = graphene.DateTime(description="When the page was last published.")
    parent = graphene.Field(
        get_page_interface, description="The parent page, when it is published and public."
    )
    children = _related_pages("Child pages.")
    siblings = _related_pages("Pages with the same parent.")
    next_siblings = _related_pages("Following pages with the same parent.")
    previous_siblings = _related_pages("Preceding pages with the same parent.")
    descendants = _related_pages("All pages below this one.")
    ancestors = _related_pages("Pages above this one.")
    search_score = graphene.Float(description="Search score, when returned by a search.")

    # Grapple filters relations with live().public(), which misses a page whose expiry
    # time has passed before the scheduler unpublished it; these use ``public_pages``.

    def resolve_children(self, info, **kwargs):
        return resolve_queryset(public_pages(self.get_children()).specific(), info, **kwargs)

    def resolve_siblings(self, info, **kwargs):
        siblings = self.get_siblings().exclude(pk=self.pk)
        return resolve_queryset(public_pages(siblings).specific(), info, **kwargs)

    def resolve_next_siblings(self, info, **kwargs):
        siblings = self.get_next_siblings().exclude(pk=self.pk)
        return resolve_queryset(public_pages(siblings).specific(), info, **kwargs)

    def resolve_previous_siblings(self, info, **kwargs):
        siblings = self.get_prev_siblings().exclude(pk=self.pk)
        return resolve_queryset(public_pages(siblings).specific(), info, **kwargs)

    def resolve_descendants(self, info, **kwargs):
        return resolve_queryset(public_pages(self.get_descendants()).specific(), info, **kwargs)

    def resolve_ancestors(self, info, **kwargs):
        """Published, public ancestors, without Wagtail's invisible tree root."""
        ancestors = self.get_ancestors().filter(depth__gt=1)
        return resolve_queryset(public_pages(ancestors).specific(), info, **kwargs)

    def resolve_parent(self, info, **kwargs):
        parent_path = self.path[: -Page.steplen]
        if len(parent_path) <= Page.steplen:  # the tree root is never public
            return None
        return public_pages(Page.objects.filter(path=parent_path)).specific().first()


def public_pages_query(grapple_mixin):
    """Grapple's ``pages``/``page`` root fields, gated by ``public_pages`` as well.

    Grapple's own gate is ``live().public()``; an expired page stays live until
    the scheduler runs, so both fields drop it here too.
    """

    class PublicPagesQuery(grapple_mixin):
        def resolve_pages(self, info, **kwargs):
            pages = grapple_mixin.resolve_pages(self, info, **kwargs)
            if isinstance(pages, list) or pages.query.is_sliced:  # can no longer filter in SQL
                return [page for page in pages if not _expired(page)]
            return pages.exclude(expire_at__lte=timezone.now())

        def resolve_page(self, info, **kwargs):
            if kwargs.get("token"):
                # Our signed, expiring preview tokens (cms.preview), not grapple's.
                from .errors import ForbiddenError
                from .preview import preview_object

                page = preview_object(kwargs["token"])
                if not isinstance(page, Page):
                    raise ForbiddenError("This preview token is not for a page.")
                return page
            page = grapple_mixin.resolve_page(self, info, **kwargs)
            return None if page is None or _expired(page) else page

    return PublicPagesQuery


def _expired(page):
    return page.expire_at is not None and page.expire_at <= timezone.now()
