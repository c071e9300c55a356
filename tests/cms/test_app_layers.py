"""Apps depend downward only, in what imports do not show: model relations (named by
string, e.g. ``"home.Person"``) and migration dependencies.

The order is ``pyproject.toml``'s import contract: careers > research > home > cms.
A model or migration of an app may point at its own app or one below, never above: so
research never needs careers, home (the people directory) needs neither, and cms
(settings, API machinery, publishing) knows no content app.
"""

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

#: Lowest first.
LAYERS = ("cms", "home", "research", "careers")


def upward(source_app, target_app):
    """Whether ``source_app`` pointing at ``target_app`` points up the layers."""
    if source_app not in LAYERS or target_app not in LAYERS:
        return False
    return LAYERS.index(target_app) > LAYERS.index(source_app)


def relations_up():
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields(include_hidden=True):
            # Forward relations only (ForeignKey, OneToOne, ManyToMany, ParentalKey, …):
            # reverse ones are the other model's own forward field.
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            source, target = model._meta.app_label, field.related_model._meta.app_label
            if upward(source, target):
                found.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )
    return found


def migration_dependencies_up(graph):
    found = []
    for key, node in graph.node_map.items():
        for parent in node.parents:
            if upward(key[0], parent.key[0]):
                found.append(f"{key[0]}.{key[1]} depends on {parent.key[0]}.{parent.key[1]}")
    return found


def test_no_model_relation_points_up_the_layers():
    assert relations_up() == []


def test_no_migration_depends_on_an_app_above_its_own():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    assert {key[0] for key in graph.nodes} >= set(LAYERS)
    assert migration_dependencies_up(graph) == []


def test_the_relations_and_dependencies_looked_at_include_the_shared_people():
    """The checks see the relations that cross apps (so an empty answer means something)."""
    relations = {
        f"{model._meta.label}.{field.name}": field.related_model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is not None
    }
    assert relations["research.PublicationAuthor.person"] == "home.Person"
    assert relations["careers.StoryPage.person"] == "home.Person"
    assert relations["careers.StoryRelatedPublication.publication"] == "research.Publication"
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    careers = [key for key in graph.leaf_nodes() if key[0] == "careers"][0]
    assert {parent.key[0] for parent in graph.node_map[careers].parents} >= {"home", "research"}
