"""What careers content grants the editor roles (composed by ``home.roles``).

Optional moderation (``MARKETING_REVIEW = True``, env ``MARKETING_REVIEW=true``):
the "Marketing review" workflow on the stories is switched on, Marketing may no
longer publish stories themselves, and a **Marketing leads** member approves
each submitted story before it goes live. The leads group and the (inactive)
workflow always exist, so switching review on or off is one setting.
"""

from django.conf import settings
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from home.roles import MARKETING, MARKETING_LEADS, Grants

REVIEW_WORKFLOW = "Marketing review"

#: On the careers page and its subtree (the stories), publishing aside.
CAREERS_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
PUBLISH = (("careers.CareersPage", ("publish_page",)),)


def marketing_review_enabled():
    return getattr(settings, "MARKETING_REVIEW", False)


def grants():
    review = marketing_review_enabled()
    return {
        MARKETING: Grants(
            pages=(
                ("careers.CareersPage", CAREERS_PAGE_PERMISSIONS),
                *(() if review else PUBLISH),
            ),
            collections=(
                "wagtailimages.add_image",
                "wagtailimages.change_image",
                "wagtailimages.choose_image",
                "wagtaildocs.choose_document",
            ),
        ),
        # Under review, the leads alone publish stories (they hold Marketing's grants too).
        MARKETING_LEADS: Grants(pages=PUBLISH if review else ()),
    }


def ensure(groups):
    ensure_review_workflow(groups[MARKETING_LEADS], active=marketing_review_enabled())


def ensure_review_workflow(leads, *, active):
    """The "Marketing review" workflow on the stories: one approval by a Marketing lead."""
    stories = Page.objects.filter(
        content_type__app_label="careers", content_type__model="storyindexpage"
    ).first()
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    task, _ = GroupApprovalTask.objects.get_or_create(name="Approval by a Marketing lead")
    task.groups.set([leads])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    if workflow.active != active:
        workflow.active = active
        workflow.save(update_fields=["active"])
    if stories is not None:
        WorkflowPage.objects.update_or_create(page=stories, defaults={"workflow": workflow})
