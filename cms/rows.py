"""Model instances built straight from database rows, without ``Model.__init__``.

A page of 100 publications with their authors builds about 700 instances: the
publications, their domains, about 460 authors and their people. Django builds each
read row through ``Model.__init__``: two signals sent to no receiver, and one
``setattr`` per column through the field's descriptor, 17 µs for a publication's 26
columns and 6 µs for an author's 5 on this project's machine; built here, 4 and 3 µs:
about 3 ms of a 100-row page (``make bench``).

For a model whose instances ``__init__`` would fill with nothing but the row (no
``pre_init``/``post_init`` receiver, no ``__init__`` of its own, no descriptor that
does more than store a column's value), the row's values go straight into the
instance's ``__dict__`` under their column names, as ``__init__`` leaves them. Any
other model, or a receiver connected later, takes Django's way, row by row.
``rows_with_related`` decides that once per read rather than once per row: asking both
signals for each of a 100-row page's 600 authors and people cost about 4% of the page.
"""

from functools import cache, partial

from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import ModelIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from modelcluster.models import ClusterableModel

#: Constructors that, for a row read from the database (positional values only), do
#: nothing but set the row's values: ClusterableModel's only looks at keyword arguments.
_ROW_ONLY_INITS = (models.Model, ClusterableModel, object)
#: Column descriptors that store a value and nothing else (a foreign key's also drops
#: the related object cached under it, which a new instance does not have).
_STORE_ONLY_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute)


@cache
def fills_from_row_only(model):
    """Whether ``model.__init__`` does nothing for a read row but store its values."""
    for klass in model.__mro__:
        if "__init__" in vars(klass) and klass not in _ROW_ONLY_INITS:
            return False
    for field in model._meta.concrete_fields:
        for klass in model.__mro__:
            if field.attname in vars(klass):
                if type(vars(klass)[field.attname]) not in _STORE_ONLY_DESCRIPTORS:
                    return False
                break
    return True


class BuiltFromRows:
    """Mixin for models the API reads in bulk: rows become instances without
    ``__init__`` where that changes nothing (module docstring)."""

    @classmethod
    def from_db(cls, db, field_names, values):
        if not _skips_init(cls):
            return super().from_db(db, field_names, values)
        return _built(cls, db, field_names, values)


def _skips_init(model):
    """Whether an instance of ``model`` (a ``BuiltFromRows`` model) read from a row can be
    built without ``__init__`` (module docstring); asked again on every read, as a
    receiver may connect any time."""
    return (
        fills_from_row_only(model)
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


def _built(model, db, field_names, values):
    instance = model.__new__(model)
    # A deferred column is missing from ``field_names`` and so from ``__dict__``,
    # where ``DeferredAttribute`` looks for it, as after ``__init__``.
    instance.__dict__.update(zip(field_names, values, strict=True))
    state = instance._state = models.base.ModelState()
    state.adding = False
    state.db = db
    return instance


def row_builder(model, db):
    """``build(field_names, values)``: an instance of ``model`` from a row of ``db``, as
    ``from_db`` builds it, for every row of one read (``rows_with_related``), whose
    way of building is decided once for all its rows instead of row by row."""
    if issubclass(model, BuiltFromRows) and _skips_init(model):
        return partial(_built, model, db)
    return partial(model.from_db, db)


class LoadsAfterFetch:
    """QuerySet mixin: ``after_fetch(loader)`` runs ``loader(instances)`` once the rows
    are fetched, where ``prefetch_related`` would run, for a relation loaded without
    Django's prefetch machinery (``rows_with_related``). Rows read any other way
    (``values()``, ``iterator()``) skip the loaders; a relation the loader did not fill
    is then read as usual."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._after_fetch = ()

    def after_fetch(self, loader):
        clone = self._chain()
        clone._after_fetch = (*self._after_fetch, loader)
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._after_fetch = self._after_fetch
        return clone

    def _fetch_all(self):
        fetched_before = self._result_cache is not None
        super()._fetch_all()
        if not fetched_before and self._iterable_class is ModelIterable:
            for loader in self._after_fetch:
                loader(self._result_cache)


def rows_with_related(queryset, related=()):
    """The instances of ``queryset``, each with the objects of the foreign keys named in
    ``related`` cached as ``select_related`` leaves them (``None`` where the key is
    null), read with one ``values_list`` of every column of both.

    What ``select_related`` does, without building each row through ``ModelIterable``
    and a ``RelatedPopulator`` per relation: for the 460 authors of a 100-row page with
    their people, about half the time. Instances come from ``from_db``, as Django's.
    """
    columns = []
    parts = []  # (model, foreign key or None, slice of the row, attnames, pk's index)

    def add(model, field, prefix):
        fields = model._meta.concrete_fields
        start = len(columns)
        columns.extend(f"{prefix}{f.attname if field is None else f.name}" for f in fields)
        attnames = [f.attname for f in fields]
        pk_index = start + attnames.index(model._meta.pk.attname)
        parts.append((model, field, slice(start, len(columns)), attnames, pk_index))

    add(queryset.model, None, "")
    for name in related:
        field = queryset.model._meta.get_field(name)
        add(field.related_model, field, f"{name}__")
    db = queryset.db
    (model, _, own, attnames, _), related_parts = parts[0], parts[1:]
    build = row_builder(model, db)
    relations = [
        (row_builder(target, db), field.set_cached_value, part, target_attnames, pk_index)
        for target, field, part, target_attnames, pk_index in related_parts
    ]
    instances = []
    for row in queryset.values_list(*columns):
        instance = build(attnames, row[own])
        for build_related, cache_related, part, target_attnames, pk_index in relations:
            if row[pk_index] is None:
                cache_related(instance, None)
            else:
                cache_related(instance, build_related(target_attnames, row[part]))
        instances.append(instance)
    return instances
