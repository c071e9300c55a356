"""What the public may see: one rule for every object the API or a download can reach.

* A **page** is public when it is live, past its go-live time, not past its
  expiry time, and neither it nor any ancestor has a view restriction (login,
  password, groups).
* A **snippet with drafts** (a publication) is public when it is published, past
  its go-live time and not expired; snippets without drafts (teams, people) are
  public as soon as they are saved.
* A **collection** is public when neither it nor any ancestor collection has a
  view restriction.
* An **image or document** is public when its collection is public and at least
  one public page or snippet uses it. Usage comes from Wagtail's reference index,
  which records each object's database row: the live version of a published
  object, never the draft kept in its latest revision (so a PDF chosen only in an
  unpublished draft does not count), and the draft of a never-published one
  (which is not public, so it does not count either).

Each rule is a queryset filter (``public_pages``, ``public_collections``,
``public_media``, ``published``), so a list pays for its privacy check inside its
own SQL statement. ``public_objects(model)`` picks the rule for any model;
``is_public(obj)`` answers for one object and remembers the answer on it, and
``mark_public(objects)`` answers for many in one query per model, so a list's
nested images or PDFs cost one query, not one each.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Length, Substr
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    DraftStateMixin,
    Page,
    PageViewRestriction,
    ReferenceIndex,
)
from wagtail.snippets.models import get_snippet_models

#: Where ``is_public``/``mark_public``/``known_public`` keep their answer on an instance.
PUBLIC_MARK = "cms_is_public"


def scheduled_q(now=None):
    """Live, past its go-live time and not past its expiry time.

    The expiry time counts even before ``publish_scheduled`` has unpublished the
    object, so nothing outlives its expiry by up to a scheduler interval.
    """
    now = now or timezone.now()
    not_expired = Q(expire_at__isnull=True) | Q(expire_at__gt=now)
    not_waiting = Q(go_live_at__isnull=True) | Q(go_live_at__lte=now)
    return Q(live=True) & not_expired & not_waiting


def outside_schedule_q(now):
    """Live by flag but not public at ``now`` by time: waiting for its go-live time, or
    past its expiry time. With ``scheduled_q`` it splits ``live=True`` in two, exactly:
    keep the two in step. ``now`` is the caller's, so that counts and rows it reads
    agree on one moment."""
    return Q(live=True) & (Q(go_live_at__gt=now) | Q(expire_at__lte=now))


def published(queryset):
    """Objects with drafts (``DraftStateMixin``) that the public may see."""
    return queryset.filter(scheduled_q())


def _under_restriction(restrictions, node, path_lookup):
    """A restriction on the object's tree node or on any node above it.

    Tree paths nest (a child's path starts with its parent's), so "above or equal"
    is "the restricted node's path is a prefix of ours": one correlated subquery.
    """
    node_path = f"{node}__path"
    return Exists(
        restrictions.objects.filter(
            **{node_path: Substr(OuterRef(path_lookup), 1, Length(node_path))}
        )
    )


def restricted_pages_q():
    """Pages at or below a page with a view restriction."""
    return Q(_under_restriction(PageViewRestriction, "page", "path"))


def public_pages(queryset):
    """Live, scheduled-in, unexpired pages outside every view-restricted subtree."""
    return queryset.filter(scheduled_q()).exclude(restricted_pages_q())


def public_collections(queryset):
    """Collections with no view restriction on them or on any ancestor."""
    return queryset.exclude(_under_restriction(CollectionViewRestriction, "collection", "path"))


def _content_models():
    """The models whose use of an image or document can make it public: pages and snippets."""
    return [Page, *(model for model in get_snippet_models() if not issubclass(model, Page))]


def _public_ids_as_text(model):
    """The public objects' primary keys, as the reference index stores them (text)."""
    return public_objects(model).values_list(Cast("pk", output_field=CharField()), flat=True)


def _used_by_public_content_q(model):
    """Some public page or snippet refers to the object (Wagtail's reference index)."""
    used_by_public = Q()
    for source in _content_models():
        used_by_public |= Q(
            base_content_type=ContentType.objects.get_for_model(source),
            object_id__in=_public_ids_as_text(source),
        )
    references = ReferenceIndex.objects.filter(
        used_by_public,
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    return Q(Exists(references))


def public_media(queryset):
    """Images or documents in a public collection chain and used by public content."""
    restricted_collection = _under_restriction(
        CollectionViewRestriction, "collection", "collection__path"
    )
    return queryset.exclude(restricted_collection).filter(
        _used_by_public_content_q(queryset.model)
    )


def public_objects(model):
    """The public instances of ``model``, whatever it is, by the rules above."""
    queryset = model._default_manager.all()
    if issubclass(model, Page):
        return public_pages(queryset)
    if issubclass(model, Collection):
        return public_collections(queryset)
    if model in (get_image_model(), get_document_model()):
        return public_media(queryset)
    if issubclass(model, DraftStateMixin):
        return published(queryset)
    if model in get_snippet_models():
        return queryset
    return queryset.none()  # anything else (users, settings, revisions) is never public


def known_public(model):
    """``public_objects(model)`` with each instance marked as decided, for a
    ``Prefetch``: the prefetched objects need no further check, and a relation
    to a non-public object is prefetched as ``None``."""
    return public_objects(model).annotate(**{PUBLIC_MARK: Value(True)})


def _model_of(obj):
    """Pages are checked on the ``Page`` table, whatever their specific type."""
    return Page if isinstance(obj, Page) else type(obj)


def mark_public(objects):
    """Decide for every object in ``objects`` at once: one query per model.

    ``None`` entries and objects already decided are skipped; the answer is kept
    on each instance for ``is_public``.
    """
    pending = {}
    for obj in objects:
        if obj is not None and not hasattr(obj, PUBLIC_MARK):
            pending.setdefault(_model_of(obj), []).append(obj)
    for model, instances in pending.items():
        public_ids = set(
            public_objects(model)
            .filter(pk__in={obj.pk for obj in instances})
            .values_list("pk", flat=True)
        )
        for obj in instances:
            setattr(obj, PUBLIC_MARK, obj.pk in public_ids)


def is_public(obj):
    """Whether ``obj`` may be shown to the public (``None`` is not)."""
    if obj is None:
        return False
    mark_public([obj])
    return getattr(obj, PUBLIC_MARK)


def public_or_none(obj):
    return obj if is_public(obj) else None
