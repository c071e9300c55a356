"""The command line's fast path for large files: new publications in bulk.

Saving one publication through Wagtail's actions costs about a hundred queries
(three saves, each re-indexing it for search and for references, a revision,
log entries, the publish). For 10,000 entries that is far too slow, so new
publications are written in batches with the same result as ``CreateAction``
(+ publish): the rows, their authors, one revision each (live when published),
the ``wagtail.create`` / ``wagtail.publish`` log entries, the search index (one
bulk call per batch) and the ``published`` signal per publication, which sends
webhooks and invalidates cached API answers exactly as an editor's publish.
Updates are few and go through ``EditAction`` one by one, like in the admin.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backends
from wagtail.signals import published

from ..models import Publication, PublicationAuthor
from .importer import UniqueSlugs, publication_authors, update_publication
from .plan import Action

BATCH_SIZE = 500


def _new_publication(entry, *, domain, publish, slugs, now):
    publication = Publication(
        domain=domain,
        slug=slugs.for_title(entry.values["title"]),
        live=publish,
        has_unpublished_changes=not publish,
        first_published_at=now if publish else None,
        last_published_at=now if publish else None,
        date_added=now,
        **entry.values,
    )
    publication.fill_derived_fields()
    return publication


def _log_entries(publications, revisions, *, user, publish, now):
    content_type = ContentType.objects.get_for_model(Publication)
    actions = ["wagtail.create"] + (["wagtail.publish"] if publish else [])
    return [
        ModelLogEntry(
            content_type=content_type,
            label=str(publication),
            action=action,
            timestamp=now,
            user=user,
            revision=revision,
            content_changed=True,
            object_id=str(publication.pk),
        )
        for publication, revision in zip(publications, revisions, strict=True)
        for action in actions
    ]


def _create_batch(entries, *, domain, publish, user, slugs):
    now = timezone.now()
    publications = Publication.objects.bulk_create(
        [
            _new_publication(e, domain=domain, publish=publish, slugs=slugs, now=now)
            for e in entries
        ]
    )
    authors = []
    for publication, entry in zip(publications, entries, strict=True):
        publication.authors = publication_authors(entry, publication=publication)
        authors.extend(publication.authors.all())
    PublicationAuthor.objects.bulk_create(authors)
    content_type = ContentType.objects.get_for_model(Publication)
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(publication.pk),
                user=user,
                content=publication.serializable_data(),
                object_str=str(publication),
                created_at=now,
            )
            for publication in publications
        ]
    )
    for publication, revision in zip(publications, revisions, strict=True):
        publication.latest_revision = revision
        publication.live_revision = revision if publish else None
    Publication.objects.bulk_update(publications, ["latest_revision", "live_revision"])
    ModelLogEntry.objects.bulk_create(
        _log_entries(publications, revisions, user=user, publish=publish, now=now)
    )
    _index(publications)
    if publish:
        for publication, revision in zip(publications, revisions, strict=True):
            published.send(sender=Publication, instance=publication, revision=revision)
    return publications


def _index(publications):
    """Search and reference indexes, as the post-save handlers would fill them."""
    fresh = list(
        Publication.objects.filter(pk__in=[p.pk for p in publications])
        .select_related("domain")
        .prefetch_related("authors__person")
    )
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Publication, fresh)
    for publication in fresh:
        ReferenceIndex.create_or_update_for_object(publication)


@transaction.atomic
def apply_plan_in_bulk(plan, *, domain, publish, user=None, progress=None):
    """Like ``importer.apply_plan``, with new publications created in batches."""
    new = [entry for entry in plan.entries if entry.action == Action.NEW]
    updates = [entry for entry in plan.entries if entry.action == Action.UPDATE]
    slugs, done, saved = UniqueSlugs(), 0, []
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start : start + BATCH_SIZE]
        saved += _create_batch(batch, domain=domain, publish=publish, user=user, slugs=slugs)
        done += len(batch)
        if progress is not None:
            progress(done)
    current = Publication.objects.in_bulk([entry.publication_id for entry in updates])
    for entry in updates:
        saved.append(update_publication(entry, current, publish=publish, user=user))
        done += 1
        if progress is not None:
            progress(done)
    if progress is not None:
        progress(len(plan.entries))  # the skipped entries are done too
    return saved
