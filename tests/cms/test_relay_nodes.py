"""Relay global object identification: ``Node``, ``node(id:)`` and ``nodes(ids:)``.

The types are discovered from the schema (everything implementing ``Node``), and
the objects from the API itself: every root field is walked with every nested field
(``tests/schema_walk.py``), every object with an ``id`` is collected, and each must
come back from ``node(id:)`` and ``nodes(ids:)`` as the same object. A new node type
is covered without a change here, and fails until the walk reaches one of its objects.

The hidden objects are ``test_public_surface``'s: drafts, expired and scheduled
content, view-restricted pages, an unpublished publication, files in a private
collection or used only by hidden content. None may come back, under any type name.
"""

import base64
from datetime import date

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id
from wagtail.images import get_image_model
from wagtail.models import Page

from careers.models import StoryPage
from cms.api import nodes as node_registry
from cms.api.cache import bump_content_generation
from home.models import HomePage, Organization, Person, Team
from research.models import Publication, ResearchDomain
from tests.cms import test_public_surface as surface
from tests.cms.test_public_surface import HUSH, hidden_global_ids, walk
from tests.graphql import (
    assert_bad_user_input,
    create_portrait,
    create_story,
    data_of,
    gql,
    measure_queries,
)

pytestmark = pytest.mark.django_db

# The public surface's fixtures: its hidden objects, and a walk's budgets.
world = surface.world
walk_limits = surface.walk_limits

NODE_TYPES = '{ __type(name: "Node") { possibleTypes { name } } }'
NODE = "query($id: ID!) { node(id: $id) { __typename id %s } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id %s } }"


def global_id(obj, type_name=None):
    return to_global_id(type_name or type(obj).__name__, str(obj.pk))


def database_ids(type_names):
    return " ".join(f"... on {name} {{ databaseId }}" for name in sorted(type_names))


def node_type_names(client):
    return {t["name"] for t in data_of(gql(client, NODE_TYPES))["__type"]["possibleTypes"]}


@pytest.fixture
def reachable(world):
    """Public objects of the types the demo content lacks: a plain Wagtail page (grapple's
    fallback ``Page`` type) and a story whose body shows a public image (``rendition``
    makes a rendition of it)."""
    home = HomePage.objects.get()
    plain = Page(title="Plain page", slug="plain-page")
    home.add_child(instance=plain)
    plain.save_revision(log_action=False).publish(log_action=False)
    figure = create_portrait("Open figure")
    create_story(
        "Story with a figure",
        date=date(2022, 6, 1),
        body=[{"type": "image", "value": {"image": figure.pk, "caption": "", "alt_text": ""}}],
    )
    return {"plain": plain, "figure": figure, **world}


def walked_objects(client):
    """``{(__typename, id): databaseId}`` of every object any root field returns."""
    walker = walk(client)
    found = {}
    for field in walker.root_fields():
        if field["name"] in ("node", "nodes"):
            continue  # what is being tested; the walk must find objects without it
        query = walker.query_for(field)
        if query is None:
            continue
        collect(data_of(gql(client, query)), found)
    return found


def collect(value, found):
    if isinstance(value, dict):
        if "__typename" in value and "databaseId" in value:
            key = (value["__typename"], value["id"])
            assert found.setdefault(key, value["databaseId"]) == value["databaseId"], key
        for item in value.values():
            collect(item, found)
    elif isinstance(value, list):
        for item in value:
            collect(item, found)


def fetch_nodes(client, ids, selection=""):
    return data_of(gql(client, NODES % selection, {"ids": ids}))["nodes"]


# --- Round trips -----------------------------------------------------------------------


def test_every_node_type_round_trips_through_node_and_nodes(client, reachable):
    # Given: every type implementing Node, and every object the API's fields return.
    types = node_type_names(client)
    objects = walked_objects(client)
    walked_types = {type_name for type_name, _id in objects}

    # Then: the walk met an object of every node type.
    assert walked_types == types

    # When: one object of each type is asked by `node(id:)`,
    one_each = {}
    for (type_name, id_), database_id in sorted(objects.items()):
        one_each.setdefault(type_name, (id_, database_id))
    for type_name, (id_, database_id) in one_each.items():
        node = data_of(gql(client, NODE % database_ids(types), {"id": id_}))["node"]
        # Then: the same object comes back.
        assert node == {"__typename": type_name, "id": id_, "databaseId": database_id}

    # And: every walked object comes back from `nodes(ids:)`, in order, 100 at a time.
    items = sorted(objects.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        nodes = fetch_nodes(client, [id_ for (_t, id_), _d in chunk], database_ids(types))
        assert nodes == [
            {"__typename": type_name, "id": id_, "databaseId": database_id}
            for (type_name, id_), database_id in chunk
        ]


def test_ids_are_unique_across_types_where_database_ids_collide(client, reachable):
    objects = walked_objects(client)

    by_id = {}
    for (type_name, id_), database_id in objects.items():
        assert by_id.setdefault(id_, (type_name, database_id)) == (type_name, database_id)
    # The numbers alone collide (publication 1, research domain 1, …); the ids do not.
    numbers = [database_id for database_id in objects.values()]
    assert len(set(numbers)) < len(numbers)
    assert len(by_id) == len(objects)


def test_a_page_is_a_node_through_the_page_interface(client):
    careers = data_of(
        gql(client, '{ page(urlPath: "/careers/") { id databaseId ... on Node { id } } }')
    )["page"]
    node = data_of(
        gql(client, NODE % "... on PageInterface { url databaseId }", {"id": careers["id"]})
    )["node"]
    assert node == {
        "__typename": "CareersPage",
        "id": careers["id"],
        "url": "/careers/",
        "databaseId": careers["databaseId"],
    }


def test_a_plain_page_under_the_tree_root_is_a_node_and_the_root_is_not(client):
    # Given: a published plain Wagtail page right under the tree root, where another
    # site's root page would live (depth 2; the site's own pages are deeper).
    root = Page.get_first_root_node()
    top = root.add_child(instance=Page(title="Another site", slug="another-site"))
    top.save_revision(log_action=False).publish(log_action=False)

    # Then: its global id finds it, as grapple's fallback `Page` type.
    query = NODE % "... on PageInterface { title }"
    assert data_of(gql(client, query, {"id": global_id(top, "Page")}))["node"] == {
        "__typename": "Page",
        "id": global_id(top, "Page"),
        "title": "Another site",
    }
    # And: the tree root (live, but no page of any site) is never a node.
    assert data_of(gql(client, query, {"id": global_id(root, "Page")}))["node"] is None


def test_page_arguments_take_a_global_id_or_a_database_id(client):
    careers = data_of(gql(client, '{ page(urlPath: "/careers/") { id databaseId } }'))["page"]
    for value in (careers["id"], str(careers["databaseId"])):
        page = data_of(gql(client, "query($id: ID) { page(id: $id) { url } }", {"id": value}))
        children = data_of(
            gql(
                client,
                "query($id: ID) { pages(parent: $id) { edges { node { url } } } }",
                {"id": value},
            )
        )
        assert page["page"] == {"url": "/careers/"}
        assert children["pages"]["edges"] == [{"node": {"url": "/careers/stories/"}}]

    # Another type's global id is no page id: a coded refusal, not a silent null.
    publication = global_id(Publication.objects.live().first())
    assert_bad_user_input(
        gql(client, "query($id: ID) { page(id: $id) { url } }", {"id": publication}), "id"
    )


def test_registering_a_type_that_is_no_node_fails_at_start_up_and_changes_nothing():
    not_a_node = type("NotANode", (graphene.ObjectType,), {"name": graphene.String()})
    loaders, types = dict(node_registry._LOADERS), dict(node_registry.NODE_TYPES)
    with pytest.raises(TypeError, match=r"^NotANode must implement cms\.api\.nodes\.Node\.$"):
        node_registry.register_node(Organization, not_a_node)
    assert loaders == node_registry._LOADERS
    assert types == node_registry.NODE_TYPES


# --- The gate --------------------------------------------------------------------------


def test_no_hidden_object_comes_back_under_any_type_name(client, world):
    # Given: the global id of every hidden object under every type name it could have
    # (a story as StoryPage and as the fallback Page, an image as ImageObjectType, …),
    # and a rendition of the image in a private collection.
    private_image = next(
        obj
        for obj in world["hidden"]
        if isinstance(obj, get_image_model()) and obj.collection.name != "Root"
    )
    rendition = private_image.get_rendition("width-320")
    ids = sorted(hidden_global_ids(world)) + [global_id(rendition, "ImageRenditionObjectType")]
    assert len(ids) > 20

    # Then: each is null from `node`, and all of them are from `nodes`.
    for id_ in ids:
        assert data_of(gql(client, NODE % "", {"id": id_}))["node"] is None, id_
    assert fetch_nodes(client, ids) == [None] * len(ids)


def test_an_object_becomes_a_node_when_published_and_stops_when_unpublished(client):
    # Given: a publication saved as a draft, never published.
    publication = Publication.objects.live().first()
    id_ = global_id(publication)
    publication.unpublish(log_action=False)
    assert data_of(gql(client, NODE % "", {"id": id_}))["node"] is None

    # When: it is published again.
    publication.refresh_from_db()
    publication.save_revision(log_action=False).publish(log_action=False)

    # Then: its id resolves to it.
    assert data_of(gql(client, NODE % "", {"id": id_}))["node"] == {
        "__typename": "Publication",
        "id": id_,
    }


def test_unknown_wrong_type_and_malformed_ids_are_null(client):
    story = StoryPage.objects.live().first()
    missing = max(Page.objects.values_list("pk", flat=True)) + 1000
    raw = f"StoryPage:{story.pk}"
    ids = [
        global_id(story, "HomePage"),  # a page of another page type
        global_id(story, "Page"),  # the fallback type: the story has its own
        to_global_id("StoryPage", str(missing)),  # no such row
        to_global_id("User", "1"),  # not a node type
        to_global_id("StoryPage", f"0{story.pk}"),  # another spelling of the number
        to_global_id("StoryPage", "0"),
        to_global_id("StoryPage", "-1"),
        to_global_id("StoryPage", "abc"),
        to_global_id("StoryPage", "9" * 30),  # beyond any database id
        to_global_id("StoryPage", "٣"),  # a digit, but not ASCII
        global_id(story) + "!",  # a lenient base64 decoder would skip the "!"
        base64.b64encode(raw.encode()).decode().rstrip("="),  # unpadded
        raw,  # not base64
        str(story.pk),  # a database id is not a global id
        "",
        "é",
        "9" * 5000,
    ]
    assert fetch_nodes(client, ids) == [None] * len(ids)
    for id_ in ids:
        assert data_of(gql(client, NODE % "", {"id": id_}))["node"] is None, id_
    # The same story, spelled as issued, is found: the nulls are not a broken lookup.
    assert fetch_nodes(client, [global_id(story)]) == [
        {"__typename": "StoryPage", "id": global_id(story)}
    ]


def test_nodes_answers_repeated_ids_in_order(client):
    team, domain = Team.objects.first(), ResearchDomain.objects.first()
    ids = [global_id(team), global_id(domain), global_id(team)]
    assert [node["id"] for node in fetch_nodes(client, ids)] == ids


def test_nodes_refuses_more_than_100_ids(client):
    team_id = global_id(Team.objects.first())
    assert len(fetch_nodes(client, [team_id] * 100)) == 100
    body = gql(client, NODES % "", {"ids": [team_id] * 101})
    assert_bad_user_input(body, "ids")
    assert "100" in body["errors"][0]["message"]


def test_the_cost_of_nodes_counts_the_ids_asked_for(client, settings):
    # Given: a cost budget between what 2 and what 100 organizations with their teams'
    # members would cost (each about 211: 10 teams of 20 members, estimated).
    settings.CMS_API = {**settings.CMS_API, "MAX_QUERY_COST": 2_000}
    query = NODES % "... on Organization { teams { members { name } } }"
    organization_id = global_id(Organization.objects.first())

    # Then: 2 ids are within it, 100 are refused before anything runs.
    assert len(data_of(gql(client, query, {"ids": [organization_id] * 2}))["nodes"]) == 2
    body = gql(client, query, {"ids": [organization_id] * 100})
    assert [error["extensions"]["code"] for error in body["errors"]] == ["QUERY_TOO_COMPLEX"]


# --- Constant SQL ----------------------------------------------------------------------

#: What a client refetching a mixed list would select: each type's nested relations.
NESTED = """
... on Publication { title pdfUrl bibtex authors { name person { name team { name } } }
                     domain { name publicationCount } }
... on ResearchDomain { name publicationCount }
... on StoryPage { title pageUrl: url team { name organization { name } members { name } }
                   person { name } portrait { url srcset }
                   relatedPublications { title domain { name } authors { name } }
                   body { ... on RichTextBlock { value }
                          ... on ImageWithCaptionBlock { image { url } } } }
... on Team { name organization { name } members { name team { name } } }
... on Organization { name teams { name members { name } } }
... on Person { name team { name organization { name } members { name } } }
... on ImageObjectType { title url renditions { url } }
... on ImageRenditionObjectType { url image { title } }
"""
#: One query per type asked (publications, domains, stories, teams, organizations, people,
#: images, renditions) and one per prefetched relation of each: 23 measured, for 8 ids
#: as for 47.
MAX_NODES_QUERIES = 25


def mixed_ids(per_type):
    """Up to ``per_type`` global ids of each public kind, the same kinds at any size."""
    stories = list(StoryPage.objects.live().order_by("pk")[:per_type])
    portraits = [story.portrait for story in stories if story.portrait_id]
    renditions = [image.get_rendition("width-320") for image in portraits]
    groups = [
        [global_id(p) for p in Publication.objects.live().order_by("pk")[:per_type]],
        [global_id(d) for d in ResearchDomain.objects.order_by("pk")[:per_type]],
        [global_id(story) for story in stories],
        [global_id(t) for t in Team.objects.order_by("pk")[:per_type]],
        [global_id(o) for o in Organization.objects.order_by("pk")[:per_type]],
        [global_id(p) for p in Person.objects.order_by("pk")[:per_type]],
        [global_id(image, "ImageObjectType") for image in portraits],
        [global_id(r, "ImageRenditionObjectType") for r in renditions],
    ]
    return [id_ for group in groups for id_ in group]


def test_nodes_cost_the_same_queries_for_2_or_100_ids(client, django_assert_max_num_queries):
    # Given: stories with portraits and bodies, so every kind has several public objects.
    for number in range(6):
        create_story(
            f"Story {number}",
            date=date(2030, 1, 1 + number),
            portrait=create_portrait(f"Portrait {number}"),
            body=[{"type": "paragraph", "value": "<p>Words.</p>"}],
        )
    small, large = mixed_ids(1), mixed_ids(14)[:100]
    assert len(large) > 3 * len(small)
    query = NODES % NESTED
    for ids in (small, large):  # warm-up (see measure_queries), and portraits' renditions
        data_of(gql(client, query, {"ids": ids}))

    # When: the same kinds are asked for, once one of each, once up to 100 ids.
    few, few_cost = measure_queries(
        client, django_assert_max_num_queries, MAX_NODES_QUERIES, query, {"ids": small}
    )
    many, many_cost = measure_queries(
        client, django_assert_max_num_queries, MAX_NODES_QUERIES, query, {"ids": large}
    )

    # Then: every id was found, and the cost did not grow with the count.
    assert None not in few["nodes"] and None not in many["nodes"]
    assert HUSH not in str(many).lower()
    assert few_cost == many_cost


def nodes_sql(client, query, ids):
    """The SQL of one ``nodes`` request (after a warm-up: see ``measure_queries``)."""
    data_of(gql(client, query, {"ids": ids}))
    bump_content_generation()
    with CaptureQueriesContext(connection) as captured:
        data = data_of(gql(client, query, {"ids": ids}))
    assert None not in data["nodes"]
    return [query["sql"].lower() for query in captured]


def test_a_fragment_through_an_interface_is_prefetched_like_one_on_the_type(client):
    # Relay's refetch queries select a type's fields inside `... on Node`.
    query = NODES % "... on Node { ... on Publication { authors { name person { name } } } }"
    publications = Publication.objects.live().order_by("pk")
    two = [global_id(p) for p in publications[:2]]
    twelve = [global_id(p) for p in publications[:12]]

    assert len(nodes_sql(client, query, two)) == len(nodes_sql(client, query, twelve))


def test_a_fragment_on_another_type_costs_nothing(client):
    people = [global_id(person) for person in Person.objects.order_by("pk")[:3]]
    own = NODES % "... on Person { name }"
    with_other = NODES % ("... on Person { name } ... on StoryPage { team { members { name } } }")

    assert len(nodes_sql(client, with_other, people)) == len(nodes_sql(client, own, people))


def test_image_renditions_are_loaded_once_and_only_when_selected(client):
    # Images are public while public content uses them: portraits of published stories.
    portraits = [create_portrait(f"Portrait {number}") for number in range(3)]
    for number, image in enumerate(portraits):
        create_story(f"Story {number}", date=date(2030, 1, 1 + number), portrait=image)
        image.get_rendition("width-320")
    ids = [global_id(image, "ImageObjectType") for image in portraits]
    rendition_table = get_image_model().get_rendition_model()._meta.db_table.lower()

    def rendition_queries(selection):
        sql = nodes_sql(client, NODES % f"... on ImageObjectType {{ {selection} }}", ids)
        return sum(f"from {rendition_table}" in q or f'from "{rendition_table}"' in q for q in sql)

    assert rendition_queries("title url") == 0
    assert rendition_queries("title renditions { url }") == 1
    assert rendition_queries("title srcSet(sizes: [320])") == 1
    assert rendition_queries("title rendition(width: 320) { url }") == 1
