"""When scheduled content next changes on its own: a go-live time or an expiry time.

The scheduler (``run_scheduler``) sleeps until then rather than a fixed minute, so a
story scheduled for 9:00 is live at 9:00; the API's caches key on the next expiry
time (the API's response cache), so no answer outlives it.
"""

from django.apps import apps
from django.db.models import Min
from wagtail.models import DraftStateMixin, Page, Revision

from cms.publishing import content_apps


def expiring_models():
    """Pages (one table for all page types) and content snippets with drafts and schedules."""
    return [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin)
        and not issubclass(model, Page)
        and model._meta.app_label in content_apps()
    ]


def earliest_expiry(now):
    """The first ``expire_at`` after ``now`` of live content, or ``None``."""
    times = [
        model._default_manager.filter(live=True, expire_at__gt=now).aggregate(
            next=Min("expire_at")
        )["next"]
        for model in expiring_models()
    ]
    return min((moment for moment in times if moment is not None), default=None)


def next_go_live(now):
    """The first approved go-live time after ``now`` of a scheduled revision, or ``None``."""
    return Revision.objects.filter(approved_go_live_at__gt=now).aggregate(
        next=Min("approved_go_live_at")
    )["next"]


def next_scheduled_change(now):
    times = [moment for moment in (earliest_expiry(now), next_go_live(now)) if moment]
    return min(times, default=None)
