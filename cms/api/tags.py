"""Cache tags of a GraphQL answer: what it was built from, collected while it resolves.

Every object a field is resolved on is served, so ``TagMiddleware`` tags the
``root`` of each resolver (``publication:42``, ``page:7``, ``person:3``; no SQL,
the object is at hand). Lists add their model's tag (``publication``): ``paginate``
for every connection, and root fields that answer a list, or nothing, for the
objects that may appear there later. A list filtered by a scope adds the scoped
tag instead (``publication:domain:3``: ``paginate(list_tags=...)``), so a change in
another domain leaves it cached, and a list in browse order ``publication:browse``,
which an edit of fields such lists ignore leaves cached. ``node``/``nodes`` tag each
id they look up, found or not. Tags follow ``cms.publishing``, which purges the same names when
an object changes: its own tag, its model's and its scoped lists before and after.

The answer's tags go to the Redis response cache (``cms.api.cache``) and, in the
header ``CACHE_TAG_HEADER`` names, to the edge: ``xkey`` for Varnish,
``Surrogate-Key`` for Fastly, ``Cache-Tag`` for Cloudflare. Past
``CACHE_TAG_HEADER_BYTES`` the objects of the model with the most of them are
replaced by a tag every change of one of them purges too (``any_object_tag``: the
model's, or ``publication:any``, since an edit of a DOI leaves ``publication`` out);
then scoped list tags by their model's.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache

from django.db.models import Model
from graphql import GraphQLList, get_named_type, get_nullable_type
from modelcluster.fields import ParentalKey
from wagtail.models import Page

from cms.publishing import any_object_tag, model_tag, tag_model

from .conf import api_setting

_collector = ContextVar("cms_api_cache_tags", default=None)


class TagCollector:
    def __init__(self):
        self.objects = {}  # model tag -> primary keys
        self.lists = set()
        self.scoped = {}  # scoped list tag -> its model's tag
        self.expires_at = None  # the earliest expiry time of an object served
        self._last = None

    def add_object(self, instance):
        if instance is self._last:
            return
        self._last = instance
        model = type(instance)
        if _inside_its_parent(model):
            return
        self.objects.setdefault(model_tag(model), set()).add(instance.pk)
        expire_at = getattr(instance, "expire_at", None)
        if isinstance(expire_at, datetime):
            moment = expire_at.timestamp()
            if self.expires_at is None or moment < self.expires_at:
                self.expires_at = moment

    def add_lookup(self, model, pk):
        """An object looked up by key: tagged whether it was found or not."""
        self.objects.setdefault(model_tag(model), set()).add(pk)

    def add_list_tag(self, tag):
        """A model's list tag (``publication``), or a scoped one (``publication:domain:3``,
        ``cms.publishing.scoped_list_tag``), whose model's tag comes first."""
        if ":" in tag:
            self.scoped[tag] = tag.partition(":")[0]
        else:
            self.lists.add(tag)

    def tags(self, max_bytes=None, separator=" "):
        """Every tag, sorted; past ``max_bytes`` joined, object tags are collapsed into
        ``any_object_tag`` of their model, the model with the most objects first, then
        scoped list tags into their model's tag.

        A scoped list tag beside its model's tag says nothing more (every change that
        purges it purges the model's tag too), so it is left out.
        """
        objects = {name: set(pks) for name, pks in self.objects.items()}
        lists = set(self.lists)
        while True:
            scoped = {tag for tag, name in self.scoped.items() if name not in lists}
            tags = sorted(lists | scoped) + sorted(
                f"{name}:{pk}" for name, pks in objects.items() for pk in pks
            )
            if max_bytes is None or _length(tags, separator) <= max_bytes:
                return tags
            if objects:
                largest = max(objects, key=lambda name: (len(objects[name]), name))
                del objects[largest]
                lists.add(any_object_tag(largest))
            elif scoped:
                lists.update(self.scoped[tag] for tag in scoped)
            else:
                return tags


def _length(tags, separator):
    return sum(len(tag) for tag in tags) + len(separator) * max(len(tags) - 1, 0)


@cache
def _inside_its_parent(model):
    """Rows of a parent's inline list (an author row of a publication) change only
    with their parent, whose tag the answer carries already."""
    return any(isinstance(field, ParentalKey) for field in model._meta.concrete_fields)


@contextmanager
def collecting():
    """Collect the tags of everything resolved in the block (this thread or task)."""
    collector = TagCollector()
    token = _collector.set(collector)
    try:
        yield collector
    finally:
        _collector.reset(token)


def note_list_tags(tags):
    collector = _collector.get()
    if collector is not None:
        for tag in tags:
            collector.add_list_tag(tag)


def note_lookup(model, pk):
    collector = _collector.get()
    if collector is not None:
        collector.add_lookup(model, pk)


class TagMiddleware:
    """graphql-core middleware: tags every model object a field is resolved on; a field
    that answers a list of objects (or, at the root, nothing found) adds their model's
    tag, as any change of one of them may change that answer."""

    def resolve(self, next_, root, info, **arguments):
        result = next_(root, info, **arguments)
        collector = _collector.get()
        if collector is not None:
            # Runs for every field (about 1,900 on a 100-row page): the sibling fields of
            # an object share its root, and a field's listed model is looked up in a dict.
            if root is not collector._last and isinstance(root, Model):
                collector.add_object(root)
            listed = _listed.get((info.parent_type.name, info.field_name), _UNSEEN)
            if listed is _UNSEEN:
                listed = _listed_model(
                    info.schema, info.parent_type, info.field_name, info.return_type
                )
            if listed is not None and (listed[1] or result is None):
                collector.lists.add(listed[0])
        return result

    def plain_reader(self, read, schema, parent_type, field_name, field):
        """``resolve`` for a plain field (``cms.api.execution``): tags the object read; a
        field that lists a model's objects takes the whole path."""
        if _listed_model(schema, parent_type, field_name, field.type) is not None:
            return None

        def read_and_tag(root, attname, default):
            value = read(root, attname, default)
            _tag_object(root)
            return value

        return read_and_tag

    def object_visitor(self, schema, parent_type):
        """Tags an object whose plain fields an ``ObjectPlan`` reads (``cms.api.execution``),
        as ``plain_reader`` does for each of them."""
        return _tag_object


_UNSEEN = object()


def _tag_object(root):
    collector = _collector.get()
    if collector is not None and root is not collector._last and isinstance(root, Model):
        collector.add_object(root)


_listed = {}


def _listed_model(schema, parent_type, field_name, return_type):
    """``(model tag, is a list)`` for a field whose answer depends on which objects of a
    model are public (a list anywhere, or an object looked up at the root); else None."""
    key = (parent_type.name, field_name)
    if key not in _listed:
        model = _model_of(return_type)
        is_list = _is_list(return_type)
        at_root = parent_type is schema.query_type
        if model is None or _inside_its_parent(model) or not (is_list or at_root):
            _listed[key] = None
        else:
            _listed[key] = (model_tag(model), is_list)
    return _listed[key]


def _is_list(graphql_type):
    return isinstance(get_nullable_type(graphql_type), GraphQLList)


def _model_of(graphql_type):
    named = get_named_type(graphql_type)
    graphene_type = getattr(named, "graphene_type", None)
    model = getattr(getattr(graphene_type, "_meta", None), "model", None)
    if model is not None:
        return tag_model(model)
    if named.name == "PageInterface":
        return Page
    return None


def header():
    """``(name, separator, byte limit)`` of the response header the edge reads."""
    name = api_setting("CACHE_TAG_HEADER")
    separator = "," if name.lower() == "cache-tag" else " "
    return name, separator, api_setting("CACHE_TAG_HEADER_BYTES")
