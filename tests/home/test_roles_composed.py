"""Roles and demo content are composed from what each app declares, found through its
AppConfig (``roles``, ``demo``): home names the groups and imports no other app."""

import pytest
from django.test import override_settings
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from home.demo import demo_loaders
from home.roles import MARKETING, MARKETING_LEADS, app_roles_modules, ensure_roles

pytestmark = pytest.mark.django_db


def test_each_app_declares_its_own_roles_and_demo_in_dependency_order():
    assert [module.__name__ for module in app_roles_modules()] == [
        "home.roles",
        "research.roles",
        "careers.roles",
    ]
    # People first (research links authors to them), then research, then careers
    # (a story lists publications).
    assert [load.__module__ for load in demo_loaders()] == [
        "home.demo",
        "research.demo",
        "careers.demo",
    ]


def held(group):
    return (
        {(p.content_type.app_label, p.codename) for p in group.permissions.all()},
        {
            (gp.page_id, gp.permission.codename)
            for gp in GroupPagePermission.objects.filter(group=group)
        },
        {
            (gc.collection_id, gc.permission.codename)
            for gc in GroupCollectionPermission.objects.filter(group=group)
        },
    )


@pytest.mark.parametrize("review", [False, True])
def test_marketing_leads_hold_everything_marketing_holds_from_every_app(review):
    with override_settings(MARKETING_REVIEW=review):
        groups = ensure_roles()
    marketing, leads = held(groups[MARKETING]), held(groups[MARKETING_LEADS])
    for theirs, ours in zip(marketing, leads, strict=True):
        assert theirs <= ours
    # Research's grant to Marketing (choosing publications) reaches the leads too.
    assert ("research", "view_publication") in leads[0]
    publish = {codename for _page, codename in leads[1]} - {c for _p, c in marketing[1]}
    assert publish == ({"publish_page"} if review else set())
