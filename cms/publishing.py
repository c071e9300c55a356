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
    all of their tags, which ``cms.signals`` then purges at the edges (``cms.purging``),
    after these receivers have dropped the old state. A reader who
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
# found none, carry it. A list filtered by a scope field its app declares
# (``scope_lists``) carries the narrower ``publication:domain:3`` instead: "any
# publication in domain 3". A change of an object purges its own tag, its model's,
# and the scoped lists of the values it had before the change and has after it:
# answers that showed the object, and every list it may enter, leave or move in.


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


#: Model (as ``tag_model`` names it) -> the fields its lists are filtered by.
_LIST_SCOPES = {}
#: Where ``remember_scopes`` keeps, on the instance being saved, its stored scope values.
_SCOPES_BEFORE = "_cms_list_scopes_before"


def scope_lists(model, field_name):
    """Declare that lists of ``model`` are served filtered by ``field_name`` (a foreign
    key or plain column): such a list carries ``scoped_list_tag`` rather than the
    model's tag, and every change of an object purges the scoped lists of its value."""
    model = tag_model(model)
    model._meta.get_field(field_name)  # a typo fails at start-up, not as a stale list
    _LIST_SCOPES[model] = tuple(dict.fromkeys((*_LIST_SCOPES.get(model, ()), field_name)))


def scoped_list_tag(model, field_name, value):
    """The tag of "the list of ``model`` whose ``field_name`` is ``value``"."""
    if field_name not in _LIST_SCOPES.get(tag_model(model), ()):
        # A scope no change purges would keep its lists stale forever.
        raise LookupError(f"Lists of {model_tag(model)} are not scoped by {field_name!r}.")
    return f"{model_tag(model)}:{field_name}:{value}"


def remember_scopes(instance, update_fields=None):
    """Before ``instance`` is saved: keep the scope values its row holds now, so the
    change also purges the lists it leaves. One query, only for a model with scopes
    whose save may write one of them."""
    instance.__dict__.pop(_SCOPES_BEFORE, None)  # from an earlier save of this instance
    scopes = _LIST_SCOPES.get(tag_model(type(instance)), ())
    if update_fields is not None:
        scopes = [name for name in scopes if name in update_fields]
    if not scopes or instance.pk is None:
        return
    columns = [type(instance)._meta.get_field(name).attname for name in scopes]
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*columns).first()
    if stored is not None:
        setattr(instance, _SCOPES_BEFORE, stored)


def _scoped_tags(instance):
    model = type(instance)
    before = instance.__dict__.get(_SCOPES_BEFORE, {})
    tags = []
    for name in _LIST_SCOPES.get(tag_model(model), ()):
        attname = model._meta.get_field(name).attname
        for value in (before.get(attname), getattr(instance, attname, None)):
            if value is not None:
                tags.append(scoped_list_tag(model, name, value))
    return tuple(dict.fromkeys(tags))


def tags_of_change(instance):
    """What a saved or deleted ``instance`` purges: its own tag, its model's list, the
    scoped lists it was and is in, and for a view restriction whatever it hides or
    shows."""
    model = type(instance)
    return (
        object_tag(model, instance.pk),
        model_tag(model),
        *_scoped_tags(instance),
        *_restricted_tags(instance),
    )


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
