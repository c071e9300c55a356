"""Relay global object identification: the ``Node`` interface, ``node(id:)`` and ``nodes(ids:)``.

Every public type with a database identity (pages, publications, research domains,
people, teams, organizations, images, renditions; documents if the schema has them)
implements ``Node``.
Its ``id`` is opaque and unique across types: base64 of ``"TypeName:databaseId"``,
graphql-relay's encoding, so Relay and Apollo clients can normalise and refetch
by it. The numeric id stays available as ``databaseId`` (what grapple's
``page(id:)`` and ``pages(parent:)`` take; they accept a page's global id too).

``node``/``nodes`` look objects up through the same gate as every other field,
``cms.visibility.public_objects`` of the type's model: an id that is unknown,
malformed, of another type or of an object the public may not see is ``null``,
exactly as if it did not exist. ``nodes`` loads each type's objects in one query,
with the prefetches that type's list fields use (``register_node``), so 100 ids
cost as many queries as 2 of the same types.

Apps register their own types with ``register_node``; grapple's page, image,
rendition and document types are made nodes when the schema is built
(``implement_node_types``), so a new page model is a node without a change here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import graphene
from graphql_relay import to_global_id
from graphql_relay.utils.base64 import unbase64
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.visibility import public_media, public_objects, public_pages

from .conf import api_setting
from .errors import UserInputError
from .hints import prefetched
from .prefetch import selected_paths
from .tags import note_lookup

#: The largest database id a global id may carry (a signed 64-bit column): larger
#: numbers cannot name a row, and SQLite cannot even compare them.
MAX_DATABASE_ID = 2**63 - 1


def _resolve_global_id(root, info):
    # The concrete type being resolved, not the interface a query asked through.
    return global_id(info.parent_type.name, root.pk)


def global_id_field():
    """``id: ID!``, the global id. Its resolver is on the field itself: graphene-django's
    ``DjangoObjectType.resolve_id`` (the primary key) would win over an interface's."""
    return graphene.ID(
        required=True,
        description="Globally unique, opaque id of the object (unique across types); "
        "`node(id:)` fetches it again. The numeric id is `databaseId`.",
        resolver=_resolve_global_id,
    )


class Node(graphene.Interface):
    """An object with a globally unique id (Relay's Global Object Identification): pass
    the id to `node(id:)` or `nodes(ids:)` to fetch the object again."""

    class Meta:
        name = "Node"

    id = global_id_field()

    @classmethod
    def resolve_type(cls, instance, info):
        return node_type_of(instance)


def database_id_field():
    return graphene.Int(
        required=True,
        description="The object's numeric id in the database, unique within its type only; "
        "use `id` to identify objects across types.",
        resolver=lambda root, info: root.pk,
    )


def global_id(type_name, pk):
    return to_global_id(type_name, str(pk))


@dataclass
class NodeKind:
    """How ``node``/``nodes`` find the public objects of one GraphQL type."""

    model: type
    #: The model's public objects; the visibility gate itself, never widened here.
    queryset: Callable
    #: Keep only these of the loaded objects (the fallback page type's own pages).
    keep: Callable | None = None


#: GraphQL type name → ``NodeKind``; complete once the schema is built.
NODE_KINDS = {}
#: Model → graphene type, for ``Node.resolve_type`` (pages resolve through grapple).
NODE_TYPES = {}
#: Model → ``(prefetch, after)``: ``prefetch(queryset, paths)`` is the bulk loading
#: the model's list fields use; ``after(objects, info, paths)`` bulk work on the loaded
#: objects (StreamFields). Read when loading, so registration order does not matter.
_LOADERS = {}


def register_node(model, graphene_type=None, *, prefetch=None, after=None):
    """Make ``model``'s objects fetchable by global id.

    ``graphene_type`` must list ``Node`` in its ``interfaces``; leave it out for a page
    model (its type is grapple's). ``prefetch``/``after`` are the list fields' bulk
    loading, reused so that ``nodes`` costs constant SQL and no nested field N+1s;
    ``prefetch`` defaults to what the type (or the page model) declares
    (``cms.api.hints``).
    """
    if graphene_type is not None and Node not in graphene_type._meta.interfaces:
        raise TypeError(f"{graphene_type.__name__} must implement cms.api.nodes.Node.")
    if prefetch is None:
        prefetch = partial(prefetched, graphene_type or model)
    _LOADERS[model] = (prefetch, after)
    if graphene_type is not None:
        NODE_TYPES[model] = graphene_type
        _add_kind(graphene_type._meta.name, model, lambda: public_objects(model))


def _add_kind(type_name, model, queryset, keep=None):
    NODE_KINDS[type_name] = NodeKind(model, queryset, keep)


def node_type_of(instance):
    from grapple.registry import registry
    from grapple.types.pages import Page as FallbackPageType

    if isinstance(instance, Page):
        return registry.pages.get(type(instance), FallbackPageType)
    return NODE_TYPES.get(type(instance))


def _make_node(graphene_type):
    """``Node`` added to a type grapple built: its ``id`` becomes the global id and its
    numeric id moves to ``databaseId`` (``cms.api.upstream_patches``)."""
    from .upstream_patches import add_node_interface

    add_node_interface(
        graphene_type,
        Node,
        Node._meta.fields["id"],
        database_id_field().mount_as(graphene.Field),
    )


def implement_node_types():
    """Grapple's page, image, rendition and document types become nodes.

    Called by ``cms.api.schema.build_schema``. Page types already carry ``Node``'s
    fields through the page interface (``cms.api.pages``), which implements it.
    """
    from grapple.registry import registry
    from grapple.types.documents import get_document_type
    from grapple.types.images import get_image_type, get_rendition_type
    from grapple.types.pages import Page as FallbackPageType

    for model, page_type in registry.pages.items():
        _make_node(page_type)
        _add_kind(page_type._meta.name, model, _public_pages_of(model))
    _make_node(FallbackPageType)
    own_type = set(registry.pages)
    _add_kind(
        FallbackPageType._meta.name,
        Page,
        lambda: public_pages(Page.objects.filter(depth__gt=1)).specific(),
        keep=lambda page: type(page) not in own_type,
    )

    image_model, document_model = get_image_model(), get_document_model()
    rendition_model = image_model.get_rendition_model()
    for model, graphene_type, queryset in (
        (image_model, get_image_type(), lambda: public_objects(image_model)),
        (document_model, get_document_type(), lambda: public_objects(document_model)),
        (
            rendition_model,
            get_rendition_type(),
            # A rendition is as public as its image.
            lambda: rendition_model.objects.filter(
                image__in=public_media(image_model.objects.all())
            ),
        ),
    ):
        _make_node(graphene_type)
        NODE_TYPES[model] = graphene_type
        _add_kind(graphene_type._meta.name, model, queryset)
    _LOADERS.setdefault(image_model, (_image_renditions, None))
    _LOADERS.setdefault(rendition_model, (_rendition_image, None))


#: Image fields that read its renditions: one prefetch serves them all (Wagtail's
#: ``get_rendition`` looks in prefetched renditions first).
RENDITION_FIELDS = ("renditions", "rendition", "src_set")


def _image_renditions(queryset, paths):
    if any(field in paths for field in RENDITION_FIELDS):
        return queryset.prefetch_related("renditions")
    return queryset


def _rendition_image(queryset, paths):
    return queryset.select_related("image") if "image" in paths else queryset


def retain_schema_node_kinds(graphql_schema):
    """Forget the kinds whose type the built schema left out (grapple's document type,
    when no StreamField of the site offers documents): their ids name nothing."""
    for type_name in list(NODE_KINDS):
        if graphql_schema.get_type(type_name) is None:
            del NODE_KINDS[type_name]


def _public_pages_of(model):
    # The tree root (depth 1) is never public: it is no page of any site.
    return lambda: public_pages(model.objects.filter(depth__gt=1))


def decode_global_id(value):
    """``(type name, database id)`` of a global id this API issues, else ``None``.

    Anything else (not base64, another type's name, a number out of range or written
    differently, stray characters that a lenient base64 decoder would skip) names no
    object: ``node`` answers it with ``null``, like any unknown id.
    """
    if not isinstance(value, str):
        return None
    type_name, _separator, pk = unbase64(value).partition(":")
    if type_name not in NODE_KINDS or not (pk.isascii() and pk.isdigit() and len(pk) < 20):
        return None
    number = int(pk)
    if not 0 < number <= MAX_DATABASE_ID or global_id(type_name, number) != value:
        return None
    return type_name, number


def load_in_bulk(model, queryset, info, paths, keep=None):
    """``queryset``'s objects loaded as ``model``'s own list fields load them: the
    registered prefetches for the selected ``paths``, then the bulk work on the objects
    (``register_node``). ``keep`` drops objects after loading."""
    prefetch, after = _LOADERS.get(model, (partial(prefetched, model), None))
    if prefetch is not None:
        queryset = prefetch(queryset, paths)
    objects = [obj for obj in queryset if keep is None or keep(obj)]
    if after is not None:
        after(objects, info, paths)
    return objects


def load_nodes(info, ids):
    """The public objects named by ``ids``, in order, ``None`` where there is none.

    One query per type named (plus that type's prefetches), whatever the count.
    """
    decoded = [decode_global_id(value) for value in ids]
    wanted = {}
    for key in decoded:
        if key is not None:
            wanted.setdefault(key[0], set()).add(key[1])
    found = {}
    for type_name, pks in wanted.items():
        kind = NODE_KINDS[type_name]
        for pk in pks:  # found or not: the answer changes when it does
            note_lookup(kind.model, pk)
        paths = selected_paths(info, on={type_name, *_interface_names(info, type_name)})
        queryset = kind.queryset().filter(pk__in=pks)
        objects = load_in_bulk(kind.model, queryset, info, paths, keep=kind.keep)
        found.update(((type_name, obj.pk), obj) for obj in objects)
    return [found.get(key) if key is not None else None for key in decoded]


def _interface_names(info, type_name):
    """The interfaces ``type_name`` implements: fragments on them select its fields too."""
    return [interface.name for interface in info.schema.get_type(type_name).interfaces]


def max_node_ids():
    return api_setting("MAX_PAGE_SIZE")


class NodeQueries:
    node = graphene.Field(
        Node,
        description="The object with this global id, when the public may see it; null for "
        "an unknown, malformed or non-public id.",
        id=graphene.ID(required=True, description="A global id, as given by an object's `id`."),
    )
    nodes = graphene.List(
        Node,
        required=True,
        description="The objects with these global ids, in the same order; null in place of "
        "an unknown, malformed or non-public id. At most 100 ids.",
        ids=graphene.List(
            graphene.NonNull(graphene.ID),
            required=True,
            description="Global ids, as given by objects' `id` (1 to 100).",
        ),
    )

    def resolve_node(root, info, id):
        return load_nodes(info, [id])[0]

    def resolve_nodes(root, info, ids):
        limit = max_node_ids()
        if len(ids) > limit:
            raise UserInputError(
                f"`ids` takes at most {limit} ids; got {len(ids)}. Ask in several requests.",
                field="ids",
            )
        return load_nodes(info, ids)
