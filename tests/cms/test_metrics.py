"""``/metrics`` for operators: hidden without the token, and counting what really happened.

Each test reads the scrape before and after what it does and compares the
difference with what it can see itself (the SQL the request ran, the 429s it
got), so the metrics are proven against the real requests, not against numbers
written into the test.
"""

import json

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from cms.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import make_user
from tests.fresh_process import UNREACHABLE_DATABASES, run_in_fresh_process
from tests.webhooks import publish_new, run_worker

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-for-tests"  # noqa: S105
SEED = "query SeedPage { publications(first: 3) { totalCount edges { node { title } } } }"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client):
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0)


def post(client, query, operation_name=None, **extra):
    body = {"query": query, "operationName": operation_name}
    return client.post(
        "/graphql/", data=json.dumps(body), content_type="application/json", **extra
    )


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}x", "Bearer "])
def test_without_the_token_the_endpoint_does_not_exist(client, authorization):
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    assert client.get("/metrics", **extra).status_code == 404


def test_with_no_token_configured_nobody_can_scrape(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_request_is_timed_and_its_sql_counted_under_its_operation_name(client):
    before = scrape(client)
    uncached = override_settings(CMS_API={**_api(), "RESPONSE_CACHE_SECONDS": 0})
    with uncached, CaptureQueriesContext(connection) as queries:
        response = post(client, SEED, "SeedPage")
    ran = len(queries)  # now: the next request's start empties Django's query log
    after = scrape(client)

    assert response.status_code == 200
    assert ran > 0
    timed = "cms_graphql_request_duration_seconds_count"
    assert (
        value(after, timed, operation="SeedPage", status="200")
        - value(before, timed, operation="SeedPage", status="200")
        == 1
    )
    counted = "cms_graphql_sql_queries_sum"
    assert (
        value(after, counted, operation="SeedPage") - value(before, counted, operation="SeedPage")
        == ran
    )


def test_the_response_cache_counts_a_miss_then_a_hit(client):
    before = scrape(client)
    post(client, SEED, "SeedPage")
    post(client, SEED, "SeedPage")
    after = scrape(client)
    lookups = "cms_response_cache_lookups_total"
    assert value(after, lookups, result="miss") - value(before, lookups, result="miss") == 1
    assert value(after, lookups, result="hit") - value(before, lookups, result="hit") == 1


def test_api_rate_limit_refusals_are_counted(client):
    before = scrape(client)
    with override_settings(CMS_API={**_api(), "RATE_LIMIT_REQUESTS": 2}):
        statuses = [
            post(client, "{ researchDomains { edges { node { slug } } } }").status_code
            for _ in range(5)
        ]
    after = scrape(client)
    refusals = "cms_rate_limit_refusals_total"
    assert statuses.count(429) == 3
    assert value(after, refusals, limiter="api") - value(before, refusals, limiter="api") == 3


def test_admin_login_throttle_refusals_are_counted(client):
    make_user("eddie", "Editors")
    before = scrape(client)
    with time_machine.travel(1_800_000_000, tick=False):
        for attempt in range(12):
            client.post("/admin/login/", {"username": "eddie", "password": f"guess {attempt}"})
    after = scrape(client)
    refusals = "cms_rate_limit_refusals_total"
    assert value(after, refusals, limiter="login") - value(before, refusals, limiter="login") == 2


def test_invented_operation_names_cannot_grow_the_labels_without_bound(client, settings):
    settings.METRICS_MAX_OPERATIONS = 0  # this process has labelled names already
    settings.METRICS_OPERATIONS = frozenset({"SeedPage"})
    for number in range(5):
        name = f"Invented{number}"
        post(client, f"query {name} {{ researchDomains {{ edges {{ node {{ slug }} }} }} }}", name)
    post(client, "{ researchDomains { edges { node { slug } } } }", "not a name!")
    post(client, SEED, "SeedPage")
    samples = scrape(client)
    operations = {
        dict(labels)["operation"]
        for name, labels in samples
        if name == "cms_graphql_request_duration_seconds_count"
    }
    assert not any(name.startswith("Invented") for name in operations)
    assert {"other", "SeedPage"} <= operations


def test_webhook_deliveries_are_counted_by_status_from_the_database(
    client, receiver, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="Frontend", url=receiver.url, events=["publish"])
    publish_new(django_capture_on_commit_callbacks)
    pending = scrape(client)
    run_worker()
    delivered = scrape(client)

    deliveries = "cms_webhook_deliveries"
    assert value(pending, deliveries, status=WebhookDelivery.Status.PENDING) == 1
    assert value(delivered, deliveries, status=WebhookDelivery.Status.PENDING) == 0
    assert value(delivered, deliveries, status=WebhookDelivery.Status.SUCCEEDED) == 1
    assert len(receiver.requests) == 1


SEND_ONE_REQUEST = """
import json, django
django.setup()
from django.test import Client
response = Client().post("/graphql/", data="{", content_type="application/json")
print(json.dumps(response.status_code))
"""

SCRAPE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer t")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


@pytest.mark.timeout(600)  # three fresh Django processes: minutes on a loaded machine
def test_worker_processes_are_added_up_and_a_scrape_survives_a_database_outage(tmp_path):
    """As under gunicorn: each process writes to PROMETHEUS_MULTIPROC_DIR; a scrape in any
    process sums them. The database is unreachable, so the webhook figures are left out
    rather than failing the scrape."""
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "METRICS_TOKEN": "t"}
    database = UNREACHABLE_DATABASES["postgresql"]
    statuses = {run_in_fresh_process(SEND_ONE_REQUEST, database, **environment)[0] for _ in "ab"}
    [status] = statuses  # a parse error, answered before any database access
    scraped, _ = run_in_fresh_process(SCRAPE, database, **environment)

    assert scraped["status"] == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped["body"])
        for sample in family.samples
    }
    count = "cms_graphql_request_duration_seconds_count"
    assert value(samples, count, operation="anonymous", status=str(status)) == 2
    assert not any(name == "cms_webhook_deliveries" for name, _ in samples)


def _api():
    from django.conf import settings

    return settings.CMS_API
