"""The two editor roles, with least privilege.

* **Editors** look after research content: publications (including
  publishing), research domains, the Publications page and the PDFs.
* **Marketing** looks after careers content: the careers page and its employee
  stories (including publishing), organizations, teams, people and images.

Neither group is a superuser. Each may *choose* (view) the other's snippets
where a chooser needs it: an author can be linked to a person, a story to its
publications. ``ensure_roles`` is idempotent and re-applies exactly this set.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    PagePermissionTester,
)

EDITORS = "Editors"
MARKETING = "Marketing"

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
        "careers.view_person",
    ],
    MARKETING: [
        "careers.add_organization",
        "careers.change_organization",
        "careers.delete_organization",
        "careers.add_team",
        "careers.change_team",
        "careers.delete_team",
        "careers.add_person",
        "careers.change_person",
        "careers.delete_person",
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


def ensure_roles():
    """Create or update both groups; returns them by name."""
    root_collection = Collection.get_first_root_node()
    access_admin = get_permission("wagtailadmin.access_admin")
    groups = {}
    for name in (EDITORS, MARKETING):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [access_admin, *(get_permission(p) for p in SNIPPET_PERMISSIONS[name])]
        )
        page_type, page_codenames = PAGE_PERMISSIONS[name]
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
    return groups
