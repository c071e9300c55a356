"""Rows read in bulk become instances without ``Model.__init__`` (``cms.rows``), and
nothing about those instances differs from the ones Django builds: their values,
their state, deferred columns, related objects, saving them again."""

import pytest
from django.db import models
from django.db.models.signals import post_init, pre_init
from wagtail.images import get_image_model

from cms.rows import BuiltFromRows, fills_from_row_only, rows_with_related
from home.models import Person
from research.models import Publication, PublicationAuthor, ResearchDomain, ResearchPage

pytestmark = pytest.mark.django_db

READ_IN_BULK = [Publication, PublicationAuthor, ResearchDomain, Person]


def built_by_django(instance):
    """The same row, built the way Django builds it (``Model.__init__``)."""
    names = [field.attname for field in type(instance)._meta.concrete_fields]
    values = [getattr(instance, name) for name in names]
    return models.Model.from_db.__func__(type(instance), "default", names, values)


def values_of(instance):
    return {key: value for key, value in vars(instance).items() if key != "_state"}


@pytest.mark.parametrize("model", READ_IN_BULK, ids=lambda model: model.__name__)
def test_a_row_becomes_the_instance_django_would_build(model):
    assert issubclass(model, BuiltFromRows) and fills_from_row_only(model)
    instance = model.objects.order_by("pk").first()
    reference = built_by_django(instance)
    assert values_of(instance) == values_of(reference)
    assert list(values_of(instance)) == list(values_of(reference))  # in the same order
    assert (instance._state.adding, instance._state.db) == (False, "default")
    assert instance == reference and instance.get_deferred_fields() == set()


def test_related_objects_and_deferred_columns_load_as_usual(django_assert_num_queries):
    author = PublicationAuthor.objects.select_related("publication__domain").first()
    with django_assert_num_queries(0):
        assert author.publication.domain.pk == author.publication.domain_id
    publication = Publication.objects.only("title").get(pk=author.publication_id)
    assert publication.get_deferred_fields() >= {"abstract", "venue"}
    with django_assert_num_queries(1):
        assert publication.abstract == author.publication.abstract


def test_an_instance_read_this_way_saves_like_any_other():
    domain = ResearchDomain.objects.order_by("pk").first()
    domain.description = "Rewritten"
    domain.save()
    assert ResearchDomain.objects.get(pk=domain.pk).description == "Rewritten"


@pytest.mark.parametrize("signal", [pre_init, post_init], ids=["pre_init", "post_init"])
def test_a_receiver_of_the_init_signals_gets_every_row(signal):
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs.get("instance", sender))

    linked = PublicationAuthor.objects.filter(person__isnull=False).order_by("pk")
    signal.connect(receiver, sender=Person)
    try:
        people = list(Person.objects.all())
        # A read that decides how to build once for all its rows sees the receiver too.
        authors_people = [author.person for author in rows_with_related(linked, ("person",))]
    finally:
        signal.disconnect(receiver, sender=Person)
    assert people and authors_people
    assert len(seen) == len(people) + len(authors_people)
    assert list(Person.objects.all()) == people  # and, disconnected, the short way again


def test_models_whose_init_does_more_are_built_by_django():
    # Wagtail's Page has an ``__init__`` of its own; an image's file column a descriptor
    # that wraps the stored name.
    assert not fills_from_row_only(ResearchPage)
    assert not fills_from_row_only(get_image_model())


def test_rows_with_related_are_the_rows_select_related_reads(django_assert_num_queries):
    """One statement, and the same instances, values and cached relations as Django's
    ``select_related``: a linked person, and ``None`` where no person is linked."""
    Person.objects.create(name="Nobody Cited", slug="nobody-cited")  # never joined
    authors = PublicationAuthor.objects.order_by("sort_order", "id")
    expected = list(authors.select_related("person"))
    assert {a.person_id is None for a in expected} == {True, False}  # both kinds present
    with django_assert_num_queries(1):
        built = rows_with_related(authors, ("person",))
        people = [author.person for author in built]  # cached: no statement more
    assert built == expected
    assert [values_of(a) for a in built] == [values_of(a) for a in expected]
    assert [p and values_of(p) for p in people] == [
        a.person and values_of(a.person) for a in expected
    ]
    assert {type(p) for p in people} == {Person, type(None)}
    assert all(not a._state.adding and a._state.db == "default" for a in built)


def test_rows_with_no_relation_named_are_the_plain_rows():
    authors = PublicationAuthor.objects.filter(person__isnull=False).order_by("pk")
    built = rows_with_related(authors)
    assert [values_of(a) for a in built] == [values_of(a) for a in authors]
    assert all(not a._state.fields_cache for a in built)  # nothing cached: read as usual


def test_loaders_run_once_the_rows_are_fetched_and_follow_every_copy():
    seen = []
    queryset = Publication.objects.after_fetch(lambda rows: seen.append(list(rows)))
    narrowed = queryset.filter(year__gte=1900).order_by("pk")  # a copy keeps the loader
    rows = list(narrowed)
    assert seen == [rows] and rows
    list(narrowed)  # fetched already: not loaded again
    assert len(seen) == 1
    assert queryset.order_by("pk").first() == rows[0] and seen[-1] == rows[:1]  # a slice
    assert len(seen) == 2
    # Rows that are not instances skip the loaders; a plain queryset has none.
    assert list(narrowed.values_list("pk", flat=True)) and len(seen) == 2
    assert Publication.objects.all()._after_fetch == ()
