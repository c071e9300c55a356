"""Grapple's page-list arguments, checked before they reach the ORM.

Grapple hands ``order`` straight to ``order_by`` (an unknown field is a 500, and
``owner__password`` orders pages by their owner's password hash), caps ``limit``
silently, ignores a negative ``offset`` and splits ``contentType`` without a
check. Every page field here goes through these instead: what they cannot use is
refused with a BAD_USER_INPUT error that says what would work.
"""

from django.apps import apps
from django.db.models import Q
from graphene import Int
from graphql import Undefined
from grapple.types.structures import PositiveInt
from wagtail.models import Page, Site

from .conf import api_setting
from .connection import checked_page_size
from .errors import UserInputError

#: What page lists may be ordered by. Each is a ``FilterField`` of ``Page``, so an
#: ordering also works together with ``searchQuery``.
PAGE_ORDER_FIELDS = ("title", "path", "depth", "first_published_at", "last_published_at", "id")


def page_ordering(order):
    """``"-first_published_at,title"`` → ``["-first_published_at", "title"]``, or ``None``."""
    if order is None:
        return None
    terms = [term.strip() for term in order.split(",")]
    for term in terms:
        if term.removeprefix("-") not in PAGE_ORDER_FIELDS:
            raise UserInputError(
                f"`order` cannot sort by {term!r}. Use a comma-separated list of "
                f"{', '.join(PAGE_ORDER_FIELDS)}; prefix a field with `-` to reverse it.",
                field="order",
            )
    return terms


def page_slice(limit, offset):
    """The ``[start:stop]`` of a page list: ``limit`` is refused, never capped."""
    if checked_page_size("limit", limit) is None:
        limit = api_setting("DEFAULT_PAGE_SIZE")
    offset = 0 if offset is None else offset
    if offset < 0:
        raise UserInputError(f"`offset` cannot be negative; got {offset}.", field="offset")
    return offset, offset + limit


def page_types_q(content_type):
    """``"careers.StoryPage,home.HomePage"`` as a filter; unknown page types are refused."""
    if content_type is None:
        return None
    condition = Q()
    for label in content_type.split(","):
        model = _page_model(label.strip())
        condition |= Q(
            content_type__app_label=model._meta.app_label,
            content_type__model=model._meta.model_name,
        )
    return condition


def _page_model(label):
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        model = None
    if model is None or not issubclass(model, Page) or model is Page:
        known = ", ".join(
            sorted(
                page_model._meta.label
                for page_model in apps.get_models()
                if issubclass(page_model, Page) and page_model is not Page
            )
        )
        raise UserInputError(
            f"`contentType` {label!r} is not a page type. Page types: {known}.",
            field="contentType",
        )
    return model


def page_id(value, *, argument):
    """A page id as an int; a non-numeric id is refused rather than a database error."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UserInputError(
            f"`{argument}` must be a page id (a number); got {value!r}.", field=argument
        ) from None


def requested_site(request, *, hostname, in_site):
    """The site named by ``site`` or ``inSite``; ``None`` when neither is given."""
    if hostname is not None and in_site:
        raise UserInputError("Pass either `site` or `inSite`, not both.", field="site")
    if in_site:
        return Site.find_for_request(request)
    if hostname is None:
        return None
    name, _, port = hostname.partition(":")
    sites = Site.objects.filter(hostname=name)
    if port:
        sites = sites.filter(port=port) if port.isdigit() else sites.none()
    site = sites.select_related("root_page").first() if sites.count() == 1 else None
    if site is None:
        raise UserInputError(
            f"No site has the hostname {hostname!r}"
            + ("" if port else " (add the port when two sites share a hostname)")
            + ".",
            field="site",
        )
    return site


def refuse_negative_positive_ints():
    """Make grapple's ``PositiveInt`` refuse a negative number instead of dropping it.

    Grapple's scalar turns ``limit: -1`` written in a query into ``null`` (so the
    default applies without a word) and lets a negative variable through. Called
    before the schema is built, so the built scalar carries these parsers.
    """

    def checked(value):
        if value is not Undefined and value is not None and value < 0:
            raise UserInputError(f"Expected a number of zero or more; got {value}.")
        return value

    PositiveInt.parse_literal = staticmethod(
        lambda ast, _variables=None: checked(Int.parse_literal(ast, _variables))
    )
    PositiveInt.parse_value = staticmethod(lambda value: checked(Int.parse_value(value)))
