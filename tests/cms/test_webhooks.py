"""Webhooks on publish: a real HTTP receiver on 127.0.0.1, the database task queue and
its real worker. Time is driven explicitly (retries are made due, never slept for)."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cms.webhooks import retry_delay
from research.models import Publication, ResearchDomain
from tests.graphql import create_publication
from tests.webhooks import publish_new, run_worker, webhook_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(receiver):
    return WebhookEndpoint.objects.create(name="Frontend cache", url=receiver.url)


def test_publishing_posts_a_signed_payload(endpoint, receiver, django_capture_on_commit_callbacks):
    quokka = publish_new(django_capture_on_commit_callbacks)
    assert receiver.requests == []  # the editor's save only queued it
    run_worker()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    expected = hmac.new(endpoint.secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-CMS-Signature"] == f"sha256={expected}"
    assert request["headers"]["Content-Type"] == "application/json"
    delivery = WebhookDelivery.objects.get()
    # What a receiver routes and deduplicates on, without parsing the body.
    assert request["headers"]["X-CMS-Event"] == "publish"
    assert request["headers"]["X-CMS-Delivery"] == str(delivery.delivery_id)
    assert request["headers"]["User-Agent"] == "research-cms-webhooks/1"
    payload = json.loads(request["body"])
    assert payload == {
        "event": "publish",
        "model": "research.publication",
        "id": quokka.pk,
        "slug": quokka.slug,
        "url_path": None,
        "title": "Quokka Genomics",
        "tags": [
            "publication",
            f"publication:{quokka.pk}",
            "publication:any",  # what answers naming too many papers carry instead
            "publication:browse",  # the lists it enters: all papers in browse order…
            f"publication:domain:{quokka.domain_id}",  # …and those of its domain
        ],
        "timestamp": payload["timestamp"],
        "delivery_id": str(delivery.delivery_id),
    }
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    attempt = WebhookAttempt.objects.get()
    assert (attempt.number, attempt.response_code, attempt.succeeded) == (1, 200, True)


def test_an_edit_carries_only_the_tags_it_purges(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    """A frontend revalidates exactly what the edge purged: a new DOI, shown only on the
    paper, leaves every list; a new venue, which searches match, every search too."""
    quokka = publish_new(django_capture_on_commit_callbacks)
    for field, value in (("doi", "10.1000/quokka"), ("venue", "Quokka Conference")):
        with django_capture_on_commit_callbacks(execute=True):
            setattr(quokka, field, value)
            quokka.save_revision(log_action=False).publish(log_action=False)
    run_worker()
    tags = [json.loads(request["body"])["tags"] for request in receiver.requests]
    own = [f"publication:{quokka.pk}", "publication:any"]
    assert tags[1:] == [own, ["publication", *own]]


def test_a_failing_first_attempt_is_retried_with_backoff(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    publish_new(django_capture_on_commit_callbacks)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.attempts == 1
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert retry_delay(1) - 5 <= wait <= retry_delay(1)
    run_worker()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1

    # Time passes: make the queued retry due now.
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [r["headers"]["X-CMS-Delivery"] for r in receiver.requests] == [
        str(delivery.delivery_id)
    ] * 2
    assert list(WebhookAttempt.objects.values_list("number", "response_code", "succeeded")) == [
        (1, 500, False),
        (2, 200, True),
    ]


def test_backoff_doubles_and_gives_up_after_the_last_attempt(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    assert [retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    receiver.statuses = [503] * 10
    with webhook_settings(MAX_ATTEMPTS=2, RETRY_BASE_SECONDS=0):
        publish_new(django_capture_on_commit_callbacks)
        run_worker()
        run_worker()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2


def test_only_2xx_succeeds_and_3xx_is_logged_as_an_unfollowed_redirect(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    """The edges of each range: a receiver that answers 300 or 399 moved and is not
    followed (the log says so), 400 is a plain failure, 299 is success; 200 logs no
    error at all."""
    receiver.statuses = [300, 399, 400, 299]
    with webhook_settings(MAX_ATTEMPTS=10, RETRY_BASE_SECONDS=0):
        publish_new(django_capture_on_commit_callbacks)
        for _ in range(4):  # each retry is due from the next run on
            run_worker()
        publish_new(django_capture_on_commit_callbacks, title="Quokka Genomics II")
        run_worker()
    attempts = WebhookAttempt.objects.order_by("delivery__pk", "number")
    assert [(a.number, a.response_code, a.error, a.succeeded) for a in attempts] == [
        (1, 300, "HTTP 300 (redirects are not followed)", False),
        (2, 399, "HTTP 399 (redirects are not followed)", False),
        (3, 400, "HTTP 400", False),
        (4, 299, "", True),
        (1, 200, "", True),
    ]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        WebhookDelivery.Status.SUCCEEDED
    }


def test_an_unreachable_endpoint_is_logged_not_raised(django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="Gone", url="http://127.0.0.1:9/nothing-listens")
    publish_new(django_capture_on_commit_callbacks)
    run_worker()
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_code is None and not attempt.succeeded
    assert attempt.error == "connection failed"


def test_no_delivery_for_a_draft_save(endpoint, receiver, django_capture_on_commit_callbacks):
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    with django_capture_on_commit_callbacks(execute=True):
        photon.title = "Photon (draft)"
        photon.save_revision(log_action=False)
    run_worker()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_unpublish_and_delete_are_sent_and_events_can_be_chosen(
    receiver, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Deletes only", url=receiver.url, events=["delete"])
    quokka = publish_new(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        quokka.unpublish(log_action=False)
    with django_capture_on_commit_callbacks(execute=True):
        Publication.objects.get(pk=quokka.pk).delete()
    run_worker()
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["delete"]


def test_a_take_down_reaches_an_endpoint_subscribed_to_unpublish(
    receiver, django_capture_on_commit_callbacks
):
    from careers.models import StoryPage

    WebhookEndpoint.objects.create(name="Take-downs", url=receiver.url, events=["unpublish"])
    quokka = publish_new(django_capture_on_commit_callbacks)
    story = StoryPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        quokka.unpublish(log_action=False)  # a snippet
    with django_capture_on_commit_callbacks(execute=True):
        story.unpublish(log_action=False)  # a page
    run_worker()
    sent = sorted(
        (payload["event"], payload["model"], payload["id"])
        for payload in (json.loads(r["body"]) for r in receiver.requests)
    )
    assert sent == [
        ("unpublish", "careers.storypage", story.pk),
        ("unpublish", "research.publication", quokka.pk),
    ]


def test_saving_a_snippet_without_drafts_publishes_it(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    """A research domain has no drafts: the editor's save is its publish, and a frontend
    hears of it as one, with what the save purged (the domain's lists and the papers'
    answers naming it)."""
    domain = ResearchDomain.objects.get(slug="applications")
    with django_capture_on_commit_callbacks(execute=True):
        domain.name = "Applied Research"
        domain.save()
    run_worker()
    payloads = [json.loads(request["body"]) for request in receiver.requests]
    assert [(p["event"], p["model"], p["id"], p["title"]) for p in payloads] == [
        ("publish", "research.researchdomain", domain.pk, "Applied Research")
    ]
    assert {"researchdomain", f"researchdomain:{domain.pk}"} <= set(payloads[0]["tags"])


def test_inactive_endpoints_get_nothing(endpoint, receiver, django_capture_on_commit_callbacks):
    endpoint.active = False
    endpoint.save()
    publish_new(django_capture_on_commit_callbacks)
    run_worker()
    assert receiver.requests == []


def test_a_page_publish_reports_its_url(endpoint, receiver, django_capture_on_commit_callbacks):
    from careers.models import StoryPage

    story = StoryPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision(log_action=False).publish(log_action=False)
    run_worker()
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["event"] == "publish"
    assert payload["model"] == "careers.storypage"
    assert payload["url_path"] == f"/careers/stories/{story.slug}/"


def test_deleting_a_page_is_reported_once_with_its_url(
    receiver, django_capture_on_commit_callbacks
):
    """A page's delete removes its specific row and its Page row: one event, not two."""
    from careers.models import StoryPage

    WebhookEndpoint.objects.create(name="Deletes only", url=receiver.url, events=["delete"])
    story = StoryPage.objects.get()
    url_path, pk = f"/careers/stories/{story.slug}/", story.pk
    with django_capture_on_commit_callbacks(execute=True):
        story.delete()
    run_worker()

    payloads = [json.loads(request["body"]) for request in receiver.requests]
    assert [(p["event"], p["model"], p["url_path"]) for p in payloads] == [
        ("delete", "careers.storypage", url_path)
    ]
    assert f"page:{pk}" in payloads[0]["tags"]


def test_a_scheduled_go_live_is_its_own_event(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    quokka = create_publication("Quokka Genomics", domain="applications", publish=False)
    soon = timezone.now() + timedelta(hours=1)
    quokka.go_live_at = soon
    revision = quokka.save_revision(approved_go_live_at=soon, log_action=False)
    revision.publish(log_action=False)
    past = timezone.now() - timedelta(seconds=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    run_worker()
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["go_live"]


def test_endpoints_are_managed_in_the_admin_by_those_allowed(client, editor_client, receiver):
    from django.urls import reverse

    from tests.conftest import make_user

    add_url = reverse("webhookendpoint:add")
    # An Editor has no webhook permission: refused, sent back to the dashboard.
    refused = editor_client.get(add_url)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")

    admin = make_user("root", superuser=True)
    client.force_login(admin)
    response = client.post(
        add_url,
        {
            "name": "CDN purge",
            "url": receiver.url,
            "secret": "s3cret-shared-with-the-receiver-and-long-enough",
            "events": ["publish", "delete"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    endpoint = WebhookEndpoint.objects.get(name="CDN purge")
    assert endpoint.events == ["publish", "delete"]
    log = client.get(reverse("webhookdelivery:index"))
    assert log.status_code == 200
