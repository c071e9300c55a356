"""Grapple's page interface and page root fields, made to respect the visibility rule.

Every page they return passes ``cms.visibility.public_pages`` (live, scheduled
in, not expired, not under a view restriction): a single SQL condition, so a
list of pages costs no extra query for its privacy check.
"""

import graphene
from grapple.types.interfaces import PageInterface, get_page_interface
from grapple.types.structures import QuerySetList
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.visibility import public_pages

from .errors import ForbiddenError, UserInputError
from .page_arguments import (
    page_id,
    page_ordering,
    page_slice,
    page_types_q,
    requested_site,
)
from .search import parse_search


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
    # time has passed before the scheduler unpublished it, and passes their arguments
    # to the ORM unchecked; these go through ``public_page_list``.

    def resolve_children(self, info, **kwargs):
        return public_page_list(self.get_children(), **kwargs)

    def resolve_siblings(self, info, **kwargs):
        return public_page_list(self.get_siblings().exclude(pk=self.pk), **kwargs)

    def resolve_next_siblings(self, info, **kwargs):
        return public_page_list(self.get_next_siblings().exclude(pk=self.pk), **kwargs)

    def resolve_previous_siblings(self, info, **kwargs):
        return public_page_list(self.get_prev_siblings().exclude(pk=self.pk), **kwargs)

    def resolve_descendants(self, info, **kwargs):
        return public_page_list(self.get_descendants(), **kwargs)

    def resolve_ancestors(self, info, **kwargs):
        """Published, public ancestors, without Wagtail's invisible tree root."""
        return public_page_list(self.get_ancestors(), **kwargs)

    def resolve_parent(self, info, **kwargs):
        parent_path = self.path[: -Page.steplen]
        if len(parent_path) <= Page.steplen:  # the tree root is never public
            return None
        return public_pages(Page.objects.filter(path=parent_path)).specific().first()


def public_page_list(
    pages,
    *,
    limit=None,
    offset=None,
    order=None,
    search_query=None,
    search_operator="and",
    id=None,
    in_menu=None,
):
    """One page list (``pages``, ``children``, ...) with grapple's arguments checked.

    A search runs on Wagtail's backend over all pages and is then narrowed to the
    public ones in the same SQL statement, so the backend never sees the visibility
    conditions (it can only filter on indexed fields) and ranking still applies.
    """
    start, stop = page_slice(limit, offset)
    ordering = page_ordering(order)
    search = parse_search(search_query, argument="searchQuery")
    pages = public_pages(pages).filter(depth__gt=1)
    if id is not None:
        pages = pages.filter(pk=page_id(id, argument="id"))
    if in_menu is not None:
        pages = pages.filter(show_in_menus=in_menu)
    if search is not None:
        operator = getattr(search_operator, "value", search_operator) or "and"
        ranked = (
            get_search_backend()
            .search(
                search_query.strip(),
                Page.objects.filter(depth__gt=1),
                operator=operator,
                order_by_relevance=ordering is None,
            )
            .annotate_score("search_score")
            .get_queryset()
        )
        pages = ranked.filter(pk__in=pages.values("pk"))
    if ordering is not None:
        pages = pages.order_by(*ordering, "pk")
    return pages.specific()[start:stop]


def public_pages_query(grapple_mixin):
    """Grapple's ``pages``/``page`` root fields, gated by ``public_pages``, arguments checked.

    Grapple's own gate is ``live().public()``; an expired page stays live until
    the scheduler runs, so both fields use ``public_pages`` instead.
    """

    class PublicPagesQuery(grapple_mixin):
        def resolve_pages(self, info, **kwargs):
            site = requested_site(
                info.context, hostname=kwargs.pop("site", None), in_site=kwargs.pop("in_site")
            )
            pages = Page.objects.all()
            parent = page_id(kwargs.pop("parent", None), argument="parent")
            ancestor = page_id(kwargs.pop("ancestor", None), argument="ancestor")
            if parent is not None or ancestor is not None:
                # As in grapple, `parent` wins when both are given.
                argument = "parent" if parent is not None else "ancestor"
                anchor_id = parent if parent is not None else ancestor
                anchor = public_pages(Page.objects.filter(pk=anchor_id)).first()
                if anchor is None:
                    raise UserInputError(
                        f"No published page has the id {anchor_id}.", field=argument
                    )
                pages = anchor.get_children() if parent is not None else anchor.get_descendants()
            pages = _in_site_of_types(pages, site, kwargs.pop("content_type", None))
            return public_page_list(pages, **kwargs)

        def resolve_page(self, info, **kwargs):
            if kwargs.get("token"):
                # Our signed, expiring preview tokens (cms.preview), not grapple's.
                from .preview import preview_object

                page = preview_object(kwargs["token"])
                if not isinstance(page, Page):
                    raise ForbiddenError("This preview token is not for a page.")
                return page
            site = requested_site(
                info.context, hostname=kwargs.get("site"), in_site=kwargs.get("in_site")
            )
            pages = _in_site_of_types(
                public_pages(Page.objects.filter(depth__gt=1)), site, kwargs.get("content_type")
            )
            if kwargs.get("id") is not None:
                pages = pages.filter(pk=page_id(kwargs["id"], argument="id"))
            elif kwargs.get("slug"):
                pages = pages.filter(slug=kwargs["slug"])
            elif kwargs.get("url_path"):
                url_path = kwargs["url_path"]
                url_path = url_path if url_path.endswith("/") else f"{url_path}/"
                if site is not None:
                    pages = pages.filter(url_path=site.root_page.url_path + url_path.lstrip("/"))
                else:  # the shallowest page with that path under any site root
                    pages = pages.filter(url_path__endswith=url_path)
            else:
                raise UserInputError("Pass one of `id`, `slug`, `urlPath` or `token`.")
            return pages.order_by("depth", "path").specific().first()

    return PublicPagesQuery


def _in_site_of_types(pages, site, content_type):
    """``pages`` narrowed by the ``site``/``inSite`` and ``contentType`` arguments."""
    if site is not None:
        pages = pages.in_site(site)
    page_types = page_types_q(content_type)
    return pages if page_types is None else pages.filter(page_types)
