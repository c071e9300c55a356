"""Webhooks for changes made outside a transaction (autocommit): Wagtail's
``publish_scheduled``, or a script that publishes. Each row's change is purged at the
edges the moment it is saved, so by the time Wagtail sends ``published`` nothing of the
change is left to read: its webhook must still name every list the edges purged.

Transactional (a test transaction would hold every change until the end), so the demo
content is restored after it (``serialized_rollback``)."""

import json

import pytest

from cms.models import WebhookEndpoint
from cms.publishing import changes_committed
from research.models import PublicationAuthor
from tests.graphql import create_publication
from tests.webhooks import run_worker

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_publish_outside_a_transaction_names_every_list_its_authors_purged(receiver):
    """Only the authors change: the paper's own row writes nothing lists show, but its
    new author rows purge every list of papers (a search matches author names). A
    webhook naming the paper alone would leave the frontend's lists showing the old
    authors."""
    WebhookEndpoint.objects.create(name="Frontend cache", url=receiver.url)
    quokka = create_publication("Quokka Genomics", domain="applications")
    purged = set()

    def remember_purge(sender, tags, **kwargs):
        purged.update(tag for tag in tags if tag.partition(":")[0] == "publication")

    changes_committed.connect(remember_purge)
    try:
        quokka.authors = [PublicationAuthor(name="Bea Other", sort_order=0)]
        quokka.save_revision(log_action=False).publish(log_action=False)
    finally:
        changes_committed.disconnect(remember_purge)
    run_worker()

    assert {"publication", f"publication:{quokka.pk}"} <= purged
    payload = json.loads(receiver.requests[-1]["body"])
    assert (payload["event"], payload["id"]) == ("publish", quokka.pk)
    assert purged <= set(payload["tags"])
