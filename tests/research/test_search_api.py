"""Search-as-you-type on `publications(search:)` (issue 4).

The contract: words are AND-ed, the last one may be the start of a word, case
and accents never matter, and the search looks at title, author names (printed
and linked profile), venue, abstract and domain name. Each expectation below is
checked against a small reference implementation of that rule over the live
rows, so a test fails if the API finds one publication too many or too few,
on SQLite (FTS5) and PostgreSQL alike.
"""

import time
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.text import normalize_for_search
from home.models import Person
from research.models import Publication, ResearchDomain
from tests.graphql import assert_bad_user_input, create_publication, data_of, gql, walk_pages
from tests.research.counting import publication_counts

pytestmark = pytest.mark.django_db

PHOTON = "Photon: A Fast Query Engine for Lakehouse Systems"
WELD = "Weld: A Common Runtime for High Performance Data Analytics"

SEARCH = """
query Search(
  $search: String, $domains: [String!], $year: Int, $sort: PublicationSort,
  $first: Int, $after: String, $last: Int, $before: String
) {
  publications(
    search: $search, domains: $domains, year: $year, sort: $sort,
    first: $first, after: $after, last: $last, before: $before
  ) {
    edges { cursor node { databaseId title domain { slug } year } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount startPosition endPosition
    domainFacets { slug count selected }
  }
}
"""


def search(client, text, **variables):
    return data_of(gql(client, SEARCH, {"search": text, "first": 100, **variables}))[
        "publications"
    ]


def found_titles(client, text, **variables):
    return {edge["node"]["title"] for edge in search(client, text, **variables)["edges"]}


# --- The reference rule ------------------------------------------------------------


def searchable_words(publication):
    parts = [publication.title, publication.venue, publication.abstract, publication.domain.name]
    for author in publication.authors.all():
        parts.append(author.name)
        if author.person_id:
            parts.append(author.person.name)
    return normalize_for_search(" ".join(parts)).split()


def reference_matches(text):
    """Live publications whose words contain every word of ``text``, the last as a prefix."""
    terms = normalize_for_search(text).split()
    *whole, last = terms
    matches = []
    rows = Publication.objects.live().select_related("domain").prefetch_related("authors__person")
    for publication in rows:
        words = searchable_words(publication)
        if all(term in words for term in whole) and any(w.startswith(last) for w in words):
            matches.append(publication)
    return matches


def reference_titles(text):
    return {publication.title for publication in reference_matches(text)}


# --- What is found -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "lake",
        "lakehouse",
        "spark sql",
        "spark sq",
        "spar sql",
        "martinez",
        "Martínez",
        "MARTÍNEZ",
        "ZAHARIA",
        "matei zah",
        "zaharia stoica",
        "sigmod",
        "applications",
        "cloud-compatible",
        "c3",
        "deep learning",
        "ml",
        "  spark   streaming  ",
    ],
)
def test_search_finds_exactly_what_the_rule_says(client, text):
    # When: a reader types ``text``.
    connection = search(client, text)

    # Then: the API finds exactly the publications the documented rule finds.
    assert {edge["node"]["title"] for edge in connection["edges"]} == reference_titles(text)
    assert connection["totalCount"] == len(reference_titles(text))


def test_the_issue_examples(client):
    lake = found_titles(client, "lake")
    assert {
        "Lakehouse: A New Generation of Open Platforms that Unify Data Warehousing and "
        "Advanced Analytics",
        "Delta Lake: High-Performance ACID Table Storage over Cloud Object Stores",
        PHOTON,
    } <= lake

    assert "Spark SQL: Relational Data Processing in Spark" in found_titles(client, "spark sql")
    assert found_titles(client, "martinez") == {
        "A Cloud-Compatible Bioinformatics Pipeline for Ultrarapid Pathogen Identification "
        "From Next-Generation Sequencing of Clinical Samples"
    }


#: Letters neither search backend folds by itself (SQLite's FTS5 strips plain accents,
#: PostgreSQL's ``simple`` configuration folds nothing): ß, Ł, Æ and the ﬃ ligature. Only
#: the API's own normalisation, of the stored words and of the query, makes them match.
UNFOLDED = "Große Eﬃcient Graphs for Æther Models"
FOLDED = "Grosse Efficient Graphs for Aether Models"


@pytest.mark.parametrize(
    "text",
    [
        "grosse",
        "Große",
        "GROSSE",
        "efficient",
        "eﬃcient",
        "aether",
        "Æther",
        "weiss",
        "Weiß",
        "lukasz",
        "Łukasz",
    ],
)
def test_letters_no_backend_folds_match_their_plain_spelling_both_ways(client, text):
    create_publication(UNFOLDED, authors=("Łukasz Weiß",))
    create_publication(FOLDED, authors=("Lukasz Weiss",))

    found = found_titles(client, text)

    assert {UNFOLDED, FOLDED} <= found
    assert found == reference_titles(text)


def test_an_author_name_finds_all_their_papers_whatever_the_case(client):
    # Given: the papers the seed lists with Matei Zaharia as an author.
    theirs = set(
        Publication.objects.filter(authors__name="Matei Zaharia").values_list("title", flat=True)
    )
    assert len(theirs) == 29

    # Then: any spelling of the name finds those papers (and only those).
    for text in ("ZAHARIA", "zaharia", "Zaharia", "matei zaharia", "zah"):
        assert found_titles(client, text) == theirs, text


def test_every_word_must_match_but_only_the_last_may_be_partial(client):
    # "spark sq" (last word partial) finds Spark SQL; "spar sql" (first word partial) does not.
    assert "Spark SQL: Relational Data Processing in Spark" in found_titles(client, "spark sq")
    assert found_titles(client, "spar sql") == set()
    # Words are AND-ed: adding a word narrows, never widens.
    assert found_titles(client, "spark streaming") < found_titles(client, "spark")


FIELD_WORDS = [
    pytest.param("quokkatitle", id="title"),
    pytest.param("wombatconf", id="venue"),
    pytest.param("numbatology", id="abstract"),
    pytest.param("xylophonist", id="printed-author-name"),
    pytest.param("bandicootson", id="linked-person-name"),
    pytest.param("marsupials", id="domain-name"),
]


@pytest.mark.parametrize("word", FIELD_WORDS)
def test_search_covers_title_authors_venue_abstract_and_domain(client, word):
    # Given: a publication with a different unusual word in each searchable field.
    domain = ResearchDomain.objects.create(name="Marsupials", slug="marsupials", sort_order=9)
    person = Person.objects.create(name="Bettina Bandicootson", slug="bettina-bandicootson")
    create_publication(
        "Quokkatitle: A Study",
        domain=domain.slug,
        venue="Wombatconf",
        abstract="An essay on numbatology.",
        authors=("Xena Xylophonist", ("B. B.", person)),
    )

    # When: searching for one of those words, typed as a prefix as well.
    # Then: the publication is found, and only it.
    assert found_titles(client, word) == {"Quokkatitle: A Study"}
    assert found_titles(client, word[:6].upper()) == {"Quokkatitle: A Study"}


# --- Ranking -----------------------------------------------------------------------


def title_hits(title, text):
    padded = " " + normalize_for_search(title)
    return sum(1 for term in normalize_for_search(text).split() if f" {term}" in padded)


@pytest.mark.parametrize("text", ["spark", "zaharia", "spark sql", "data", "learn", "stream"])
def test_relevance_ranks_title_matches_first_then_title_a_to_z(client, text):
    # When: searching without a sort (RELEVANCE is the default with a search).
    by_default = search(client, text)
    explicit = search(client, text, sort="RELEVANCE")

    # Then: titles with more search words come first; ties are A-Z by title, then id.
    rows = [(edge["node"]["title"], edge["node"]["databaseId"]) for edge in by_default["edges"]]
    expected = sorted(rows, key=lambda row: (-title_hits(row[0], text), row[0].lower(), row[1]))
    assert rows == expected
    assert [edge["node"] for edge in by_default["edges"]] == [
        edge["node"] for edge in explicit["edges"]
    ]


def test_a_title_match_ranks_above_an_author_or_venue_match(client):
    # "sigmod" is the venue of many papers and the title of none, until this one.
    create_publication("Sigmod Retrospective", venue="VLDB", year=2001)

    first = search(client, "sigmod", first=1)

    assert first["edges"][0]["node"]["title"] == "Sigmod Retrospective"
    assert first["totalCount"] == len(reference_titles("sigmod")) > 1


# --- Combined with filters, sorts, facets and pages ---------------------------------


@pytest.mark.parametrize(
    "variables",
    [
        {"domains": ["distributed-systems"]},
        {"domains": ["ai-and-ml", "applications"], "sort": "NEWEST"},
        {"year": 2013},
        {"year": 2017, "domains": ["ai-and-ml"], "sort": "TITLE_DESC"},
        {"sort": "OLDEST"},
    ],
)
def test_search_combines_with_filters_sorts_and_facets(client, variables):
    text = "zaharia"
    matches = reference_matches(text)
    if "year" in variables:
        matches = [p for p in matches if p.year == variables["year"]]
    in_domains = [p for p in matches if p.domain.slug in variables.get("domains", [p.domain.slug])]

    connection = search(client, text, **variables)

    assert {edge["node"]["title"] for edge in connection["edges"]} == {p.title for p in in_domains}
    assert connection["totalCount"] == len(in_domains)
    # Facets count the search and year, whatever the domains filter is.
    assert {f["slug"]: f["count"] for f in connection["domainFacets"]} == {
        slug: sum(1 for p in matches if p.domain.slug == slug)
        for slug in ("applications", "distributed-systems", "ai-and-ml")
    }
    assert {f["slug"] for f in connection["domainFacets"] if f["selected"]} == set(
        variables.get("domains", [])
    )
    # The chosen sort applies to the search results.
    if variables.get("sort") in ("NEWEST", "OLDEST"):
        years = [edge["node"]["year"] for edge in connection["edges"]]
        assert years == sorted(years, reverse=variables["sort"] == "NEWEST")


@pytest.mark.parametrize("sort", [None, "TITLE", "TITLE_DESC", "NEWEST", "OLDEST"])
def test_search_results_page_forward_and_back_exactly_once(client, sort):
    text = "zaharia"
    sort_arg = {"sort": sort} if sort else {}
    expected = [edge["node"]["databaseId"] for edge in search(client, text, **sort_arg)["edges"]]
    assert len(expected) == 29

    forward = []
    for page in walk_pages(lambda after: search(client, text, first=4, after=after, **sort_arg)):
        forward.extend(edge["node"]["databaseId"] for edge in page["edges"])
        assert page["startPosition"] == len(forward) - len(page["edges"]) + 1

    backward = []
    backward_pages = walk_pages(
        lambda before: search(client, text, first=None, last=4, before=before, **sort_arg),
        forward=False,
    )
    for page in backward_pages:
        backward[:0] = [edge["node"]["databaseId"] for edge in page["edges"]]

    assert forward == expected
    assert backward == expected


def test_relevance_pages_between_two_cursors_follow_the_relay_rules(client):
    """RELEVANCE has no keyset: its cursors are positions (``after`` and ``before``)."""
    everything = search(client, "zaharia")["edges"]
    ids = [edge["node"]["databaseId"] for edge in everything]
    cursors = [edge["cursor"] for edge in everything]
    assert len(ids) == 29

    def page(**variables):
        found = search(client, "zaharia", sort="RELEVANCE", **variables)
        info = found["pageInfo"]
        return (
            [edge["node"]["databaseId"] for edge in found["edges"]],
            (info["hasPreviousPage"], info["hasNextPage"]),
            (found["startPosition"], found["endPosition"], found["totalCount"]),
        )

    # Just after the first result: a previous page exists.
    assert page(first=3, after=cursors[0]) == (ids[1:4], (True, True), (2, 4, 29))
    # Between two cursors: no row outside them, a next page only while rows are left.
    assert page(first=3, after=cursors[1], before=cursors[7]) == (
        ids[2:5],
        (True, True),
        (3, 5, 29),
    )
    assert page(first=10, after=cursors[1], before=cursors[7]) == (
        ids[2:7],
        (True, False),
        (3, 7, 29),
    )
    assert page(first=None, last=3, after=cursors[5], before=cursors[7]) == (
        ids[6:7],
        (True, True),
        (7, 7, 29),
    )
    # Cursors the wrong way round: an empty page, not an error.
    assert page(first=3, after=cursors[7], before=cursors[1])[0] == []
    assert page(first=None, last=3, after=cursors[7], before=cursors[1])[0] == []
    # The last page, counted from the total.
    assert page(first=None, last=3) == (ids[26:], (True, False), (27, 29, 29))


def grouped_counts_run(client, text, **variables):
    """``(page, how many of its statements counted all the search's matches)``."""
    with CaptureQueriesContext(connection) as captured:
        page = search(client, text, **variables)
    return page, len(publication_counts(captured.captured_queries))


#: On PostgreSQL a search's counts, once counted, are brought up to date from the
#: live-change log (``research.api.search_counts``); SQLite counts them again.
RECOUNTED_AFTER_A_CHANGE = 0 if connection.vendor == "postgresql" else 1


def test_one_search_is_counted_once_for_all_its_pages_until_content_changes(client):
    # Given: the first page of a search, counted (one grouped query over its matches).
    first, counted = grouped_counts_run(client, "zaharia", first=4)
    assert counted == 1
    assert first["totalCount"] == 29

    # When: the reader pages on. Then: the counts are reused, not recounted.
    second, counted = grouped_counts_run(
        client, "zaharia", first=4, after=first["pageInfo"]["endCursor"]
    )
    assert counted == 0
    assert (second["totalCount"], second["startPosition"]) == (29, 5)

    # When: a publication the search matches is published. Then: exact again, counted
    # afresh (SQLite) or from the change (PostgreSQL).
    create_publication("Zaharia Quokka Notes")
    again, counted = grouped_counts_run(client, "zaharia", first=4)
    assert counted == RECOUNTED_AFTER_A_CHANGE
    assert again["totalCount"] == 30


def test_a_search_is_counted_afresh_once_its_counts_have_had_their_time(client, settings):
    # Counts live COUNT_CACHE_SECONDS in Redis: each content change versions them anew,
    # so without a time limit every old version would stay there for good.
    settings.CMS_API = {**settings.CMS_API, "COUNT_CACHE_SECONDS": 1}
    _, counted = grouped_counts_run(client, "zaharia", first=4)
    assert counted == 1
    _, counted = grouped_counts_run(client, "zaharia", first=5)
    assert counted == 0

    time.sleep(1.5)
    later, counted = grouped_counts_run(client, "zaharia", first=6)

    assert counted == 1
    assert later["totalCount"] == 29


def test_a_search_is_exact_again_each_time_an_expiry_time_passes(
    client, django_capture_on_commit_callbacks
):
    # Given: a search counted while two of its matches, saved as an editor would (the
    # transaction commits), are public: one for another hour, the other a second longer.
    # (Whole seconds on a round thousand: nothing coarser than a millisecond may blur them.)
    first_expiry = datetime.fromtimestamp(
        (int(time.time()) // 1000 + 4) * 1000, tz=timezone.get_current_timezone()
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_publication("Zaharia Quokka Notes", expire_at=first_expiry)
        create_publication("Zaharia Wombat Notes", expire_at=first_expiry + timedelta(seconds=1))
    first, counted = grouped_counts_run(client, "zaharia", first=4)
    assert (first["totalCount"], counted) == (31, 1)

    # When: each expiry time comes in turn (at that very moment the row is expired);
    # nobody edits, the scheduler has not run.
    # Then: the counts are not the remembered ones: they agree with the rows listed.
    for passed, remaining in [(first_expiry, 30), (first_expiry + timedelta(seconds=1), 29)]:
        with time_machine.travel(passed, tick=False):
            later, counted = grouped_counts_run(client, "zaharia", first=100)
        assert counted == RECOUNTED_AFTER_A_CHANGE
        assert later["totalCount"] == len(later["edges"]) == remaining


@pytest.mark.parametrize("blank", ["", " ", "   \t\n  "])
def test_a_blank_search_is_no_search(client, blank):
    plain = data_of(gql(client, SEARCH, {"first": 100}))["publications"]

    connection = search(client, blank)

    assert connection["totalCount"] == 46
    # Same results in the same order (TITLE, the default without a search).
    assert [edge["node"] for edge in connection["edges"]] == [
        edge["node"] for edge in plain["edges"]
    ]
    assert connection["domainFacets"] == plain["domainFacets"]
    # Its cursors belong to the unsearched list: paging on without the blank search works.
    after = connection["edges"][11]["cursor"]
    next_page = data_of(gql(client, SEARCH, {"first": 12, "after": after}))["publications"]
    assert [edge["node"] for edge in next_page["edges"]] == [
        edge["node"] for edge in plain["edges"][12:24]
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("x" * 201, id="too-long"),
        pytest.param("!!! ??? ...", id="no-letters-or-digits"),
        pytest.param(" ".join(["spark"] * 13), id="too-many-words"),
    ],
)
def test_an_unusable_search_is_refused(client, text):
    body = gql(client, SEARCH, {"search": text})

    assert_bad_user_input(body, field="search")


# --- The index follows the content ---------------------------------------------------


def test_renaming_a_domain_changes_what_finds_its_publications(client):
    # Given: the Applications domain renamed to a name no publication mentions.
    applications = ResearchDomain.objects.get(slug="applications")
    in_domain = set(applications.publications.values_list("title", flat=True))
    assert len(in_domain) == 5
    applications.name = "Quokka Studies"
    applications.save()
    assert found_titles(client, "quokka") == in_domain

    # When: it is renamed again.
    applications.name = "Wombat Studies"
    applications.save()

    # Then: the old name finds nothing, the new one finds its publications.
    assert found_titles(client, "quokka") == set()
    assert found_titles(client, "wombat") == in_domain
    facets = search(client, "wombat")["domainFacets"]
    assert {f["slug"]: f["count"] for f in facets}["applications"] == 5


def test_renaming_a_linked_person_changes_what_finds_their_papers(client):
    # Given: Shoumik Palkar's profile is linked as an author of Photon and Weld.
    person = Person.objects.get(slug="shoumik-palkar")
    person.name = "Shoumik Quokkafield"
    person.save()
    assert found_titles(client, "quokkafield") == {PHOTON, WELD}

    # When: the profile is renamed again.
    person.name = "Shoumik Wombatson"
    person.save()

    # Then: the old name no longer finds the papers and the new one does.
    assert found_titles(client, "quokkafield") == set()
    assert found_titles(client, "wombatson") == {PHOTON, WELD}
    # The printed byline is unchanged, so the printed name still finds them.
    assert {PHOTON, WELD} <= found_titles(client, "palkar")


def test_publishing_a_new_title_changes_what_finds_it(client):
    photon = Publication.objects.get(title=PHOTON)
    photon.title = "Photon: A Fast Query Engine for Quokka Systems"
    photon.save_revision(log_action=False).publish(log_action=False)

    assert found_titles(client, "quokka") == {photon.title}
    assert photon.title not in found_titles(client, "lakehouse")


def test_a_draft_only_word_is_not_found(client):
    # Given: an unpublished draft of Photon with a new title.
    photon = Publication.objects.get(title=PHOTON)
    photon.title = "Photon: A Fast Query Engine for Quokka Systems"
    photon.save_revision(log_action=False)

    # Then: search sees the published version only.
    assert found_titles(client, "quokka") == set()
    assert PHOTON in found_titles(client, "lakehouse")


def test_publications_that_are_not_live_are_never_found(client):
    create_publication("Quokka Draft", publish=False)
    unpublished = create_publication("Quokka Unpublished")
    unpublished.unpublish(log_action=False)
    shown = create_publication("Quokka Shown")

    assert found_titles(client, "quokka") == {shown.title}
