"""Plain fields take a short path through execution (``cms.api.execution``) and answer
exactly what graphql-core's own execution answers: values, nulls, errors with their
paths, and what each middleware sees. The API's own answers are checked end to end by
every other API test; here a small schema reaches the corners no content does (a null
in a non-null field, a value the scalar refuses, a property that raises)."""

import graphene
import pytest
from graphql import ExecutionContext, execute, parse
from graphql.pyutils import Undefined

from cms.api.execution import PlainFieldExecutionContext
from cms.api.tags import TagMiddleware, collecting
from cms.publishing import model_tag
from home.api.types import PersonType
from home.models import Person, Team


class Record:
    """What a resolver hands on: attributes, one of which raises when read."""

    def __init__(self, **values):
        self.__dict__.update(values)

    @property
    def broken(self):
        raise ValueError("the disk said no")


class Mood(graphene.Scalar):
    """A scalar that refuses some values by answering no value at all."""

    @staticmethod
    def serialize(value):
        return {"hidden": None, "unknown": Undefined}.get(value, value)


class Author(graphene.ObjectType):
    name = graphene.String(required=True)


class Paper(graphene.ObjectType):
    title = graphene.String(required=True)
    venue = graphene.String()
    year = graphene.Int()
    broken = graphene.String()
    required_but_missing = graphene.String(required=True)
    label = graphene.String(default_value="untitled")
    lead = graphene.Field(Author)
    authors = graphene.List(graphene.NonNull(Author), required=True)
    shouted = graphene.String()
    mood = graphene.Field(Mood)
    excerpt = graphene.String(words=graphene.Int())

    def resolve_shouted(root, info):
        return root.title.upper()

    def resolve_excerpt(root, info, words=1):
        return " ".join(root.title.split()[:words])


class Checked(graphene.ObjectType):
    """A type that recognises its objects (``is_type_of``), as a model's type does."""

    name = graphene.String()

    @classmethod
    def is_type_of(cls, root, info):
        return isinstance(root, Record)


class Query(graphene.ObjectType):
    papers = graphene.List(Paper)
    paper_as_dict = graphene.Field(Paper)
    checked = graphene.List(Checked)
    gappy = graphene.List(Paper)

    def resolve_gappy(root, info):
        """Lists of authors that may hold no null: one holds a null, one a nameless author."""
        return [
            Record(title="Holes", authors=[Record(name="Ada"), None]),
            Record(title="Nameless", authors=[Record(name=None)]),
            Record(title="Whole", authors=[{"name": "Grace"}]),
        ]

    def resolve_checked(root, info):
        return [Record(name="Ada"), {"name": "not a record"}]

    def resolve_papers(root, info):
        return [
            Record(
                title="A Cloud-Compatible Store",
                venue=None,
                year=2023,
                mood="hidden",
                required_but_missing=None,
                lead=Record(name="Ada"),
                authors=[Record(name="Ada"), {"name": "Grace"}],
            ),
            Record(
                title="Above the Clouds",
                venue="SOSP",
                year=2**40,  # more than GraphQL's Int holds
                mood="unknown",
                required_but_missing="here",
                label="set",
                lead=None,
                authors=[],
            ),
        ]

    def resolve_paper_as_dict(root, info):
        return {"title": "From a dict", "year": 1999, "authors": [{"name": "Edsger"}]}


SCHEMA = graphene.Schema(query=Query).graphql_schema

DOCUMENTS = {
    "leaves": "{ papers { title venue year label shouted excerpt(words: 2) } }",
    "objects and lists": "{ papers { lead { name } authors { name } } }",
    "a property that raises": "{ papers { title broken } }",
    "null in a non-null field": "{ papers { title requiredButMissing } }",
    "aliases and repeats": "{ papers { t: title t2: title, title, lead { n: name } } }",
    "a dict": "{ paperAsDict { title year label authors { name } } }",
    "typenames": "{ __typename papers { __typename title } }",
    "introspection": '{ __schema { queryType { name } } __type(name: "Paper") { name } }',
    "a scalar that answers no value": "{ papers { title mood } }",
    "an object of another type": "{ checked { name } }",
    "nulls in lists that may hold none": "{ gappy { title authors { name } } }",
    "fragments and directives": """
        query { papers { ...Cited lead @include(if: false) { name } } }
        fragment Cited on Paper { title venue @skip(if: true) ... on Paper { year } }
    """,
}


def run(document, context_class, middleware=()):
    return execute(
        SCHEMA,
        parse(document),
        middleware=list(middleware) or None,  # none at all, as graphql-core allows
        execution_context_class=context_class,
    )


def formatted(result):
    return result.data, sorted(
        (error.message, tuple(error.path), tuple((s.line, s.column) for s in error.locations))
        for error in result.errors or ()
    )


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_the_short_path_answers_what_graphql_core_answers(document):
    plain = run(document, PlainFieldExecutionContext)
    assert formatted(plain) == formatted(run(document, ExecutionContext))


def test_the_corners_are_answered_as_the_graphql_spec_has_it():
    raising = formatted(run(DOCUMENTS["a property that raises"], PlainFieldExecutionContext))
    assert raising[0]["papers"][0] == {"title": "A Cloud-Compatible Store", "broken": None}
    assert [message for message, *_ in raising[1]] == ["the disk said no"] * 2

    missing = formatted(run(DOCUMENTS["null in a non-null field"], PlainFieldExecutionContext))
    assert missing[0]["papers"] == [
        None,
        {"title": "Above the Clouds", "requiredButMissing": "here"},
    ]
    assert missing[1] == [
        (
            "Cannot return null for non-nullable field Paper.requiredButMissing.",
            ("papers", 0, "requiredButMissing"),
            ((1, 18),),
        )
    ]

    refused = formatted(
        run(DOCUMENTS["a scalar that answers no value"], PlainFieldExecutionContext)
    )
    assert [paper["mood"] for paper in refused[0]["papers"]] == [None, None]
    assert [(message, path) for message, path, _ in refused[1]] == [
        (
            "Expected `Mood.serialize('hidden')` to return non-nullable value, returned: None",
            ("papers", 0, "mood"),
        ),
        (
            "Expected `Mood.serialize('unknown')` to return non-nullable value, "
            "returned: Undefined",
            ("papers", 1, "mood"),
        ),
    ]

    leaves = formatted(run(DOCUMENTS["leaves"], PlainFieldExecutionContext))
    assert leaves[0]["papers"][0]["label"] == "untitled"  # the field's default value
    assert leaves[0]["papers"][1]["year"] is None
    assert leaves[1][0][:2] == (
        "Int cannot represent non 32-bit signed integer value: 1099511627776",
        ("papers", 1, "year"),
    )


class Recorder:
    """A middleware that only knows ``resolve``: every field must still go through it."""

    def __init__(self):
        self.fields = []

    def resolve(self, next_, root, info, **arguments):
        self.fields.append(f"{info.parent_type.name}.{info.field_name}")
        return next_(root, info, **arguments)


class PlainRecorder(Recorder):
    """Reads plain fields itself, except those named in ``whole_path``."""

    def __init__(self, name, log, whole_path=()):
        super().__init__()
        self.name, self.log, self.whole_path = name, log, whole_path

    def plain_reader(self, read, schema, parent_type, field_name, field):
        assert schema is SCHEMA
        if f"{parent_type.name}.{field_name}" in self.whole_path:
            return None

        def recorded(root, attname, default):
            self.log.append(f"{self.name} {parent_type.name}.{field_name}")
            return read(root, attname, default)

        return recorded


def test_a_middleware_without_a_plain_reader_sees_every_field():
    document = "{ papers { title lead { name } } }"
    plain, whole = Recorder(), Recorder()
    run(document, PlainFieldExecutionContext, [plain])
    run(document, ExecutionContext, [whole])
    assert plain.fields == whole.fields
    assert "Paper.title" in plain.fields and "Author.name" in plain.fields


def test_middleware_reads_plain_fields_in_graphql_cores_order():
    log = []
    inner, outer = PlainRecorder("inner", log), PlainRecorder("outer", log)
    result = run("{ papers { title shouted } }", PlainFieldExecutionContext, [inner, outer])
    assert result.errors is None
    # The last middleware is outermost, as with ``resolve``; a field with its own
    # resolver goes through ``resolve``.
    assert log[:2] == ["outer Paper.title", "inner Paper.title"]
    assert "Paper.title" not in inner.fields
    assert inner.fields == ["Query.papers", "Paper.shouted", "Paper.shouted"]


def test_a_middleware_may_keep_a_plain_field_on_the_whole_path():
    log = []
    keeper = PlainRecorder("keeper", log, whole_path={"Paper.venue"})
    run("{ papers { title venue } }", PlainFieldExecutionContext, [keeper])
    assert keeper.fields == ["Query.papers", "Paper.venue", "Paper.venue"]
    assert log == ["keeper Paper.title", "keeper Paper.title"]


class Staff(graphene.ObjectType):
    """Plain fields holding model objects: one, and a list of them; and a default."""

    lead = graphene.Field(PersonType)
    people = graphene.List(graphene.NonNull(PersonType))
    motto = graphene.String(default_value="None yet")


class StaffQuery(graphene.ObjectType):
    staff = graphene.Field(Staff)

    def resolve_staff(root, info):
        if root is not None:
            return root
        ada, grace = Person(pk=1, name="Ada"), Person(pk=2, name="Grace")
        return {"people": [ada, grace], "lead": Person(pk=3, name="Edsger")}


def test_a_models_type_checks_each_class_it_meets():
    """``is_type_of`` of a model's type is asked once per model class on a plan: an
    object of another class in the same list is still refused, as graphql-core does."""
    schema = graphene.Schema(query=StaffQuery).graphql_schema
    document = parse("{ staff { people { name } } }")
    mixed = {"people": [Person(pk=1, name="Ada"), Person(pk=2, name="Grace"), Team(pk=3)]}
    answers = []
    for context_class in (PlainFieldExecutionContext, ExecutionContext):
        result = execute(
            schema,
            document,
            root_value=mixed,
            middleware=[TagMiddleware()],
            execution_context_class=context_class,
        )
        answers.append(formatted(result))
    assert answers[0] == answers[1]
    assert answers[0][0] == {"staff": {"people": None}}
    assert answers[0][1][0][0].startswith("Expected value of type 'Person' but got: <Team")


def test_the_cache_tags_of_plain_fields_are_those_of_the_whole_path():
    """A plain field listing a model's objects takes the whole path, where the tag
    middleware adds the model's list tag; the objects read are tagged on either path."""
    schema = graphene.Schema(query=StaffQuery).graphql_schema
    # The field holding one object first: which path a field takes is decided per
    # field, not once for all the fields of its type.
    document = parse("{ staff { lead { name } people { name } motto } }")
    collected = []
    for context_class in (PlainFieldExecutionContext, ExecutionContext):
        with collecting() as collector:
            result = execute(
                schema,
                document,
                middleware=[TagMiddleware()],
                execution_context_class=context_class,
            )
        assert result.errors is None
        assert result.data["staff"]["motto"] == "None yet"
        collected.append((collector.lists, collector.objects))
    person = model_tag(Person)
    assert collected[0] == collected[1] == ({person}, {person: {1, 2, 3}})


def test_only_objects_nulls_and_refusals_build_info(monkeypatch):
    """What the short path saves: a leaf with a value is answered without ``info``."""
    built = []
    build_resolve_info = PlainFieldExecutionContext.build_resolve_info

    def counted(self, field, field_nodes, parent_type, path):
        built.append(f"{parent_type.name}.{field_nodes[0].name.value}")
        return build_resolve_info(self, field, field_nodes, parent_type, path)

    monkeypatch.setattr(PlainFieldExecutionContext, "build_resolve_info", counted)
    result = run("{ papers { title venue mood lead { name } } }", PlainFieldExecutionContext)
    assert result.data["papers"][1]["venue"] == "SOSP"
    # The root field has a resolver; each mood is refused; the first lead is an object.
    # On the objects' plans no leaf builds one, nor a null in a nullable field (the venue
    # of the first paper, the lead of the second).
    assert built == ["Query.papers", "Paper.mood", "Paper.lead", "Paper.mood"]


class Named(graphene.Interface):
    """An interface whose type is decided per object, with the field's ``info``."""

    name = graphene.String()
    paths = []

    @classmethod
    def resolve_type(cls, instance, info):
        cls.paths.append(info.path.as_list())
        return Editor


class Editor(graphene.ObjectType):
    class Meta:
        interfaces = (Named,)


class Journal(graphene.ObjectType):
    editor = graphene.Field(Named)


class JournalQuery(graphene.ObjectType):
    journals = graphene.List(Journal)

    def resolve_journals(root, info):
        return [{"editor": Record(name="Ann")}, {"editor": Record(name="Ben")}]


def test_an_objects_type_is_decided_with_the_same_info():
    schema = graphene.Schema(query=JournalQuery, types=[Editor]).graphql_schema
    document = parse("{ journals { editor { name } } }")
    seen = []
    for context_class in (PlainFieldExecutionContext, ExecutionContext):
        Named.paths.clear()
        result = execute(schema, document, execution_context_class=context_class)
        assert result.errors is None
        seen.append(list(Named.paths))
    assert seen[0] == seen[1] == [["journals", 0, "editor"], ["journals", 1, "editor"]]


class Visiting(PlainRecorder):
    """Visits each object once before its plain leaves are read without the reader."""

    def object_visitor(self, schema, parent_type):
        def visit(root):
            self.log.append(f"visit {parent_type.name}")

        return visit


def test_with_visiting_middleware_objects_complete_on_a_plan():
    """Every middleware visits the objects: their plain fields are read without a reader
    per field, and the answers are graphql-core's."""
    log = []
    document = "{ papers { title venue lead { name } __typename shouted } }"
    visiting = Visiting("visiting", log)
    result = run(document, PlainFieldExecutionContext, [visiting])
    assert formatted(result) == formatted(run(document, ExecutionContext))
    # Each object visited once (the second paper's lead is null); no plain field read
    # through the reader; a field with its own resolver still goes through ``resolve``.
    assert log == ["visit Paper", "visit Author", "visit Paper"]
    assert visiting.fields == ["Query.papers", "Paper.shouted", "Paper.shouted"]


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_reading_field_by_field_answers_what_graphql_core_answers(document):
    """A middleware that reads plain fields but does not visit objects keeps every object
    off the plans: each plain field is read on its own, through the reader."""
    reading = run(document, PlainFieldExecutionContext, [PlainRecorder("reading", [])])
    assert formatted(reading) == formatted(run(document, ExecutionContext))


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_a_plan_answers_what_graphql_core_answers(document):
    visiting = run(document, PlainFieldExecutionContext, [Visiting("visiting", [])])
    assert formatted(visiting) == formatted(run(document, ExecutionContext))


def test_a_middleware_that_does_not_visit_keeps_each_field_on_its_reader():
    log = []
    visiting, reading = Visiting("visiting", log), PlainRecorder("reading", log)
    run("{ papers { title } }", PlainFieldExecutionContext, [visiting, reading])
    assert log == ["reading Paper.title", "visiting Paper.title"] * 2
