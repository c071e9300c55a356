"""The two editor roles, with least privilege.

* **Editors** look after research content: publications (including
  publishing), research domains, the Publications page and the PDFs.
* **Marketing** looks after careers content: the careers page and its employee
  stories (including publishing), organizations, teams, people and images.

Optional moderation (``MARKETING_REVIEW = True``, env ``MARKETING_REVIEW=true``):
the "Marketing review" workflow on the stories is switched on, Marketing may no
longer publish stories themselves, and a **Marketing leads** member approves
each submitted story before it goes live. The leads group and the (inactive)
workflow always exist, so switching review on or off is one setting.

Neither group is a superuser. Each may *choose* (view) the other's snippets
where a chooser needs it: an author can be linked to a person, a story to its
publications. ``ensure_roles`` is idempotent and re-applies exactly this set.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Editors"
MARKETING = "Marketing"
MARKETING_LEADS = "Marketing leads"
REVIEW_WORKFLOW = "Marketing review"

SNIPPET_PERMISSIONS = {
    EDITORS: [
        "research.add_publication",
        "research.change_publication",
        "research.delete_publication",
        "research.publish_publication",
        "research.lock_publication",
        "research.unlock_publication",
        "research.add_researchdomain",
        "research.change_researchdomain",
        "research.delete_researchdomain",
        "home.view_person",
    ],
    MARKETING: [
        "home.add_organization",
        "home.change_organization",
        "home.delete_organization",
        "home.add_team",
        "home.change_team",
        "home.delete_team",
        "home.add_person",
        "home.change_person",
        "home.delete_person",
        "research.view_publication",
    ],
}

#: Page permissions, granted on the page of the given type and its subtree.
PAGE_PERMISSIONS = {
    EDITORS: ("research.ResearchPage", ["change_page", "publish_page", "lock_page"]),
    MARKETING: (
        "careers.CareersPage",
        ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ),
}

COLLECTION_PERMISSIONS = {
    EDITORS: [
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailimages.choose_image",
    ],
    MARKETING: [
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.choose_document",
    ],
}

# Marketing leads may do everything Marketing may; they also approve stories under review.
for _permissions in (SNIPPET_PERMISSIONS, PAGE_PERMISSIONS, COLLECTION_PERMISSIONS):
    _permissions[MARKETING_LEADS] = _permissions[MARKETING]


class SectionPagePermissionTester(PagePermissionTester):
    """Permissions on a section page (e.g. the one Publications page): no deleting it.

    Wagtail lets anyone who may edit and publish a page without children delete
    it. A section is a singleton the frontend depends on and its editors could
    not create it again, so only a superuser may delete one.
    """

    def can_delete(self, ignore_bulk=False):
        return self.user.is_superuser and super().can_delete(ignore_bulk=ignore_bulk)


def get_permission(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def marketing_review_enabled():
    return getattr(settings, "MARKETING_REVIEW", False)


def ensure_roles():
    """Create or update the groups and the review workflow; returns the groups by name."""
    root_collection = Collection.get_first_root_node()
    access_admin = get_permission("wagtailadmin.access_admin")
    groups = {}
    review = marketing_review_enabled()
    careers_type, careers_codenames = PAGE_PERMISSIONS[MARKETING]
    page_permissions = dict(PAGE_PERMISSIONS)
    if review:
        page_permissions[MARKETING] = (
            careers_type,
            [codename for codename in careers_codenames if codename != "publish_page"],
        )
    for name in (EDITORS, MARKETING, MARKETING_LEADS):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [access_admin, *(get_permission(p) for p in SNIPPET_PERMISSIONS[name])]
        )
        page_type, page_codenames = page_permissions[name]
        GroupPagePermission.objects.filter(group=group).delete()
        app_label, model_name = page_type.lower().split(".")
        section = Page.objects.filter(
            content_type__app_label=app_label, content_type__model=model_name
        ).first()
        if section is not None:
            for codename in page_codenames:
                GroupPagePermission.objects.create(
                    group=group, page=section, permission=get_permission(f"wagtailcore.{codename}")
                )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for dotted in COLLECTION_PERMISSIONS[name]:
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=get_permission(dotted)
            )
        groups[name] = group
    ensure_review_workflow(groups[MARKETING_LEADS], active=review)
    return groups


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
