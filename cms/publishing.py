"""Publishing events: what changed in public content, for whoever keeps a copy of it.

Publishing, unpublishing, a scheduled go-live or expiry and deleting a page or snippet
all save or delete rows of a content app (``content_apps()``). ``cms.signals`` turns
those saves and deletes into two signals, and the caches subscribe to them from
above (the API's response cache, ``cms.api.cache``); nothing here knows the API.

``content_changed``
    Sent for each saved or deleted row of a content app while its transaction
    runs (``raw`` fixture loads excepted), with ``instance``, ``deleted`` and
    ``tags`` (``tags_of_change``: the cache tags it purges). The
    editor's request has not returned yet when the next reader asks, so a cache
    drops what it holds at once.

``changes_committed``
    Sent once after the transaction commits (right away outside a transaction),
    with ``instances``, every row ``content_changed`` reported in it, and ``tags``,
    all of their tags: what edge caches purge (``cms.purging``). A reader who
    cached the old state between the save and the commit must not be served it,
    so a cache drops it again; an expiry time may also have been set, moved or
    removed.
"""

from django.conf import settings
from django.dispatch import Signal

content_changed = Signal()
changes_committed = Signal()

#: Wagtail's apps whose saves and deletes are content changes (pages, images, documents,
#: tags); the project's own content apps are named by the settings (``CMS_CONTENT_APPS``),
#: so publishing knows no content app.
WAGTAIL_CONTENT_APPS = ("wagtailcore", "wagtailimages", "wagtaildocs", "taggit")


def content_apps():
    return (*WAGTAIL_CONTENT_APPS, *getattr(settings, "CMS_CONTENT_APPS", ()))


def is_content_model(model):
    return model._meta.app_label in content_apps()


# --- cache tags -----------------------------------------------------------------
#
# What a cached answer was built from, and what a change purges. An object's tag is
# its model's and its primary key (``publication:42``; every page is a ``page``, as
# pages share one table and one id); a model's own tag (``publication``) stands for
# "the list of them": answers that list objects of a model, or looked one up and
# found none, carry it. A change of an object purges both: answers that showed the
# object, and the lists it may enter, leave or move in.


def tag_model(model):
    """The model whose name tags ``model``'s objects: the root of multi-table
    inheritance (``page`` for every page type), proxies as their concrete model."""
    model = model._meta.concrete_model
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model


def model_tag(model):
    return tag_model(model)._meta.model_name


def object_tag(model, pk):
    return f"{model_tag(model)}:{pk}"


def tags_of_change(instance):
    """What a saved or deleted ``instance`` purges: its own tag and its model's list, and
    for a view restriction whatever it hides or shows."""
    model = type(instance)
    return (object_tag(model, instance.pk), model_tag(model), *_restricted_tags(instance))


def _restricted_tags(instance):
    """A page's view restriction changes whether its subtree is public; a collection's,
    whether its images and documents are (``cms.visibility``)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

    if isinstance(instance, PageViewRestriction):
        page = Page.objects.filter(pk=instance.page_id).first()
        pages = Page.objects.descendant_of(page, inclusive=True) if page else Page.objects.none()
        return (
            model_tag(Page),
            *(object_tag(Page, pk) for pk in pages.values_list("pk", flat=True)),
        )
    if isinstance(instance, CollectionViewRestriction):
        collection = Collection.objects.filter(pk=instance.collection_id).first()
        if collection is None:
            return ()
        collections = Collection.objects.descendant_of(collection, inclusive=True)
        tags = []
        for media in (get_image_model(), get_document_model()):
            pks = media.objects.filter(collection__in=collections).values_list("pk", flat=True)
            tags += [model_tag(media), *(object_tag(media, pk) for pk in pks)]
        return tuple(tags)
    return ()
