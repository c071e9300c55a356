"""The whole public surface, walked from the schema: nothing that is not public leaves.

The fixtures add to the demo content everything an attacker would look for:
a never-published publication with a PDF, scheduled and expired publications,
an expired, a scheduled and a draft story (with a portrait of its own), a
password-protected section and a login-only story, a child collection under a
private collection holding an image and a document that live content uses, and
a live story whose rich text links to a draft story, a protected story and an
embargoed PDF. Every title, slug and file name of what is not public contains
the word ``hush``.

Then every root field of the public schema is queried with every nested field
(``tests/schema_walk.py``, from introspection: a new field is walked without a
change here), and every lookup argument (``id``, ``slug``, ``urlPath``) and search
argument is probed with the hidden objects. No answer may contain ``hush``, a
hidden object's id under its type, or a stored link (``linktype``); counts must
count public objects only. Every document URL the API hands out downloads
anonymously, and every hidden document is a 404.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from graphql_relay import from_global_id, to_global_id
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from careers.models import CareersPage, StoryIndexPage, StoryPage
from research.models import Publication
from tests.graphql import (
    create_portrait,
    create_publication,
    create_story,
    data_of,
    gql,
    measure_queries,
)
from tests.schema_walk import INTROSPECTION, SchemaWalk

#: GraphQL page types; grapple's fallback ``Page`` is the one every page falls back to.
PAGE_TYPES = {"HomePage", "ResearchPage", "CareersPage", "StoryIndexPage", "StoryPage", "Page"}

pytestmark = pytest.mark.django_db

HUSH = "hush"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def make_document(title, collection=None):
    document = get_document_model()(title=title, collection=collection or root_collection())
    document.file.save(f"{title.lower().replace(' ', '-')}.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


def root_collection():
    return Collection.get_first_root_node()


def in_collection(image, collection):
    image.collection = collection
    image.save()
    return image


def paragraph(html):
    return {"type": "paragraph", "value": html}


def unpublished_story(title, **fields):
    story = StoryPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        person_name="Alex Example",
        summary=f"Summary of {title}.",
        date=date(2021, 1, 1),
        live=False,
        **fields,
    )
    StoryIndexPage.objects.order_by("path").first().add_child(instance=story)
    story.save_revision(log_action=False)
    return story


@pytest.fixture(autouse=True)
def walk_limits(settings):
    """A walk selects every field under every list at once, with an alias per fragment:
    far over the cost, alias, size and time budgets a client gets, which are not what
    these tests are about (``tests/cms/test_api_limits.py`` is)."""
    settings.CMS_API = {
        **settings.CMS_API,
        "MAX_QUERY_COST": 10**9,
        "MAX_ALIASES_PER_FIELD": 1_000,
        "MAX_TOKENS": 100_000,
        "MAX_BODY_BYTES": 1024 * 1024,
        "REQUEST_BUDGET_SECONDS": 300,
    }


@pytest.fixture
def world():
    """The demo content plus one of everything that must stay hidden."""
    now = timezone.now()
    hidden, shown = [], {}

    # Collections: a child collection under a password-protected one.
    private = root_collection().add_child(name="Hush private collection")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    private_child = private.add_child(name="Hush child collection")
    private_image = in_collection(create_portrait("Hush private figure"), private_child)
    private_document = make_document("Hush private paper", private_child)
    hidden += [private, private_child, private_image, private_document]

    # Publications: never published (with its PDF), scheduled, expired (with its PDF).
    embargoed_pdf = make_document("Hush embargoed paper")
    expired_pdf = make_document("Hush expired paper")
    hidden += [
        embargoed_pdf,
        expired_pdf,
        create_publication("Hush embargoed publication", publish=False, pdf=embargoed_pdf),
        create_publication("Hush scheduled publication", go_live_at=now + timedelta(days=3)),
        create_publication(
            "Hush expired publication", pdf=expired_pdf, expire_at=now - timedelta(minutes=1)
        ),
    ]
    # Public: a publication with an open PDF, and one whose PDF is private.
    shown["open_pdf"] = make_document("Open paper")
    create_publication("Open publication", pdf=shown["open_pdf"])
    create_publication("Publication with a private PDF", pdf=private_document)

    # Stories: expired, scheduled, a draft with its own portrait.
    expired = create_story("Hush expired story", date=date(2021, 2, 1))
    expired.expire_at = now - timedelta(minutes=1)
    expired.save(update_fields=["expire_at"])
    scheduled = unpublished_story("Hush scheduled story", go_live_at=now + timedelta(days=3))
    scheduled.save_revision(log_action=False).publish(log_action=False)
    draft_portrait = create_portrait("Hush draft portrait")
    draft = unpublished_story("Hush draft story", portrait=draft_portrait)
    hidden += [expired, scheduled, draft, draft_portrait]

    # Pages: a password-protected section with a live story, a login-only story.
    careers = CareersPage.objects.get()
    protected_index = StoryIndexPage(title="Hush protected stories", slug="hush-protected")
    careers.add_child(instance=protected_index)
    protected_index.save_revision(log_action=False).publish(log_action=False)
    PageViewRestriction.objects.create(
        page=protected_index, restriction_type="password", password="x"
    )
    protected_story = StoryPage(
        title="Hush protected story",
        slug="hush-protected-story",
        person_name="Alex Example",
        summary="Summary.",
    )
    protected_index.add_child(instance=protected_story)
    protected_story.save_revision(log_action=False).publish(log_action=False)
    login_story = create_story("Hush login story", date=date(2021, 3, 1))
    PageViewRestriction.objects.create(page=login_story, restriction_type="login")
    hidden += [protected_index, protected_story, login_story]

    # A live story that links to all of that and shows the private image.
    shown["public_story"] = StoryPage.objects.live().exclude(slug__startswith=HUSH).first()
    shown["linking_story"] = create_story(
        "Linking story",
        date=date(2022, 1, 1),
        portrait=private_image,
        body=[
            paragraph(
                f'<p>Read <a linktype="page" id="{draft.pk}">a draft</a>, '
                f'<a linktype="page" id="{protected_story.pk}">a protected story</a>, '
                f'<a linktype="document" id="{private_document.pk}">a private paper</a>, '
                f'<a linktype="page" id="{shown["public_story"].pk}">a public story</a> and '
                f'<a linktype="document" id="{shown["open_pdf"].pk}">an open paper</a>.</p>'
            ),
            {
                "type": "image",
                "value": {"image": private_image.pk, "caption": "A figure", "alt_text": ""},
            },
        ],
    )
    return {"hidden": hidden, **shown}


def hidden_ids(world):
    """``{GraphQL type name: database ids}`` of the hidden objects, as the API would name them."""
    ids = {}
    for obj in world["hidden"]:
        for name in type_names(obj):
            ids.setdefault(name, set()).add(str(obj.pk))
    return ids


def hidden_global_ids(world):
    """The hidden objects' global ids (``Node.id``) under every type name they could have."""
    return {to_global_id(name, str(pk)) for name, pks in hidden_ids(world).items() for pk in pks}


def type_names(obj):
    if isinstance(obj, (StoryPage, StoryIndexPage)):
        return {type(obj).__name__, "Page"}
    if isinstance(obj, Publication):
        return {"Publication"}
    if isinstance(obj, get_image_model()):
        return {"ImageObjectType"}
    if isinstance(obj, get_document_model()):
        return {"DocumentObjectType"}
    return {"CollectionObjectType"}


def walk(client, max_depth=7):
    schema = data_of(gql(client, INTROSPECTION))["__schema"]
    public_story = StoryPage.objects.live().exclude(slug__startswith=HUSH).first()
    public_publication = Publication.objects.live().first()
    return SchemaWalk(
        schema,
        arguments={
            "Query.node": {"id": to_global_id("StoryPage", str(public_story.pk))},
            "Query.nodes": {
                "ids": [
                    to_global_id("StoryPage", str(public_story.pk)),
                    to_global_id("Publication", str(public_publication.pk)),
                ]
            },
            "Query.story": {"slug": public_story.slug},
            "Query.publication": {"slug": Publication.objects.live().first().slug},
            "Query.page": {"urlPath": "/"},
            "rendition": {"width": 320},
            "srcSet": {"sizes": [320, 640]},
        },
        max_depth=max_depth,
    )


#: Root fields that return any ``Node``. Every type they can return is walked in depth
#: from the other root fields; walked as deep from here, each query is 300 KB and takes
#: 10 s. So they are walked to each type's own fields, and probed for ``__typename id``.
NODE_FIELDS = ("node", "nodes")


def lookups(world):
    """Every way to name a hidden object: ``{argument: [values]}``."""
    values = {"id": [], "slug": [], "urlPath": [], "searchQuery": [HUSH], "search": [HUSH]}
    global_ids = sorted(hidden_global_ids(world))
    # `node` takes any global id; `page` and `pages` a page's database or global id.
    values["Query.node.id"] = global_ids
    values["ids"] = [global_ids]
    values["id"] += [value for value in global_ids if from_global_id(value).type in PAGE_TYPES]
    for obj in world["hidden"]:
        values["id"].append(str(obj.pk))
        if getattr(obj, "slug", None):
            values["slug"].append(obj.slug)
        if getattr(obj, "url", None) and not hasattr(obj, "file"):
            values["urlPath"].append(obj.url)
    return values


def every_answer(client, world):
    """``(query, answer)`` for the walk of every root field and every probe."""
    walker = walk(client)
    shallow, probe_only = walk(client, max_depth=2), walk(client, max_depth=1)
    probes = lookups(world)
    skipped = []
    for field in walker.root_fields():
        node_field = field["name"] in NODE_FIELDS
        query = (shallow if node_field else walker).query_for(field)
        if query is None:
            skipped.append(field["name"])
        else:
            yield query, gql(client, query)
        for argument in field["args"]:
            name = argument["name"]
            for value in probes.get(f"Query.{field['name']}.{name}", probes.get(name, ())):
                probe = (probe_only if node_field else walker).query_for(field, {name: value})
                yield probe, gql(client, probe)
    # Only the editors' preview needs what the walk cannot give (a signed token).
    assert skipped == ["preview", "previewStatus"]


def scalars(value, key=None):
    """``(key, value)`` of every scalar in an answer, each object's global ``id`` and its
    ``(__typename, databaseId)``."""
    if isinstance(value, dict):
        if "__typename" in value and "id" in value:
            yield "global-id", value["id"]
        if "__typename" in value and "databaseId" in value:
            yield "typed-id", (value["__typename"], str(value["databaseId"]))
        for name, item in value.items():
            yield from scalars(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from scalars(item, key)
    else:
        yield key, value


def test_no_hidden_object_leaves_through_any_field(client, world):
    ids, global_ids = hidden_ids(world), hidden_global_ids(world)
    answers = list(every_answer(client, world))
    walked_types = set()

    for query, answer in answers:
        assert "errors" not in answer, (query, answer["errors"])
        text = json.dumps(answer).lower()
        assert HUSH not in text, (query, text[text.index(HUSH) - 300 : text.index(HUSH) + 100])
        assert "linktype" not in text, query
        for key, value in scalars(answer["data"]):
            if key == "global-id":
                assert value not in global_ids, (query, from_global_id(value))
            if key == "typed-id":
                type_name, pk = value
                walked_types.add(type_name)
                names = {type_name} | ({"Page"} if type_name in PAGE_TYPES else set())
                assert not any(pk in ids.get(name, ()) for name in names), (query, value)

    # The walk reached every kind of object the fixtures hide.
    assert {"StoryPage", "Publication", "ImageObjectType"} <= walked_types


def test_counts_count_public_objects_only(client, world):
    public_stories = StoryPage.objects.live().exclude(slug__startswith=HUSH).count()
    public_publications = Publication.objects.exclude(title__startswith="Hush").count()
    data = data_of(
        gql(
            client,
            """{
              stories { totalCount }
              publications { totalCount domainFacets { count } }
              researchDomains(first: 100) { edges { node { publicationCount } } }
            }""",
        )
    )
    assert data["stories"]["totalCount"] == public_stories
    assert data["publications"]["totalCount"] == public_publications
    assert sum(facet["count"] for facet in data["publications"]["domainFacets"]) == (
        public_publications
    )
    domains = [edge["node"] for edge in data["researchDomains"]["edges"]]
    assert sum(domain["publicationCount"] for domain in domains) == (public_publications)


def test_rich_text_keeps_the_words_of_hidden_links_and_only_public_urls(client, world):
    story = world["linking_story"]
    data = data_of(
        gql(
            client,
            "query($slug: String!) { story(slug: $slug) { body { "
            "... on RichTextBlock { value } ... on ImageWithCaptionBlock { caption image { url } }"
            " } portrait { url } } }",
            {"slug": story.slug},
        )
    )["story"]

    html = data["body"][0]["value"]
    assert html == (
        "<p>Read a draft, a protected story, a private paper, "
        f'<a href="{world["public_story"].url}">a public story</a> and '
        f'<a href="{world["open_pdf"].url}">an open paper</a>.</p>'
    )
    # The private-collection image is used by this live story, and still hidden.
    assert data["body"][1] == {"caption": "A figure", "image": None}
    assert data["portrait"] is None


#: A document URL, absolute (``pdfUrl``) or relative (a rich-text link, quotes escaped).
DOCUMENT_URL = re.compile(r'(?:https?://[^/"]+)?(/documents/\d+/[^"\\]+)')


def test_every_document_url_the_api_gives_downloads_and_no_hidden_one_does(client, world):
    urls = set()
    for _query, answer in every_answer(client, world):
        urls.update(DOCUMENT_URL.findall(json.dumps(answer)))
    assert world["open_pdf"].url in urls

    for url in urls:
        assert client.get(url).status_code == 200, url
    for document in get_document_model().objects.all():
        hidden = document in world["hidden"]
        assert client.get(document.url).status_code == (404 if hidden else 200), document


def test_an_editor_can_still_download_a_hidden_document(editor_client, world):
    for document in world["hidden"]:
        if isinstance(document, get_document_model()):
            assert editor_client.get(document.url).status_code in (200, 302), document


# --- A draft's files are not public --------------------------------------------------


def test_a_pdf_chosen_only_in_a_draft_of_a_live_publication_stays_hidden(editor_client, client):
    # Given: a live publication with an open PDF.
    from tests.research.test_publication_admin import edit_url

    open_pdf = make_document("Open paper")
    publication = create_publication("Open publication", pdf=open_pdf)
    draft_pdf = make_document("Hush draft-only paper")

    # When: an editor chooses another PDF and saves a draft (not published), in the admin.
    response = editor_client.get(edit_url(publication))
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    data["pdf"] = str(draft_pdf.pk)
    assert editor_client.post(edit_url(publication), data).status_code == 302
    publication.refresh_from_db()
    assert publication.latest_revision.content["pdf"] == draft_pdf.pk

    # Then: the reference index holds the live version's PDF, so the draft's PDF is not
    # public: the API still gives the open PDF, and the draft's one cannot be downloaded.
    client.logout()
    node = data_of(gql(client, PUBLICATION_PDF, {"slug": publication.slug}))["publication"]
    assert node["pdfUrl"].endswith(open_pdf.url)
    assert client.get(draft_pdf.url).status_code == 404
    assert client.get(open_pdf.url).status_code == 200


PUBLICATION_PDF = "query($slug: String!) { publication(slug: $slug) { pdfUrl } }"


# --- Constant SQL --------------------------------------------------------------------

PUBLICATION_PDFS = """
query($first: Int) { publications(first: $first) { edges { node { title pdfUrl } } } }
"""
STORY_BODIES = """
query($first: Int) {
  stories(first: $first) {
    edges { node { title portrait { url } body {
      ... on RichTextBlock { value }
      ... on ImageWithCaptionBlock { image { url } }
    } } }
  }
}
"""

#: Publications, their authors' count for the page, the public PDFs (one query).
MAX_PUBLICATION_PDF_QUERIES = 5
#: Stories, total, public portraits, renditions, body images, which are public, their
#: renditions, and the rich-text link targets (pages, documents: one query each).
MAX_STORY_BODY_QUERIES = 11


def test_files_and_links_of_a_list_cost_the_same_queries_at_any_size(
    client, django_assert_max_num_queries
):
    # Given: twelve publications first in A-Z order with a PDF each (every third one in a
    # private collection), and twelve stories whose bodies link to pages and documents
    # (public and not) and show images (public and not).
    private = root_collection().add_child(name="Hush private collection")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    draft = unpublished_story("Hush draft story")
    public_story = StoryPage.objects.live().first()
    for number in range(12):
        collection = private if number % 3 == 0 else root_collection()
        pdf = make_document(f"Paper {number}", collection)
        create_publication(f"0 Paper {number:02}", pdf=pdf)
        image = in_collection(create_portrait(f"Figure {number}"), collection)
        create_story(
            f"Story {number}",
            date=date(2030, 1, 1 + number),
            portrait=image,
            body=[
                paragraph(
                    f'<p><a linktype="page" id="{public_story.pk}">public</a> '
                    f'<a linktype="page" id="{draft.pk}">draft</a> '
                    f'<a linktype="document" id="{pdf.pk}">paper</a></p>'
                ),
                {"type": "image", "value": {"image": image.pk, "caption": "", "alt_text": ""}},
            ],
        )
    data_of(gql(client, PUBLICATION_PDFS, {"first": 12}))  # warm-up, see measure_queries
    data_of(gql(client, STORY_BODIES, {"first": 12}))

    costs = {}
    for query, limit in (
        (PUBLICATION_PDFS, MAX_PUBLICATION_PDF_QUERIES),
        (STORY_BODIES, MAX_STORY_BODY_QUERIES),
    ):
        _one, costs[query, 1] = measure_queries(
            client, django_assert_max_num_queries, limit, query, {"first": 1}
        )
        data, costs[query, 12] = measure_queries(
            client, django_assert_max_num_queries, limit, query, {"first": 12}
        )
        assert costs[query, 1] == costs[query, 12], query
        text = json.dumps(data)
        assert HUSH not in text.lower()

    # And the gates really ran: a third of the PDFs and images are hidden.
    pdfs = [
        e["node"]["pdfUrl"]
        for e in data_of(gql(client, PUBLICATION_PDFS, {"first": 12}))["publications"]["edges"]
    ]
    assert sum(url is None for url in pdfs) == 4
    stories = data_of(gql(client, STORY_BODIES, {"first": 12}))["stories"]["edges"]
    assert sum(edge["node"]["portrait"] is None for edge in stories) == 4, [
        (edge["node"]["title"], edge["node"]["portrait"], edge["node"]["body"]) for edge in stories
    ]
