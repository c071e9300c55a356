"""Keep the search index true when a related object is renamed.

Wagtail indexes a publication's domain name and author names inside the
publication's own index entry; renaming the domain or a linked person does not
touch the publication, so without this its old name would still be found.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.search import index

from home.models import Person

from .models import Publication, ResearchDomain


def reindex_publications(publications):
    for publication in publications:
        index.insert_or_update_object(publication)


@receiver(post_save, sender=ResearchDomain)
def reindex_after_domain_change(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    reindex_publications(Publication.objects.filter(domain=instance))


@receiver(post_save, sender=Person)
def reindex_after_person_change(sender, instance, created, raw=False, **kwargs):
    """A linked author renamed: research listens to the people directory (``home``),
    which knows nothing of publications."""
    if created or raw:
        return
    reindex_publications(Publication.objects.filter(authors__person=instance).distinct())
