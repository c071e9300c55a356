"""Scheduled publishing and expiry, end to end through the API. Time is driven
explicitly: a schedule is moved into the past, then the scheduler runs."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from careers.models import StoryPage
from research.models import Publication
from tests.graphql import create_publication, data_of, gql

pytestmark = pytest.mark.django_db

EVERYWHERE = """
query($slug: String!) {
  all: publications(first: 100) { totalCount domainFacets { slug count } edges { node { slug } } }
  found: publications(search: "quokka") { totalCount }
  one: publication(slug: $slug) { title }
}
"""


def seen(client, slug):
    data = data_of(gql(client, EVERYWHERE, {"slug": slug}))
    facets = {facet["slug"]: facet["count"] for facet in data["all"]["domainFacets"]}
    return {
        "listed": slug in [edge["node"]["slug"] for edge in data["all"]["edges"]],
        "total": data["all"]["totalCount"],
        "applications": facets["applications"],
        "found": data["found"]["totalCount"],
        "lookup": data["one"] is not None,
    }


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=None)


def time_comes(revision):
    """Move a scheduled revision's go-live time just into the past, as if time had passed."""
    past = timezone.now() - timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])


def test_a_scheduled_publication_appears_only_when_its_time_comes(client):
    quokka = create_publication("Quokka Genomics", domain="applications", publish=False)
    go_live = timezone.now() + timedelta(days=1)
    quokka.go_live_at = go_live
    revision = quokka.save_revision(approved_go_live_at=go_live, log_action=False)
    revision.publish(log_action=False)  # with a future go-live time this only schedules
    quokka.refresh_from_db()
    assert not quokka.live

    run_scheduler()  # not yet
    assert seen(client, quokka.slug) == {
        "listed": False,
        "total": 46,
        "applications": 5,
        "found": 0,
        "lookup": False,
    }

    time_comes(revision)
    run_scheduler()

    assert Publication.objects.get(pk=quokka.pk).live
    assert seen(client, quokka.slug) == {
        "listed": True,
        "total": 47,
        "applications": 6,
        "found": 1,
        "lookup": True,
    }


def test_an_expired_publication_disappears_and_the_scheduler_unpublishes_it(client):
    quokka = create_publication("Quokka Genomics", domain="applications")
    assert seen(client, quokka.slug)["listed"]

    quokka.expire_at = timezone.now() - timedelta(seconds=1)
    quokka.save(update_fields=["expire_at"])
    assert seen(client, quokka.slug)["total"] == 46  # hidden at once, still live=True
    run_scheduler()

    quokka.refresh_from_db()
    assert not quokka.live and quokka.expired
    assert seen(client, quokka.slug) == {
        "listed": False,
        "total": 46,
        "applications": 5,
        "found": 0,
        "lookup": False,
    }


def test_a_scheduled_story_page_goes_live_with_the_scheduler(client):
    story = StoryPage.objects.get()
    story.unpublish()
    go_live = timezone.now() + timedelta(hours=2)
    story.go_live_at = go_live
    revision = story.save_revision(approved_go_live_at=go_live, log_action=False)
    revision.publish(log_action=False)
    stories = "{ stories { totalCount edges { node { slug } } } }"
    assert data_of(gql(client, stories))["stories"]["totalCount"] == 0

    time_comes(revision)
    run_scheduler()

    data = data_of(gql(client, stories))["stories"]
    assert data["totalCount"] == 1
    assert data["edges"][0]["node"]["slug"] == story.slug
