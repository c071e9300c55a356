"""Carry out an import plan as the admin saves: Wagtail's create and edit actions.

Each new or updated publication gets a revision (and is published when asked)
through ``CreateAction`` / ``EditAction``, so the ``published`` signal, webhooks,
the search index and the API cache react exactly as to an editor's own save.
Everything happens in one transaction: an import lands whole or not at all.
"""

from django.db import transaction
from django.utils.text import slugify
from wagtail.actions.create import CreateAction
from wagtail.actions.edit import EditAction

from ..models import Publication, PublicationAuthor
from .plan import Action


class UniqueSlugs:
    """Slugs for new publications: two papers may share a title's slug (``C++`` vs ``C``)."""

    def __init__(self):
        self.taken = set(Publication.objects.values_list("slug", flat=True))

    def for_title(self, title):
        base = slugify(title)[:240] or "publication"
        slug, number = base, 1
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        self.taken.add(slug)
        return slug


def publication_authors(entry, publication=None):
    return [
        PublicationAuthor(
            publication=publication, name=name, person_id=person_id, sort_order=position
        )
        for position, (name, person_id) in enumerate(entry.authors)
    ]


def _create(entry, *, domain, publish, user, slugs):
    publication = Publication(domain=domain, slug=slugs.for_title(entry.values["title"]))
    for name, value in entry.values.items():
        setattr(publication, name, value)
    publication.authors = publication_authors(entry)
    return CreateAction(publication, user=user, publish=publish).execute(
        skip_permission_checks=user is None
    )


def update_publication(entry, publications, *, publish, user):
    publication = publications[entry.publication_id]
    if publication.live and publication.has_unpublished_changes:
        publication = publication.get_latest_revision_as_object()  # build on the draft
    for name, value in entry.values.items():
        setattr(publication, name, value)
    publication.authors = publication_authors(entry)
    return EditAction(publication, user=user, publish=publish).execute(
        skip_permission_checks=user is None
    )


@transaction.atomic
def apply_plan(plan, *, domain, publish, user=None, progress=None):
    """Create and update what ``plan`` says; ``progress(done)`` is called per entry.

    New publications go to ``domain``; updated ones keep theirs. Returns the
    saved publications.
    """
    slugs = UniqueSlugs()
    update_ids = [entry.publication_id for entry in plan.entries if entry.action == Action.UPDATE]
    publications = Publication.objects.in_bulk(update_ids)
    saved = []
    for done, entry in enumerate(plan.entries, start=1):
        if entry.action == Action.NEW:
            saved.append(_create(entry, domain=domain, publish=publish, user=user, slugs=slugs))
        elif entry.action == Action.UPDATE:
            saved.append(update_publication(entry, publications, publish=publish, user=user))
        if progress is not None:
            progress(done)
    return saved
