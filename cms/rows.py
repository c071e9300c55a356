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
"""

from functools import cache

from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
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
        if (
            not fills_from_row_only(cls)
            or pre_init.has_listeners(cls)
            or post_init.has_listeners(cls)
        ):
            return super().from_db(db, field_names, values)
        instance = cls.__new__(cls)
        # A deferred column is missing from ``field_names`` and so from ``__dict__``,
        # where ``DeferredAttribute`` looks for it, as after ``__init__``.
        instance.__dict__.update(zip(field_names, values, strict=True))
        state = instance._state = models.base.ModelState()
        state.adding = False
        state.db = db
        return instance
