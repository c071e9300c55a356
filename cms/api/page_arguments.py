"""The page fields' arguments, checked before they reach the ORM.

Grapple splits ``contentType`` without a check, passes a non-numeric id to the
database and resolves ``site`` loosely. Every page field here goes through these
instead: what they cannot use is refused with a BAD_USER_INPUT error that says
what would work.
"""

from django.apps import apps
from django.db.models import Q
from wagtail.models import Page, Site

from .errors import UserInputError
from .nodes import MAX_DATABASE_ID, NODE_KINDS, decode_global_id


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


#: The largest id a database integer column holds (SQLite and PostgreSQL ``bigint``).
MAX_ID = MAX_DATABASE_ID


def page_id(value, *, argument):
    """A page's database id (``databaseId``) or global id (``id``) as an int.

    Anything else is refused rather than a database error; so is the global id of
    an object that is not a page.
    """
    if value is None:
        return None
    decoded = decode_global_id(value)
    if decoded is not None:
        type_name, number = decoded
        if not issubclass(NODE_KINDS[type_name].model, Page):
            raise UserInputError(
                f"`{argument}` must be a page's id; {value!r} is a {type_name}'s.", field=argument
            )
        return number
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not -MAX_ID <= number <= MAX_ID:  # beyond a database integer
        raise UserInputError(
            f"`{argument}` must be a page's `id` or `databaseId`; got {value!r}.", field=argument
        )
    return number


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
