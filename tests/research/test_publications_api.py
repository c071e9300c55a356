"""The public `publications`, `publication` and `researchDomains` contract (issue 4).

Given the seed content (46 live publications: 26 Distributed Systems, 15 AI
and ML, 5 Applications), each test asks the API over HTTP and checks the
answer a frontend relies on: ordering, cursors, totals, facets, refusals,
that only live publications are ever shown, and that a list costs a constant
number of SQL queries whatever its size.
"""

import base64
import itertools
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from research.models import Publication, ResearchDomain
from tests.graphql import (
    assert_bad_user_input,
    create_publication,
    data_of,
    gql,
    measure_queries,
    nodes,
    walk_pages,
)

pytestmark = pytest.mark.django_db

SEED = json.loads(
    (Path(settings.BASE_DIR) / "home" / "demo_content" / "publications.json").read_text()
)
SEED_TITLES = [item["title"] for item in SEED["publications"]]
SEED_DOMAIN_COUNTS = {"applications": 5, "distributed-systems": 26, "ai-and-ml": 15}
#: Editor order of the seed's domains (the order of publications.json).
SEED_DOMAIN_ORDER = ["applications", "distributed-systems", "ai-and-ml"]

PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"

NODE_FIELDS = """
    databaseId slug title
    authors { name person { name slug } }
    domain { slug name }
    venue year abstract url pdfUrl
"""

#: Every field of the connection a frontend may select (the issue's full shape).
PUBLICATIONS = f"""
query Publications(
  $search: String, $domains: [String!], $year: Int, $sort: PublicationSort,
  $first: Int, $after: String, $last: Int, $before: String
) {{
  publications(
    search: $search, domains: $domains, year: $year, sort: $sort,
    first: $first, after: $after, last: $last, before: $before
  ) {{
    edges {{ cursor node {{ {NODE_FIELDS} }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    totalCount startPosition endPosition
    domainFacets {{ slug name count selected }}
  }}
}}
"""

#: What a pager needs: ids, titles, cursors and positions.
PUBLICATION_PAGE = """
query Page(
  $search: String, $domains: [String!], $year: Int, $sort: PublicationSort,
  $first: Int, $after: String, $last: Int, $before: String
) {
  publications(
    search: $search, domains: $domains, year: $year, sort: $sort,
    first: $first, after: $after, last: $last, before: $before
  ) {
    edges { cursor node { databaseId slug title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount startPosition endPosition
  }
}
"""

PUBLICATION = f"""
query Publication($slug: String!) {{
  publication(slug: $slug) {{ {NODE_FIELDS} }}
}}
"""

RESEARCH_DOMAINS = """
query Domains($first: Int, $after: String, $last: Int, $before: String) {
  researchDomains(first: $first, after: $after, last: $last, before: $before) {
    edges { node { slug name publicationCount } }
  }
}
"""
DOMAIN_PAGE = """
query Domains($first: Int, $after: String, $last: Int, $before: String) {
  researchDomains(first: $first, after: $after, last: $last, before: $before) {
    totalCount startPosition endPosition
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { slug } }
  }
}
"""


def research_domains(client, query=RESEARCH_DOMAINS, **variables):
    return data_of(gql(client, query, variables))["researchDomains"]


FACETS = """
query Facets($search: String, $domains: [String!], $year: Int) {
  publications(search: $search, domains: $domains, year: $year) {
    totalCount
    domainFacets { slug name count selected }
  }
}
"""


def publications(client, query=PUBLICATION_PAGE, **variables):
    return data_of(gql(client, query, variables))["publications"]


def titles(connection):
    return [edge["node"]["title"] for edge in connection["edges"]]


def slugs(connection):
    return [edge["node"]["slug"] for edge in connection["edges"]]


def ids(connection):
    return [str(edge["node"]["databaseId"]) for edge in connection["edges"]]


def expected_ids(sort):
    """The live publications' ids in ``sort`` order, computed here from the database rows."""
    rows = list(Publication.objects.live().values("id", "title", "year"))
    title_key = {
        "TITLE": lambda r: (r["title"].lower(), r["id"]),
        "NEWEST": lambda r: (-r["year"], r["title"].lower(), r["id"]),
        "OLDEST": lambda r: (r["year"], r["title"].lower(), r["id"]),
    }
    if sort == "TITLE_DESC":
        return list(reversed(expected_ids("TITLE")))
    return [str(row["id"]) for row in sorted(rows, key=title_key[sort])]


def facets_by_slug(connection):
    return {facet["slug"]: facet for facet in connection["domainFacets"]}


# --- The first page and the node -------------------------------------------------


def test_the_default_first_page_is_the_seeds_first_twelve_titles(client):
    # When: a frontend asks without arguments.
    connection = publications(client, PUBLICATIONS)

    # Then: 12 results, A-Z ignoring case, exactly as the seed lists them.
    assert titles(connection) == SEED_TITLES[:12]
    assert titles(connection)[:2] == [
        SEED_TITLES[0],  # "A Cloud-Compatible …"
        "Above the Clouds: A View of Cloud Computing",
    ]
    assert connection["totalCount"] == 46
    assert (connection["startPosition"], connection["endPosition"]) == (1, 12)
    assert connection["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": connection["edges"][0]["cursor"],
        "endCursor": connection["edges"][-1]["cursor"],
    }


def test_a_publication_node_has_every_contract_field(client):
    # Given: Photon, whose second author is linked to Shoumik Palkar's profile.
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    expected_authors = [{"name": author.name, "person": None} for author in photon.authors.all()]
    expected_authors[1]["person"] = {"name": "Shoumik Palkar", "slug": "shoumik-palkar"}
    expected = {
        "databaseId": photon.pk,
        "slug": PHOTON_SLUG,
        "title": "Photon: A Fast Query Engine for Lakehouse Systems",
        "authors": expected_authors,
        "domain": {"slug": "distributed-systems", "name": "Distributed Systems"},
        "venue": "SIGMOD",
        "year": 2022,
        "abstract": "",
        "url": None,
        "pdfUrl": None,
    }

    # When: it is read through the list and through the single lookup.
    listed = publications(client, PUBLICATIONS, search="photon")
    single = data_of(gql(client, PUBLICATION, {"slug": PHOTON_SLUG}))["publication"]

    # Then: both give the same, complete node, authors in paper order.
    assert [edge["node"] for edge in listed["edges"]] == [expected]
    assert single == expected
    assert expected_authors[0]["name"] == "Alexander Behm"
    assert len(expected_authors) == 23


def test_paper_link_and_pdf_are_absolute_urls_when_set(client):
    # Given: a publication with a paper link and an uploaded PDF.
    document = get_document_model()(title="Quokka paper")
    document.file.save("quokka-paper.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    create_publication("Quokka Paper", url="https://example.org/quokka", pdf=document)

    # When: it is read.
    node = data_of(gql(client, PUBLICATION, {"slug": "quokka-paper"}))["publication"]

    # Then: the link is returned as is and the PDF as an absolute URL.
    assert node["url"] == "https://example.org/quokka"
    assert node["pdfUrl"].startswith("http://testserver/")
    assert node["pdfUrl"].endswith(".pdf")


def test_an_unknown_slug_is_null_not_an_error(client):
    body = gql(client, PUBLICATION, {"slug": "no-such-paper"})

    assert data_of(body) == {"publication": None}


# --- Sorting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sort, first_title",
    [
        ("TITLE", SEED_TITLES[0]),
        ("TITLE_DESC", "Weld: A Common Runtime for High Performance Data Analytics"),
        (
            "NEWEST",
            "DSPy: Compiling Declarative Language Model Calls into Self-Improving Pipelines",
        ),
        ("OLDEST", "Chord: A Scalable Peer-to-Peer Lookup Service for Internet Applications"),
    ],
)
def test_each_sort_orders_every_publication(client, sort, first_title):
    # When: the whole list is read in one page.
    connection = publications(client, sort=sort, first=100)

    # Then: it is in the documented order: title ignoring case, year then title, id last.
    assert ids(connection) == expected_ids(sort)
    assert titles(connection)[0] == first_title
    assert connection["totalCount"] == 46
    assert connection["pageInfo"]["hasNextPage"] is False


def test_title_sort_ignores_case(client):
    # Given: titles whose case would reorder them in a case-sensitive sort.
    create_publication("a aardvark study in lower case")
    create_publication("ZEBRA STUDIES IN UPPER CASE")

    connection = publications(client, sort="TITLE", first=100)

    assert titles(connection)[0] == "a aardvark study in lower case"
    assert titles(connection)[-1] == "ZEBRA STUDIES IN UPPER CASE"
    # "ADAM: …" sits between "Accelerating …" and "Apache …", not before them.
    assert titles(connection).index(SEED_TITLES[3]) == 4


@pytest.mark.parametrize("sort", ["TITLE", "TITLE_DESC", "NEWEST", "OLDEST"])
def test_equal_sort_keys_are_ordered_by_id_and_never_skipped_at_a_page_break(client, sort):
    # Given: three publications with the same title and year.
    same = [create_publication("Identical Title", slug=f"identical-{n}") for n in range(3)]
    same_ids = [str(p.pk) for p in same]

    # When: the list is walked one result per page.
    pages = walk_pages(lambda after: publications(client, sort=sort, first=1, after=after))
    seen = [pk for page in pages for pk in ids(page)]

    # Then: each appears exactly once, the three in id order (reversed for Z-A).
    assert seen == expected_ids(sort)
    positions = [seen.index(pk) for pk in same_ids]
    assert positions == sorted(positions, reverse=(sort == "TITLE_DESC"))


# --- Pagination --------------------------------------------------------------------


def walk_forward(client, size, **variables):
    return walk_pages(lambda after: publications(client, first=size, after=after, **variables))


def walk_backward(client, size, **variables):
    return walk_pages(
        lambda before: publications(client, last=size, before=before, **variables),
        forward=False,
    )


WALKS = [
    pytest.param({"sort": "TITLE"}, id="title"),
    pytest.param({"sort": "TITLE_DESC"}, id="title-desc"),
    pytest.param({"sort": "NEWEST"}, id="newest"),
    pytest.param({"sort": "OLDEST"}, id="oldest"),
    pytest.param({"search": "spark"}, id="search-relevance"),
    pytest.param({"search": "zaharia", "sort": "NEWEST"}, id="search-newest"),
    pytest.param({"search": "data", "sort": "TITLE_DESC"}, id="search-title-desc"),
    pytest.param({"domains": ["ai-and-ml", "applications"], "sort": "OLDEST"}, id="domains"),
    pytest.param({"year": 2023, "sort": "TITLE"}, id="year"),
]


@pytest.mark.parametrize("variables", WALKS)
@pytest.mark.parametrize("size", [3, 7])
def test_walking_forward_and_back_visits_every_result_exactly_once(client, variables, size):
    # Given: the full list in one page, as the reference.
    everything = publications(client, first=100, **variables)
    expected = ids(everything)
    total = everything["totalCount"]
    assert total == len(expected)

    # When: walking forward with first/after, then backward with last/before.
    forward = walk_forward(client, size, **variables)
    backward = walk_backward(client, size, **variables)

    # Then: both walks visit every result once, in the same order.
    forward_ids = [pk for page in forward for pk in ids(page)]
    backward_ids = [pk for page in reversed(backward) for pk in ids(page)]
    assert forward_ids == expected
    assert backward_ids == expected

    # And: every page reports where it is, and whether there is more on each side.
    for walk in (forward, list(reversed(backward))):
        position = 0
        for index, page in enumerate(walk):
            assert page["totalCount"] == total
            assert page["startPosition"] == position + 1
            position += len(page["edges"])
            assert page["endPosition"] == position
            assert page["pageInfo"]["hasPreviousPage"] is (index > 0)
            assert page["pageInfo"]["hasNextPage"] is (index < len(walk) - 1)
        assert position == total


def test_last_without_before_returns_the_end_of_the_list(client):
    connection = publications(client, last=3)

    assert ids(connection) == expected_ids("TITLE")[-3:]
    assert (connection["startPosition"], connection["endPosition"]) == (44, 46)
    assert connection["pageInfo"]["hasNextPage"] is False
    assert connection["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize(
    ("variables", "size"),
    [({}, 5), ({"search": "scale", "sort": "TITLE"}, 3)],
    ids=["positions from the maintained counts", "positions from the cursor, in a search"],
)
def test_paging_back_from_a_forward_cursor_reports_exact_positions(client, variables, size):
    # Given: three pages walked forward, whose cursors remember their rows' positions
    # (a list without a search knows them from its maintained counts; a search sorted
    # A-Z from the index each cursor carries).
    page = None
    cursors, walked = [], []
    for _ in range(3):
        after = page["pageInfo"]["endCursor"] if page else None
        page = publications(client, first=size, after=after, **variables)
        cursors += [edge["cursor"] for edge in page["edges"]]
        walked += ids(page)
    assert len(walked) == 3 * size
    if not variables:
        assert walked == expected_ids("TITLE")[: 3 * size]

    # When: paging back (last/before) from a cursor; Then: the rows just before it, at
    # their exact positions, also where fewer than `last` rows are left before it.
    for index in (2 * size, size, 2, 1):
        back = publications(client, last=size, before=cursors[index], **variables)
        first_index = max(index - size, 0)
        assert ids(back) == walked[first_index:index]
        assert (back["startPosition"], back["endPosition"]) == (first_index + 1, index)
        assert back["pageInfo"]["hasPreviousPage"] is (first_index > 0)
        assert back["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("size", [1, 100])
def test_page_size_limits_are_inclusive(client, size):
    assert len(publications(client, first=size)["edges"]) == min(size, 46)
    assert len(publications(client, last=size)["edges"]) == min(size, 46)


@pytest.mark.parametrize(
    "sort, new_publication",
    [
        ("TITLE", {"title": "A AAA Sorts Before Every Seed Title"}),
        ("TITLE_DESC", {"title": "ZZZ Sorts Before Every Seed Title Backwards"}),
        ("NEWEST", {"title": "Next Year's Paper", "year": timezone.now().year + 1}),
        ("OLDEST", {"title": "A Paper From 1950", "year": 1950}),
    ],
)
def test_publishing_before_the_current_page_does_not_shift_the_next_page(
    client, sort, new_publication
):
    # Given: a reader on page 1 who has not yet asked for page 2.
    page_one = publications(client, sort=sort, first=12)
    cursor = page_one["pageInfo"]["endCursor"]
    page_two_then = publications(client, sort=sort, first=12, after=cursor)

    # When: an editor publishes a publication that sorts before page 1, then the reader
    # asks for page 2.
    new = create_publication(**new_publication)
    page_two_now = publications(client, sort=sort, first=12, after=cursor)

    # Then: page 2 has the same results, none shifted in from page 1 or repeated.
    assert ids(page_two_now) == ids(page_two_then)
    assert str(new.pk) == ids(publications(client, sort=sort, first=1))[0]
    # The totals are live: one more result, and page 2 now starts one place later.
    assert page_two_now["totalCount"] == 47
    assert page_two_now["startPosition"] == 14


def test_a_cursor_survives_the_unpublishing_of_its_own_row(client):
    # Given: a reader holding the cursor of the last row of page 1.
    page_one = publications(client, first=12)
    cursor = page_one["pageInfo"]["endCursor"]
    page_two_then = publications(client, first=12, after=cursor)

    # When: that row is unpublished.
    Publication.objects.get(slug=page_one["edges"][-1]["node"]["slug"]).unpublish(log_action=False)

    # Then: page 2 is unchanged.
    assert ids(publications(client, first=12, after=cursor)) == ids(page_two_then)


# --- Filters and facets -------------------------------------------------------------


@pytest.mark.parametrize(
    "domains",
    [["ai-and-ml"], ["applications", "ai-and-ml"], ["distributed-systems"], ["ai-and-ml"] * 2],
)
def test_the_domains_filter_keeps_publications_in_any_of_them(client, domains):
    connection = publications(client, PUBLICATIONS, domains=domains, first=100)

    assert connection["totalCount"] == sum(SEED_DOMAIN_COUNTS[slug] for slug in set(domains))
    assert {edge["node"]["domain"]["slug"] for edge in connection["edges"]} == set(domains)
    # Facets ignore the domains filter itself: every domain keeps its full count.
    assert connection["domainFacets"] == [
        {
            "slug": slug,
            "name": ResearchDomain.objects.get(slug=slug).name,
            "count": SEED_DOMAIN_COUNTS[slug],
            "selected": slug in domains,
        }
        for slug in SEED_DOMAIN_ORDER
    ]


def test_the_year_filter_and_its_facets(client):
    seed_2015 = [item for item in SEED["publications"] if item["year"] == 2015]

    connection = publications(client, PUBLICATIONS, year=2015, first=100)

    assert sorted(titles(connection)) == sorted(item["title"] for item in seed_2015)
    assert {slug: f["count"] for slug, f in facets_by_slug(connection).items()} == {
        slug: sum(1 for item in seed_2015 if item["domain"] == slug) for slug in SEED_DOMAIN_ORDER
    }
    assert not any(facet["selected"] for facet in connection["domainFacets"])


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"search": "lakehouse"},
        {"search": "zaharia", "year": 2013},
        {"search": "learning"},
        {"year": 2023, "domains": ["applications"]},
    ],
)
def test_each_facet_count_is_what_selecting_that_domain_would_return(client, variables):
    # When: the facets are read for a search and year.
    connection = data_of(gql(client, FACETS, variables))["publications"]
    facets = connection["domainFacets"]

    # Then: every domain is listed, in editor order, zero counts included …
    assert [facet["slug"] for facet in facets] == SEED_DOMAIN_ORDER
    unfiltered = {**variables, "domains": None}
    # … and each count is the total that filtering by only that domain gives.
    for facet in facets:
        alone = data_of(gql(client, FACETS, {**unfiltered, "domains": [facet["slug"]]}))
        assert facet["count"] == alone["publications"]["totalCount"], facet["slug"]
    everything = data_of(gql(client, FACETS, unfiltered))["publications"]["totalCount"]
    assert sum(facet["count"] for facet in facets) == everything


def test_facets_include_domains_with_no_result(client):
    connection = data_of(gql(client, FACETS, {"search": "lakehouse"}))["publications"]

    assert {f["slug"]: f["count"] for f in connection["domainFacets"]} == {
        "applications": 0,
        "distributed-systems": 2,
        "ai-and-ml": 0,
    }


# --- Refusals ----------------------------------------------------------------------


def tamper(cursor):
    """Change the first sort value inside a signed cursor, keeping its signature."""
    payload, timestamp, signature = cursor.split(":")
    padded = payload + "=" * (-len(payload) % 4)
    data = json.loads(base64.urlsafe_b64decode(padded))
    data["key"][-1] = data["key"][-1] + 1
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
    return f"{forged.decode().rstrip('=')}:{timestamp}:{signature}"


@pytest.mark.parametrize(
    "variables, field",
    [
        ({"first": 0}, "first"),
        ({"first": -1}, "first"),
        ({"first": 101}, "first"),
        ({"last": 0}, "last"),
        ({"last": 101}, "last"),
        ({"first": 5, "last": 5}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "not-a-cursor"}, "before"),
        ({"after": ""}, "after"),
        ({"sort": "RELEVANCE"}, "sort"),
        ({"sort": "RELEVANCE", "search": "   "}, "sort"),
        ({"domains": ["no-such-domain"]}, "domains"),
        ({"domains": ["ai-and-ml", "no-such-domain"]}, "domains"),
        ({"year": 1800}, "year"),
        ({"search": "x" * 201}, "search"),
    ],
)
def test_invalid_arguments_are_refused_with_bad_user_input(client, variables, field):
    body = gql(client, PUBLICATIONS, variables)

    assert_bad_user_input(body, field=field)
    assert body["data"] is None


@pytest.mark.parametrize("argument", ["after", "before"])
@pytest.mark.parametrize(
    "issued_for, used_with",
    [
        pytest.param({}, {}, id="tampered"),
        pytest.param({"sort": "TITLE"}, {"sort": "NEWEST"}, id="other-sort"),
        pytest.param({"sort": "NEWEST"}, {"sort": "OLDEST"}, id="other-sort-same-keys"),
        pytest.param({"search": "spark"}, {"search": "spark", "sort": "TITLE"}, id="keys-vs-rank"),
        pytest.param({"search": "spark", "sort": "TITLE"}, {"sort": "TITLE"}, id="search-dropped"),
        pytest.param({"sort": "TITLE"}, {"search": "spark", "sort": "TITLE"}, id="search-added"),
        pytest.param({"search": "spark"}, {"search": "data"}, id="other-search"),
        pytest.param(
            {"domains": ["ai-and-ml"]}, {"domains": ["applications"]}, id="other-domains"
        ),
        pytest.param({"year": 2015}, {"year": 2016}, id="other-year"),
    ],
)
def test_a_cursor_is_refused_outside_the_list_it_was_issued_for(
    client, argument, issued_for, used_with
):
    # Given: a cursor from one list.
    issued = publications(client, first=3, **issued_for)
    cursor = issued["edges"][1]["cursor"]
    if not used_with:
        cursor = tamper(cursor)

    # When: it is used with another sort, search or filter (or was forged).
    body = gql(client, PUBLICATION_PAGE, {**used_with, argument: cursor, "first": 3})

    # Then: the API refuses it rather than returning a wrong page.
    assert_bad_user_input(body, field=argument)


def test_a_cursor_with_the_old_one_letter_fields_is_refused(client):
    # Given: a correctly signed cursor in the format used before readable field names
    # ({"s": sort, "f": filters, "k": key}), for a row the list does have.
    from django.core import signing

    from cms.api.cursors import SALT, decode_cursor

    issued = publications(client, first=2)["edges"][1]["cursor"]
    current = signing.loads(issued, salt=SALT)
    old = signing.dumps(
        {"s": current["sort"], "f": current["filters"], "k": current["key"]}, salt=SALT
    )
    assert decode_cursor(
        issued, sort=current["sort"], fingerprint=current["filters"], argument="after"
    ).key

    # When: it is used.
    body = gql(client, PUBLICATION_PAGE, {"after": old, "first": 3})

    # Then: it is refused as not valid (a client starts again without a cursor).
    assert_bad_user_input(body, field="after")
    assert "not valid" in body["errors"][0]["message"]


def test_the_tamper_helper_only_changes_the_payload(client):
    # The forged cursor of the test above must differ only in what it says, so that it is
    # the signature check (and not a malformed string) that refuses it.
    cursor = publications(client, first=1)["edges"][0]["cursor"]
    assert tamper(cursor).split(":")[1:] == cursor.split(":")[1:]
    assert tamper(cursor) != cursor


# --- Only live publications ------------------------------------------------------

VISIBILITY = """
query Visibility($slug: String!) {
  all: publications(first: 100) {
    totalCount
    edges { node { slug title } }
    domainFacets { slug count }
  }
  found: publications(search: "quokka") { totalCount edges { node { slug } } }
  year: publications(year: 2014, first: 100) { totalCount }
  one: publication(slug: $slug) { slug title }
  researchDomains { edges { node { slug publicationCount } } }
}
"""


def visible_everywhere(client, slug):
    """Where the publication with ``slug`` shows up across the API."""
    data = data_of(gql(client, VISIBILITY, {"slug": slug}))
    return {
        "list": slug in [edge["node"]["slug"] for edge in data["all"]["edges"]],
        "total": data["all"]["totalCount"],
        "facet": {f["slug"]: f["count"] for f in data["all"]["domainFacets"]}["applications"],
        "search": data["found"]["totalCount"],
        "year": data["year"]["totalCount"],
        "lookup": data["one"] is not None,
        "domain_count": {d["slug"]: d["publicationCount"] for d in nodes(data["researchDomains"])}[
            "applications"
        ],
    }


SHOWN = {
    "list": True,
    "total": 47,
    "facet": 6,
    "search": 1,
    "year": 4,
    "lookup": True,
    "domain_count": 6,
}
HIDDEN = {
    "list": False,
    "total": 46,
    "facet": 5,
    "search": 0,
    "year": 3,
    "lookup": False,
    "domain_count": 5,
}


def hide_by_unpublishing(publication):
    publication.unpublish(log_action=False)


def hide_by_expiry(publication):
    # The expiry time has passed but no scheduled job has run: it is still live=True.
    publication.expire_at = timezone.now() - timedelta(minutes=1)
    publication.save(update_fields=["expire_at"])
    assert Publication.objects.get(pk=publication.pk).live


@pytest.mark.parametrize("hide", [hide_by_unpublishing, hide_by_expiry])
def test_a_publication_taken_down_disappears_everywhere(client, hide):
    # Given: a live publication in Applications (2014), shown everywhere.
    quokka = create_publication("Quokka Genomics", domain="applications", year=2014)
    assert visible_everywhere(client, quokka.slug) == SHOWN

    # When: it is unpublished, or its expiry time passes.
    hide(quokka)

    # Then: no list, count, facet, search or lookup shows it any more.
    assert visible_everywhere(client, quokka.slug) == HIDDEN


def test_a_never_published_publication_appears_nowhere(client):
    quokka = create_publication("Quokka Genomics", domain="applications", year=2014, publish=False)
    assert Publication.objects.filter(pk=quokka.pk, live=False).exists()

    assert visible_everywhere(client, quokka.slug) == HIDDEN


def test_an_expiry_time_in_the_future_does_not_hide_it(client):
    quokka = create_publication("Quokka Genomics", domain="applications", year=2014)
    quokka.expire_at = timezone.now() + timedelta(days=1)
    quokka.save(update_fields=["expire_at"])

    assert visible_everywhere(client, quokka.slug) == SHOWN


def test_a_list_judges_its_rows_and_counts_at_one_moment(client, monkeypatch):
    # Given: the seed's 46 publications expiring one after another, a second apart (the
    # first five already expired), and a clock that moves on a second each time it is read.
    start = timezone.now()
    for offset, pk in enumerate(Publication.objects.order_by("pk").values_list("pk", flat=True)):
        expiry = start + timedelta(seconds=offset - 5 + 0.5)
        Publication.objects.filter(pk=pk).update(expire_at=expiry)
    ticks = itertools.count()
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(seconds=next(ticks)))

    # When: the whole list is asked for while the clock runs on.
    listed = data_of(gql(client, PUBLICATIONS, {"first": 100}))["publications"]

    # Then: a moment within the expiries was chosen (some rows live, some expired), and
    # the total, the facets and the rows all agree on it: the clock was read once.
    assert 0 < len(listed["edges"]) < 46
    assert listed["totalCount"] == len(listed["edges"])
    assert sum(facet["count"] for facet in listed["domainFacets"]) == len(listed["edges"])
    assert listed["endPosition"] == len(listed["edges"])


def test_a_title_that_lengthens_when_folded_is_saved_and_found(client):
    # Unicode spells a ligature as two letters ("ﬁ" is "fi") and "İ" lower-cased is two
    # characters, so a title within its 255 characters can make a longer slug, sort key
    # and search key: each is cut to its field's 255, and the editor's save goes through.
    title = "ﬁ" * 100 + "İ" * 100
    publication = create_publication(title)
    slug = ("fi" * 100 + "i" * 100)[:255]
    assert Publication.objects.get(pk=publication.pk).slug == slug

    query = "query($slug: String!) { publication(slug: $slug) { databaseId title } }"
    found = data_of(gql(client, query, {"slug": slug}))["publication"]
    assert found == {"databaseId": publication.pk, "title": title}
    listed = data_of(gql(client, PUBLICATIONS, {"sort": "TITLE_DESC", "first": 1}))
    assert nodes(listed["publications"])[0]["title"] == title  # "ﬁ" sorts after "z"


def test_a_draft_change_to_a_live_publication_shows_the_published_version(client):
    # Given: an editor saves (but does not publish) a new title for Photon.
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    published_title = photon.title
    photon.title = "Photon Quokka Draft Title"
    photon.save_revision(log_action=False)

    # When: the API is asked for it in every way.
    single = data_of(gql(client, PUBLICATION, {"slug": PHOTON_SLUG}))["publication"]
    listed = publications(client, first=100)
    draft_word = publications(client, search="quokka")

    # Then: it shows the published title, in its published place; the draft is invisible.
    assert single["title"] == published_title
    assert published_title in titles(listed)
    assert "Photon Quokka Draft Title" not in titles(listed)
    assert ids(listed) == expected_ids("TITLE")
    assert draft_word["totalCount"] == 0


def test_publishing_the_draft_makes_it_visible(client):
    # The control for the test above: once published, the new title is served.
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    photon.title = "Photon Quokka Published Title"
    photon.save_revision(log_action=False).publish(log_action=False)

    single = data_of(gql(client, PUBLICATION, {"slug": PHOTON_SLUG}))["publication"]

    assert single["title"] == "Photon Quokka Published Title"
    assert titles(publications(client, search="quokka")) == ["Photon Quokka Published Title"]


# --- researchDomains ---------------------------------------------------------------


def test_research_domains_are_in_editor_order_with_live_counts(client):
    assert nodes(research_domains(client)) == [
        {"slug": "applications", "name": "Applications", "publicationCount": 5},
        {"slug": "distributed-systems", "name": "Distributed Systems", "publicationCount": 26},
        {"slug": "ai-and-ml", "name": "AI and ML", "publicationCount": 15},
    ]


def test_reordering_domains_in_the_admin_reorders_the_list_and_the_facets(client):
    # Given: an editor drags "AI and ML" to the top.
    ai = ResearchDomain.objects.get(slug="ai-and-ml")
    ai.sort_order = -1
    ai.save()
    expected = ["ai-and-ml", "applications", "distributed-systems"]

    domains = nodes(research_domains(client))
    facets = publications(client, FACETS)["domainFacets"]

    assert [domain["slug"] for domain in domains] == expected
    assert [facet["slug"] for facet in facets] == expected


# --- Constant SQL ------------------------------------------------------------------

MAX_PUBLICATION_QUERIES = 6


def cursor_after_first_page(client, **variables):
    return publications(client, first=5, **variables)["pageInfo"]["endCursor"]


LIST_SHAPES = [
    pytest.param({}, id="plain"),
    pytest.param({"search": "zaharia", "domains": ["distributed-systems"]}, id="search+domains"),
    pytest.param(
        {"search": "ma", "domains": ["distributed-systems", "ai-and-ml"], "sort": "NEWEST"},
        id="search+domains+newest",
    ),
    pytest.param({"year": 2023, "sort": "OLDEST"}, id="year"),
]


@pytest.mark.parametrize("with_cursor", [False, True], ids=["first-page", "after-cursor"])
@pytest.mark.parametrize("variables", LIST_SHAPES)
def test_a_full_publications_page_costs_the_same_few_queries_at_any_size(
    client, django_assert_max_num_queries, variables, with_cursor
):
    if with_cursor:
        variables = {**variables, "after": cursor_after_first_page(client, **variables)}
    small = {**variables, "first": 12}
    large = {**variables, "first": 100}
    # Warm-up: process-wide one-time queries only (see ``measure_queries``).
    data_of(gql(client, PUBLICATIONS, large))

    small_page, small_cost = measure_queries(
        client, django_assert_max_num_queries, MAX_PUBLICATION_QUERIES, PUBLICATIONS, small
    )
    large_page, large_cost = measure_queries(
        client, django_assert_max_num_queries, MAX_PUBLICATION_QUERIES, PUBLICATIONS, large
    )

    # The cost does not grow with the page: 100 rows cost what 12 do (and both really ran:
    # at least the rows and their authors).
    assert 2 <= small_cost == large_cost
    small_page, large_page = small_page["publications"], large_page["publications"]
    assert len(large_page["edges"]) == large_page["endPosition"] - large_page["startPosition"] + 1
    if "year" not in variables:
        # The large page really held more rows, and linked people, to load.
        assert len(large_page["edges"]) > len(small_page["edges"])
        assert any(
            author["person"] for edge in large_page["edges"] for author in edge["node"]["authors"]
        )


def more_domains(count):
    return [
        ResearchDomain.objects.create(
            slug=f"domain-{n:02}", name=f"Domain {n:02}", sort_order=10 + n
        )
        for n in range(count)
    ]


def test_research_domains_cost_one_query_at_any_size(client, django_assert_max_num_queries):
    # Given: more domains than a page holds, some with publications.
    more_domains(20)
    create_publication("In domain 00", domain="domain-00")
    create_publication("In domain 19", domain="domain-19")
    research_domains(client, first=3)  # warm-up (see ``measure_queries``)

    small, small_cost = measure_queries(
        client, django_assert_max_num_queries, 1, RESEARCH_DOMAINS, {"first": 3}
    )
    large, large_cost = measure_queries(
        client, django_assert_max_num_queries, 1, RESEARCH_DOMAINS, {"first": 23}
    )

    assert small_cost == large_cost == 1
    assert len(nodes(small["researchDomains"])) == 3
    counts = {d["slug"]: d["publicationCount"] for d in nodes(large["researchDomains"])}
    assert len(counts) == 23
    assert (counts["domain-00"], counts["domain-01"], counts["domain-19"]) == (1, 0, 1)


def test_research_domains_page_forward_and_back_in_editor_order(client):
    more_domains(4)
    everything = [d["slug"] for d in nodes(research_domains(client, first=100))]
    assert everything[:3] == ["applications", "distributed-systems", "ai-and-ml"]
    assert len(everything) == 7

    forward = walk_pages(lambda after: research_domains(client, DOMAIN_PAGE, first=2, after=after))
    backward = walk_pages(
        lambda before: research_domains(client, DOMAIN_PAGE, last=2, before=before),
        forward=False,
    )
    assert [d["slug"] for page in forward for d in nodes(page)] == everything
    assert [d["slug"] for page in reversed(backward) for d in nodes(page)] == everything
    assert forward[1]["totalCount"] == 7
    assert (forward[1]["startPosition"], forward[1]["endPosition"]) == (3, 4)


def test_a_domain_no_editor_has_placed_comes_last_on_every_database(client):
    # A domain saved without a position (NULL sort_order): PostgreSQL sorts NULL last,
    # SQLite first; the API puts it last on both, and pages past it.
    ResearchDomain.objects.create(slug="unplaced", name="Unplaced")
    first = research_domains(client, DOMAIN_PAGE, first=3)
    rest = research_domains(client, DOMAIN_PAGE, first=3, after=first["pageInfo"]["endCursor"])
    assert [d["slug"] for d in nodes(first)] == [
        "applications",
        "distributed-systems",
        "ai-and-ml",
    ]
    assert [d["slug"] for d in nodes(rest)] == ["unplaced"]


@pytest.mark.parametrize(
    "variables, field",
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": -1}, "last"),
        ({"first": 1, "last": 1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "not-a-cursor"}, "before"),
    ],
)
def test_bad_research_domain_paging_is_refused(client, variables, field):
    assert_bad_user_input(gql(client, DOMAIN_PAGE, variables), field=field)


def test_a_cursor_from_another_list_is_refused_for_research_domains(client):
    teams = data_of(gql(client, "{ teams(first: 1) { pageInfo { endCursor } } }"))["teams"]
    body = gql(client, DOMAIN_PAGE, {"after": teams["pageInfo"]["endCursor"]})
    assert_bad_user_input(body, field="after")


def every_publication_field():
    """A selection of every field of ``Publication``, each object field with its
    ``__typename``: a field added to the type is selected here too."""
    from graphql import get_named_type, is_leaf_type

    from cms.api.schema import schema

    fields = schema.graphql_schema.type_map["Publication"].fields
    return " ".join(
        name if is_leaf_type(get_named_type(field.type)) else f"{name} {{ __typename }}"
        for name, field in fields.items()
    )


def test_every_field_of_a_page_is_read_without_a_query_per_row(
    client, django_assert_max_num_queries
):
    """Lists read only the columns their selected fields need (``ColumnPlan``); a field
    that needs another column must never read it row by row."""
    node = every_publication_field()
    page = f"publications(first: $first) {{ edges {{ node {{ {node} }} }} }}"
    query = f"query ($first: Int) {{ {page} }}"
    data_of(gql(client, query, {"first": 100}))  # warm-up: one-time queries of the process
    small, small_cost = measure_queries(
        client, django_assert_max_num_queries, 6, query, {"first": 12}
    )
    large, large_cost = measure_queries(
        client, django_assert_max_num_queries, 6, query, {"first": 100}
    )
    assert small_cost == large_cost
    assert len(large["publications"]["edges"]) == 46
    one = next(
        e["node"] for e in large["publications"]["edges"] if e["node"]["slug"] == PHOTON_SLUG
    )
    single = data_of(
        gql(
            client,
            f"query ($slug: String!) {{ publication(slug: $slug) {{ {node} }} }}",
            {"slug": PHOTON_SLUG},
        )
    )["publication"]
    assert one == single and one["title"] and one["bibtex"].startswith("@misc{")


def test_a_page_reads_only_the_columns_its_fields_need(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def publication_columns(node):
        with CaptureQueriesContext(connection) as captured:
            data_of(
                gql(client, f"{{ publications(first: 3) {{ edges {{ node {{ {node} }} }} }} }}")
            )
        (select,) = [
            q["sql"]
            for q in captured
            if 'FROM "research_publication"' in q["sql"] and "LIMIT 4" in q["sql"]
        ]
        return select.split(" FROM ")[0]

    titles = publication_columns("title")
    assert (
        '"title"' in titles and '"abstract"' not in titles and '"first_published_at"' not in titles
    )
    assert '"abstract"' in publication_columns("title abstract")
    cited = publication_columns("citation")
    assert '"doi"' in cited and '"venue"' in cited and '"abstract"' not in cited
