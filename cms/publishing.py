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
from modelcluster.fields import ParentalKey

content_changed = Signal()
changes_committed = Signal()

#: Wagtail's apps whose saves and deletes are content changes (pages, images, documents,
#: tags); the project's own content apps are named by the settings (``CMS_CONTENT_APPS``),
#: so publishing knows no content app.
WAGTAIL_CONTENT_APPS = ("wagtailcore", "wagtailimages", "wagtaildocs", "taggit")


def content_apps():
    return (*WAGTAIL_CONTENT_APPS, *settings.CMS_CONTENT_APPS)


def is_content_model(model):
    return model._meta.app_label in content_apps()


# --- cache tags -----------------------------------------------------------------
#
# What a cached answer was built from, and what a change purges. An object's tag is
# its model's and its primary key (``publication:42``; every page is a ``page``, as
# pages share one table and one id); a model's own tag (``publication``) stands for
# "the list of them": answers that list objects of a model, search them, or looked
# one up and found none, carry it. Narrower list tags stand for lists an app
# declares: a list filtered by a scope field (``scope_lists``) carries
# ``publication:domain:3``, "any publication in domain 3"; a list in browse order
# (``browse_lists_ignore``) carries ``publication:browse``. A change of an object
# purges its own tag, its model's, and the narrower lists of the values it had
# before the change and has after it: answers that showed the object, and every
# list it may enter, leave or move in. An edit of fields that browse lists ignore
# purges less: the object's own tag, and the model's when searches or lookups see
# those fields. Every change that purges a narrower tag also purges the model's,
# so an answer may always carry the model's tag instead (``cms.api.tags``).


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
#: Model (as ``tag_model`` names it) -> the columns browse lists ignore, each with
#: whether searches or lookups see it (``browse_lists_ignore``).
_IGNORED_BY_BROWSE_LISTS = {}
#: Where ``remember_stored_values`` keeps, on the instance being saved, what its row held.
_STORED_BEFORE = "_cms_stored_before"


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


def browse_lists_ignore(model, *, shown=(), searched=()):
    """Declare the fields of ``model`` that its lists in browse order (unfiltered, or
    filtered by a scope) neither filter, order nor count by: such a list carries
    ``browse_list_tag`` rather than the model's tag. An edit that writes only these
    fields purges the answers that showed the object, and, if it touches a
    ``searched`` field (one a search matches or a lookup finds by), the model's tag:
    every search, lookup and other list of the model. ``shown`` fields are only
    displayed. Every other field, creating and deleting purge every list.

    Children saved with their object (``ParentalKey`` rows: a paper's authors) that
    changed purge their parent's tag and its model's, never its browse lists, so no
    browse list may filter, order or count by them; saved unchanged (publishing saves
    every one again), nothing. Telling costs one query per row saved."""
    model = tag_model(model)
    ignored = {}
    for names, searched_too in ((shown, False), (searched, True)):
        for name in names:
            ignored[model._meta.get_field(name).attname] = searched_too  # a typo fails now
    _IGNORED_BY_BROWSE_LISTS[model] = ignored


def any_object_tag(model_name):
    """The tag an answer naming too many objects of one model carries instead of their
    tags (``cms.api.tags``): one that every change of such an object purges. That is the
    model's tag, unless an edit of fields its lists ignore leaves the model's tag out
    (``browse_lists_ignore``): then a tag of its own, which such an edit purges too."""
    if model_name in {model_tag(model) for model in _IGNORED_BY_BROWSE_LISTS}:
        return f"{model_name}:any"
    return model_name


def _object_tags(model, pk):
    """An object's own tag, and the one that stands for it in an answer naming too many
    (``any_object_tag``) when that is not the model's tag, which a change may leave out."""
    own = object_tag(model, pk)
    stand_in = any_object_tag(model_tag(model))
    return (own,) if stand_in == model_tag(model) else (own, stand_in)


def browse_list_tag(model):
    """The tag of "the lists of ``model`` in browse order" (``browse_lists_ignore``)."""
    if tag_model(model) not in _IGNORED_BY_BROWSE_LISTS:
        # Nothing but a change of every list would purge it: declare what lists ignore.
        raise LookupError(f"Lists of {model_tag(model)} declare no browse order.")
    return f"{model_tag(model)}:browse"


def remember_stored_values(instance, update_fields=None):
    """Before ``instance`` is saved: keep what its row holds now, so the change also
    purges the lists it leaves, and purges less when it writes only fields browse lists
    ignore. One query, only for a model with scopes, a browse order or a parent."""
    instance.__dict__.pop(_STORED_BEFORE, None)  # from an earlier save of this instance
    model = tag_model(type(instance))
    declared = model in _IGNORED_BY_BROWSE_LISTS or model in _LIST_SCOPES
    if instance.pk is None or not (declared or _parent_keys(type(instance))):
        return
    columns = [f.attname for f in type(instance)._meta.concrete_fields if not f.primary_key]
    if update_fields is not None:
        written = {type(instance)._meta.get_field(name).attname for name in update_fields}
        columns = [column for column in columns if column in written]
    if not columns:
        return
    stored = type(instance)._base_manager.filter(pk=instance.pk).values(*columns).first()
    if stored is not None:
        setattr(instance, _STORED_BEFORE, stored)


def _changed_columns(instance):
    """The columns the save of ``instance`` changed, of those read before it
    (``remember_stored_values``); ``None`` when nothing was read (a new row, or a model
    that keeps no record)."""
    before = instance.__dict__.get(_STORED_BEFORE)
    if before is None:
        return None
    return [column for column, value in before.items() if getattr(instance, column) != value]


def _edit_ignored_by_browse_lists(instance):
    """``"shown"`` or ``"searched"`` when the save of ``instance`` changed only fields
    browse lists ignore (as ``browse_lists_ignore`` declared: ``"searched"`` if a
    search or lookup sees one); ``None`` for any other change, or when unknown."""
    ignored = _IGNORED_BY_BROWSE_LISTS.get(tag_model(type(instance)))
    changed = None if ignored is None else _changed_columns(instance)
    if changed is None or any(column not in ignored for column in changed):
        return None
    return "searched" if any(ignored[column] for column in changed) else "shown"


def _scoped_tags(instance):
    model = type(instance)
    before = instance.__dict__.get(_STORED_BEFORE, {})
    tags = []
    for name in _LIST_SCOPES.get(tag_model(model), ()):
        attname = model._meta.get_field(name).attname
        for value in (before.get(attname), getattr(instance, attname, None)):
            if value is not None:
                tags.append(scoped_list_tag(model, name, value))
    return tuple(dict.fromkeys(tags))


def tags_of_change(instance, *, whole):
    """What a saved or deleted ``instance`` purges: its own tag, its model's list, the
    narrower lists it was and is in, and for a view restriction whatever it hides or
    shows; for an edit of fields browse lists ignore, less (``browse_lists_ignore``).
    A row that lives inside a parent also purges its parent's tag and model's tag.
    ``whole``: a change of every field (a delete, or a change not seen field by field)."""
    model = type(instance)
    own = (*_object_tags(model, instance.pk), *_parent_tags(instance, whole))
    ignored = None if whole else _edit_ignored_by_browse_lists(instance)
    if ignored == "shown":
        return own
    if ignored == "searched":
        return (*own, model_tag(model))
    browse = (browse_list_tag(model),) if tag_model(model) in _IGNORED_BY_BROWSE_LISTS else ()
    return (
        *own,
        model_tag(model),
        *browse,
        *_scoped_tags(instance),
        *_restricted_tags(instance),
    )


def _parent_keys(model):
    """The ``ParentalKey`` fields of ``model`` whose parents declare a browse order: its
    rows are saved with their parent, unchanged ones too."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, ParentalKey)
        and tag_model(field.related_model) in _IGNORED_BY_BROWSE_LISTS
    ]


def _parent_tags(instance, whole):
    """A child row (an author of a paper) is shown as part of its parent and may be
    searched through it: its parent's tag and model's tag, unless it was saved with its
    parent unchanged (publishing a paper saves every author again)."""
    keys = _parent_keys(type(instance))
    if not keys or (not whole and _changed_columns(instance) == []):
        return ()
    tags = []
    for field in keys:
        parent = getattr(instance, field.attname)
        if parent is not None:
            tags += [*_object_tags(field.related_model, parent), model_tag(field.related_model)]
    return tuple(tags)


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
