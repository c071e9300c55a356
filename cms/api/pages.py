"""Page visibility for the public API, and grapple's page interface made to respect it.

``public_pages`` is the one gate for pages: live, not expired, and not under a
view restriction (login, password, group). It is a single SQL condition, so a
list of pages costs no extra query for its privacy check.
"""

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from grapple.types.interfaces import PageInterface
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


class PublicPageInterface(PageInterface):
    """Grapple's page interface, but ``parent`` never returns a draft or private page."""

    class Meta:
        name = "PageInterface"

    def resolve_parent(self, info, **kwargs):
        parent_path = self.path[: -Page.steplen]
        if len(parent_path) <= Page.steplen:  # the tree root is never public
            return None
        return public_pages(Page.objects.filter(path=parent_path)).specific().first()
