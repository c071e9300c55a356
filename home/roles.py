"""The editor roles, with least privilege, composed from what each app grants.

* **Editors** look after research content: publications (including
  publishing), research domains, the Publications page and the PDFs.
* **Marketing** looks after careers content: the careers page and its employee
  stories (including publishing), and the people directory (organizations,
  teams, people) and images.
* **Marketing leads** may do everything Marketing may (``INCLUDES``); with the
  optional review of stories on, they alone publish them (see ``careers.roles``).

Neither group is a superuser. Each may *choose* (view) the other's snippets
where a chooser needs it: an author can be linked to a person, a story to its
publications.

The groups are named here, in the site's base app; what each app's content grants
them is declared by the app itself, in the module its AppConfig names
(``roles = "research.roles"``; home's own grants, for the people directory, are at
the end of this module): ``grants()`` returns ``{group name: Grants(...)}``, and an
optional ``ensure(groups)`` sets up anything else the app needs for its groups
(careers: the review workflow). ``ensure_roles`` gives each group the union of
every app's grants; it is idempotent and re-applies exactly this set.
"""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
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
MARKETING_LEADS = "Marketing leads"
GROUPS = (EDITORS, MARKETING, MARKETING_LEADS)

#: A group that also holds everything another group is granted.
INCLUDES = {MARKETING_LEADS: MARKETING}


@dataclass(frozen=True)
class Grants:
    """What an app grants one group."""

    #: Model permissions (snippets), ``"app_label.codename"``.
    permissions: tuple = ()
    #: ``(page type, codenames)``: page permissions on the first page of the type
    #: (e.g. ``"research.ResearchPage"``) and its subtree.
    pages: tuple = ()
    #: Permissions on the root collection, e.g. ``"wagtailimages.choose_image"``.
    collections: tuple = ()


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


def app_roles_modules():
    """Each installed app's roles module (its AppConfig's ``roles``), in app order."""
    return [
        import_module(config.roles)
        for config in apps.get_app_configs()
        if getattr(config, "roles", None)
    ]


def declared_grants(modules):
    """``{group name: [Grants, ...]}``: every app's grants, leads including their team's."""
    declared = {name: [] for name in GROUPS}
    for module in modules:
        for name, grants in module.grants().items():
            if name not in declared:
                raise ValueError(f"{module.__name__} grants to an unknown group “{name}”.")
            declared[name].append(grants)
    for group, included in INCLUDES.items():
        declared[group] = [*declared[included], *declared[group]]
    return declared


def _unique(items):
    return list(dict.fromkeys(items))


def _section(page_type):
    """The first page of ``page_type`` (``"app_label.Model"``), or None before it exists."""
    app_label, model_name = page_type.lower().split(".")
    return Page.objects.filter(
        content_type__app_label=app_label, content_type__model=model_name
    ).first()


def ensure_roles():
    """Create or update the groups with exactly what the apps grant; returns them by name."""
    root_collection = Collection.get_first_root_node()
    access_admin = get_permission("wagtailadmin.access_admin")
    modules = app_roles_modules()
    groups, sections = {}, {}
    for name, grants in declared_grants(modules).items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = _unique(p for g in grants for p in g.permissions)
        group.permissions.set([access_admin, *(get_permission(p) for p in permissions)])
        GroupPagePermission.objects.filter(group=group).delete()
        page_grants = _unique(
            (page_type, codename)
            for g in grants
            for page_type, codenames in g.pages
            for codename in codenames
        )
        for page_type, codename in page_grants:
            if page_type not in sections:
                sections[page_type] = _section(page_type)
            section = sections[page_type]
            if section is not None:
                GroupPagePermission.objects.create(
                    group=group, page=section, permission=get_permission(f"wagtailcore.{codename}")
                )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for dotted in _unique(p for g in grants for p in g.collections):
            GroupCollectionPermission.objects.create(
                group=group, collection=root_collection, permission=get_permission(dotted)
            )
        groups[name] = group
    for module in modules:
        if hasattr(module, "ensure"):
            module.ensure(groups)
    return groups


def grants():
    """What the people directory (home's snippets) grants: Marketing keeps it; Editors
    choose a person for an author row."""
    return {
        MARKETING: Grants(
            permissions=(
                "home.add_organization",
                "home.change_organization",
                "home.delete_organization",
                "home.add_team",
                "home.change_team",
                "home.delete_team",
                "home.add_person",
                "home.change_person",
                "home.delete_person",
            )
        ),
        EDITORS: Grants(permissions=("home.view_person",)),
    }
