"""Scheduled publishing and expiry, end to end through the API. Time is driven
explicitly: a schedule is moved into the past, then the scheduler runs."""

import io
import re
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


def scheduler_output():
    output, errors = io.StringIO(), io.StringIO()
    call_command("run_scheduler", "--once", "--interval", "60", stdout=output, stderr=errors)
    assert errors.getvalue() == ""  # the round itself did not fail
    return output.getvalue()


def next_round_seconds(output):
    return float(re.search(r"Next round in ([\d.]+) s", output).group(1))


def test_the_scheduler_waits_a_minute_when_nothing_is_scheduled_soon():
    assert next_round_seconds(scheduler_output()) == 60.0


def test_the_scheduler_waits_a_minute_when_nothing_is_scheduled_at_all():
    # No go-live time and no expiry time anywhere: nothing to wake for, and no error.
    Publication.objects.update(expire_at=None, go_live_at=None)
    StoryPage.objects.update(expire_at=None, go_live_at=None)
    output = scheduler_output()
    assert "Next scheduled change" not in output
    assert next_round_seconds(output) == 60.0


def test_a_drafts_expiry_time_does_not_wake_the_scheduler():
    # Only live content expires: a never-published draft's expiry time changes nothing.
    create_publication(
        "Quokka Genomics", publish=False, expire_at=timezone.now() + timedelta(seconds=20)
    )
    output = scheduler_output()
    assert "Next scheduled change" not in output
    assert next_round_seconds(output) == 60.0


@pytest.mark.parametrize("what", ["go-live", "expiry"])
def test_the_scheduler_wakes_right_when_the_next_schedule_is_due(what):
    # A publication going live (or expiring) in 20 seconds: the scheduler does not
    # sleep its usual minute but wakes just after that time, so it is live on time.
    due = timezone.now() + timedelta(seconds=20)
    if what == "go-live":
        quokka = create_publication("Quokka Genomics", publish=False)
        quokka.go_live_at = due
        quokka.save_revision(approved_go_live_at=due, log_action=False).publish(log_action=False)
    else:
        create_publication("Quokka Genomics", expire_at=due)

    output = scheduler_output()

    assert f"Next scheduled change at {due.isoformat()}" in output
    assert 10 <= next_round_seconds(output) <= 20.5  # not the usual 60 (slow CI allowed)
