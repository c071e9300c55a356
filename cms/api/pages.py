"""Grapple's page interface and page root fields, made to respect the visibility rule.

Every page they return passes ``cms.visibility.public_pages`` (live, scheduled
in, not expired, not under a view restriction): a single SQL condition, so a
list of pages costs no extra query for its privacy check.

``pages`` is a cursor connection like every other list of the API
(``cms.api.connection``). Grapple's relation lists on the page interface
(``children``, ``siblings``, ``nextSiblings``, ``previousSiblings``,
``descendants``, ``ancestors``) are left out: each was a second paging style
(``limit``/``offset``) and, inside a list of pages, one query per page.
``pages(parent:)`` gives a page's children and ``pages(ancestor:)`` its
descendants, paged with cursors at a constant cost; siblings are
``pages(parent: <parent's id>)``; and a frontend of this site builds no
breadcrumbs (the tree is four levels deep), so ``parent`` is enough upward.
"""

import graphene
from django.db.models.functions import Lower
from grapple.types.interfaces import PageInterface, get_page_interface
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.visibility import public_pages

from .connection import Ordering, SortKey, connection_type, paginate
from .cursors import fingerprint
from .errors import ForbiddenError, UserInputError
from .nodes import Node, database_id_field, global_id_field, load_in_bulk
from .page_arguments import page_id, page_types_q, requested_site
from .prefetch import selected_paths
from .search import parse_search, sort_name_for

#: Grapple's page relations that the public page interface leaves out (see above;
#: removed by ``cms.api.upstream_patches.withhold_page_relations``).
WITHHELD_PAGE_RELATIONS = (
    "children",
    "siblings",
    "next_siblings",
    "previous_siblings",
    "descendants",
    "ancestors",
)


class PublicPageInterface(PageInterface):
    """A published page. Grapple's page interface, described, and ``parent`` made safe.

    Grapple's ``parent`` returns the parent whatever its state; here it returns
    only a published, public parent.
    """

    class Meta:
        name = "PageInterface"
        interfaces = (Node,)

    id = global_id_field()
    database_id = database_id_field()
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
    search_score = graphene.Float(
        description="How well the page matches the `search` of the `pages` list that "
        "returned it; null outside a search."
    )

    def resolve_parent(self, info, **kwargs):
        if hasattr(self, PUBLIC_PARENT):  # loaded with the rest of a list (pages)
            return getattr(self, PUBLIC_PARENT)
        return public_parents([self]).get(self.path[: -Page.steplen])


#: Where a page loaded in a list keeps its public parent (or None), ``parent``'s answer.
PUBLIC_PARENT = "_public_parent"


def public_parents(pages):
    """``{path: parent}`` of the published, public parents of ``pages``: one query (and
    one per page type). The tree root is never public."""
    paths = {page.path[: -Page.steplen] for page in pages}
    paths = {path for path in paths if len(path) > Page.steplen}
    if not paths:
        return {}
    return {
        parent.path: parent
        for parent in public_pages(Page.objects.filter(path__in=paths)).specific()
    }


class PageSort(graphene.Enum):
    """How to order pages."""

    TREE = "tree"
    TITLE = "title"
    TITLE_DESC = "title_desc"
    RELEVANCE = "relevance"

    @property
    def description(self):
        return PAGE_SORT_DESCRIPTIONS[self.value]


PAGE_SORT_DESCRIPTIONS = {
    "tree": "Tree order: a page, then its children, each level in the editors' menu order "
    "(the default without a search).",
    "title": "Title A-Z, ignoring case.",
    "title_desc": "Title Z-A, ignoring case.",
    "relevance": "Best match first (Wagtail's search ranking), then by id. Only with "
    "`search` (the default then). Its cursors are positions, not keys: a page published "
    "meanwhile can shift a page of results.",
}

#: Each ordering ends in a unique column (``path`` is unique: a page's place in the tree).
PAGE_ORDERINGS = {
    "tree": Ordering("tree", (SortKey("path"),)),
    "title": Ordering("title", (SortKey("sort_title"), SortKey("id"))),
    "title_desc": Ordering(
        "title_desc", (SortKey("sort_title", descending=True), SortKey("id", descending=True))
    ),
    "relevance": Ordering(
        "relevance", (SortKey("search_score", descending=True), SortKey("id")), keyset=False
    ),
}

PageConnection = connection_type(
    PublicPageInterface,
    name="Page",
    description="A page of published, public pages, with totals and cursors.",
)

PAGES_ARGUMENTS = {
    "content_type": graphene.String(
        description="Only pages of these types: a comma-separated list of `app_label.Model` "
        "names, e.g. `careers.StoryPage,home.HomePage`. An unknown type is refused."
    ),
    "in_site": graphene.Boolean(
        default_value=False,
        description="Only pages of the site the request was made to (by its host name).",
    ),
    "site": graphene.String(
        description="Only pages of the site with this host name (`host` or `host:port`). "
        "An unknown site is refused."
    ),
    "parent": graphene.ID(
        description="Only the children of the published page with this id, its `id` or "
        "`databaseId` (refused when no such page is public). Not together with `ancestor`."
    ),
    "ancestor": graphene.ID(
        description="Only pages below the published page with this id, its `id` or "
        "`databaseId`, at any depth (refused when no such page is public). Not together "
        "with `parent`."
    ),
    "in_menu": graphene.Boolean(
        description="Only pages whose 'show in menus' box is ticked (true) or not (false)."
    ),
    "search": graphene.String(
        description="Words to find with Wagtail's search (titles and each page type's "
        "indexed fields); all words must match. Blank means no search."
    ),
    "sort": PageSort(description="Order of results. Default: TREE, or RELEVANCE with a search."),
    "first": graphene.Int(description="Page size from the start or `after` (1-100)."),
    "after": graphene.String(description="Return pages after this cursor."),
    "last": graphene.Int(description="Page size before `before`, or the end (1-100)."),
    "before": graphene.String(description="Return pages before this cursor."),
}


class PageQueries:
    """The ``page`` and ``pages`` root fields, gated by ``public_pages``.

    Declared here rather than taken from grapple's ``PagesQuery``: grapple's gate is
    ``live().public()`` (an expired page stays live until the scheduler runs), its
    ``pages`` pages with ``limit``/``offset`` and its ``page(token:)`` reads
    wagtail-headless-preview's tokens. The resolvers are module functions: mutation
    testing (``make mutation``) can only swap in a changed function when it is called.
    """

    pages = graphene.Field(
        PageConnection,
        required=True,
        description="Published, public pages: filter by type, site, place in the tree, "
        "menu flag and search; sort and page with cursors. Without `first`/`last`, "
        "returns the first 12.",
        **PAGES_ARGUMENTS,
    )
    page = graphene.Field(
        PublicPageInterface,
        description="One published, public page, by `id`, `slug` or `urlPath` (pass one), or "
        "the draft behind a preview `token`. Null when no public page matches.",
        id=graphene.ID(
            description="The page's `id` (its global id) or `databaseId`; other values, and "
            "another type's global id, are refused with BAD_USER_INPUT."
        ),
        slug=graphene.String(
            description="The page's slug. Slugs are unique among siblings only: with several "
            "matches, the shallowest page (then the first in tree order) is returned."
        ),
        url_path=graphene.String(
            description="The page's path below its site's root, e.g. `/careers/stories/` (the "
            "trailing slash is optional). Without `site` or `inSite`, the shallowest public "
            "page with that path under any site."
        ),
        token=graphene.String(
            description="A preview token from the admin's preview (see `preview`): returns that "
            "draft of a page, published or not. An invalid or expired token is a FORBIDDEN "
            "error."
        ),
        content_type=graphene.String(
            description="Filter by content type using the app.ModelName notation. e.g. "
            "`myapp.BlogPage`"
        ),
        in_site=graphene.Boolean(
            default_value=False, description="Filter to pages in the current site only."
        ),
        site=graphene.String(
            description="Only a page of the site with this hostname (add `:port` when two "
            "sites share a hostname); an unknown hostname is refused with BAD_USER_INPUT."
        ),
    )

    def resolve_pages(self, info, **kwargs):
        return resolve_public_pages(info, **kwargs)

    def resolve_page(self, info, **kwargs):
        return resolve_public_page(info, **kwargs)


def resolve_public_pages(
    info,
    content_type=None,
    in_site=False,
    site=None,
    parent=None,
    ancestor=None,
    in_menu=None,
    search=None,
    sort=None,
    first=None,
    after=None,
    last=None,
    before=None,
):
    """The ``pages`` root field."""
    terms = parse_search(search)
    sort_name = sort_name_for(sort, terms, default="tree")
    site = requested_site(info.context, hostname=site, in_site=in_site)
    pages = _in_site_of_types(_under_anchor(parent, ancestor), site, content_type)
    if in_menu is not None:
        pages = pages.filter(show_in_menus=in_menu)
    pages = public_pages(pages)
    if terms is not None:
        ranked = (
            get_search_backend()
            .search(
                search.strip(),
                Page.objects.filter(depth__gt=1),
                operator="and",
                order_by_relevance=False,
            )
            .annotate_score("search_score")
            .get_queryset()
        )
        pages = ranked.filter(pk__in=pages.values("pk"))
    if sort_name in ("title", "title_desc"):
        pages = pages.annotate(sort_title=Lower("title"))
    connection = paginate(
        pages,
        PAGE_ORDERINGS[sort_name],
        first=first,
        last=last,
        after=after,
        before=before,
        fingerprint=fingerprint(
            "pages",
            sort_name,
            search.strip() if terms else None,
            content_type,
            site.pk if site else None,
            parent,
            ancestor,
            in_menu,
        ),
    )
    _load_specific_in_bulk(connection.edges, info, annotations=pages.query.annotations)
    return connection


def _load_specific_in_bulk(edges, info, annotations=()):
    """Each edge's page as its own type, loaded per type as that type's lists load it.

    ``specific()`` would also cost one query per type, but nothing more: a story's
    ``person``, ``team`` or ``portrait`` selected in a fragment would then cost a
    query per story. The registered prefetches (``cms.api.nodes.register_node``)
    load them for the whole page at once. ``annotations`` (``search_score``, …) are
    carried over from the rows paged.
    """
    paths = selected_paths(info, under=("edges", "node"))
    by_model = {}
    for edge in edges:
        by_model.setdefault(edge.node.specific_class, []).append(edge)
    for model, model_edges in by_model.items():
        if model is None or model is Page:
            continue  # a page whose model is gone is served as a plain page
        pks = [edge.node.pk for edge in model_edges]
        loaded = {
            page.pk: page
            for page in load_in_bulk(model, model.objects.filter(pk__in=pks), info, paths)
        }
        for edge in model_edges:
            specific = loaded.get(edge.node.pk)
            if specific is not None:
                for name in annotations:
                    setattr(specific, name, getattr(edge.node, name, None))
                edge.node = specific
    if "parent" in paths:
        parents = public_parents([edge.node for edge in edges])
        for edge in edges:
            setattr(edge.node, PUBLIC_PARENT, parents.get(edge.node.path[: -Page.steplen]))


def resolve_public_page(info, **kwargs):
    """The ``page`` root field."""
    if kwargs.get("token"):
        # Our signed, expiring preview tokens (cms.preview), not grapple's.
        from .preview import preview_object

        page = preview_object(kwargs["token"])
        if not isinstance(page, Page):
            raise ForbiddenError("This preview token is not for a page.")
        return page
    site = requested_site(info.context, hostname=kwargs.get("site"), in_site=kwargs.get("in_site"))
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


def _under_anchor(parent, ancestor):
    """All pages but the tree root, or the children (``parent``) or descendants
    (``ancestor``) of a public page; an id that names no public page is refused."""
    if parent is not None and ancestor is not None:
        raise UserInputError("Pass either `parent` or `ancestor`, not both.", field="parent")
    pages = Page.objects.filter(depth__gt=1)
    if parent is None and ancestor is None:
        return pages
    argument = "parent" if parent is not None else "ancestor"
    anchor_id = page_id(parent if parent is not None else ancestor, argument=argument)
    anchor = public_pages(Page.objects.filter(pk=anchor_id, depth__gt=1)).first()
    if anchor is None:
        raise UserInputError(f"No published page has the id {anchor_id}.", field=argument)
    if parent is not None:
        return pages.filter(path__startswith=anchor.path, depth=anchor.depth + 1)
    return pages.filter(path__startswith=anchor.path, depth__gt=anchor.depth)


def _in_site_of_types(pages, site, content_type):
    """``pages`` narrowed by the ``site``/``inSite`` and ``contentType`` arguments."""
    if site is not None:
        pages = pages.in_site(site)
    page_types = page_types_q(content_type)
    return pages if page_types is None else pages.filter(page_types)
