"""Reindex publications whose linked author was renamed (see research.signal_handlers)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from research.models import Publication
from research.signal_handlers import reindex_publications

from .models import Person


@receiver(post_save, sender=Person)
def reindex_after_person_change(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    reindex_publications(Publication.objects.filter(authors__person=instance).distinct())
