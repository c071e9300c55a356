"""Cache tags (issue 16): each public answer names what it was built from, and each
change of public state purges exactly the answers that showed the changed object or a
list it enters or leaves; the others stay cached.

Checked twice for every kind of change: against the Redis response cache (an answer
still cached is served without SQL) and against a recorded purge backend (the tags
it was asked to purge meet an answer's ``xkey`` header, or not).
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

import cms.api.cache
import cms.publishing
from careers.models import StoryPage
from cms.api.cache import bump_content_generation
from cms.publishing import browse_list_tag, scope_lists, scoped_list_tag, tags_of_change
from research.models import Publication, ResearchDomain
from tests.graphql import create_portrait, create_publication, create_story
from tests.purging import RecordingBackend

pytestmark = pytest.mark.django_db

ENDPOINT = "/graphql/"
Person = StoryPage._meta.get_field("person").related_model

DOMAINS = ("distributed-systems", "applications", "ai-and-ml")
DOMAIN_LIST = '{ publications(domains: ["%s"], first: 1) { totalCount edges { node { title } } } }'

#: The answers a frontend keeps, by name; each test says which of them a change purges.
ANSWERS = {
    "first": '{ publication(slug: "tagged-first") { title domain { name } '
    "authors { name person { name } } } }",
    "second": '{ publication(slug: "tagged-second") { title domain { name } } }',
    "list": "{ publications(first: 3) { edges { node { title } } } }",
    "missing": '{ publication(slug: "not-yet-public") { title } }',
    "domains": "{ researchDomains { edges { node { name } } } }",
    "counts": "{ researchDomains { edges { node { publicationCount } } } }",
    "story": '{ story(slug: "tagged-story") { title person { name } } }',
    "stories": "{ stories(first: 3) { edges { node { title } } } }",
    # One list per domain: the first is in Distributed Systems, the second in Applications;
    # none of them shows either on its first page, but each counts what it holds.
    "in_systems": DOMAIN_LIST % "distributed-systems",
    "in_apps": DOMAIN_LIST % "applications",
    "in_ai": DOMAIN_LIST % "ai-and-ml",
    "facets": '{ publications(domains: ["ai-and-ml"], first: 1) { domainFacets { name count } } }',
    "search": '{ publications(search: "tagged", first: 3) { totalCount edges { node { title } } } '
    "}",
}

#: What a change of a publication purges besides the answers that showed it and its
#: domains' lists: every list of all publications, and the root lookup that found none.
EVERY_PUBLICATION = {"list", "missing", "counts", "facets", "search"}


@pytest.fixture
def recorded(settings):
    settings.CMS_PURGE_BACKENDS = {
        "recorded": {"BACKEND": "tests.purging.RecordingBackend"},
    }
    RecordingBackend.purged = []
    return RecordingBackend.purged


@pytest.fixture
def content(django_capture_on_commit_callbacks):
    """Two publications in two domains (the first by a person of ours), a story about
    another person, all published. (Every change of a test runs its commit callbacks:
    the test's transaction never commits.)"""
    with django_capture_on_commit_callbacks(execute=True):
        author = Person.objects.create(name="Tagged Author", slug="tagged-author")
        subject = Person.objects.create(name="Tagged Subject", slug="tagged-subject")
        first = create_publication(
            "Tagged First", domain="distributed-systems", authors=[("Tagged Author", author)]
        )
        second = create_publication("Tagged Second", domain="applications")
        story = create_story("Tagged Story", date=timezone.now().date(), person=subject)
    return {"first": first, "second": second, "story": story, "author": author, "subject": subject}


def get(client, query):
    response = client.get(ENDPOINT, {"query": query}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:2000]
    assert "errors" not in response.json(), response.json()
    return response


def cache_everything(client):
    """Ask every answer once (cached now) and return its edge tags."""
    headers = {}
    for name, query in ANSWERS.items():
        response = get(client, query)
        headers[name] = set(response["xkey"].split())
        assert get_without_sql(client, query), f"{name} was not cached"
    return headers


def get_without_sql(client, query):
    """Whether ``query`` is answered from the Redis cache (no SQL at all)."""
    with CaptureQueriesContext(connection) as queries:
        get(client, query)
    return len(queries) == 0


def check_purged(client, headers, recorded, expected):
    """Exactly ``expected`` answers are gone from Redis and purged at the edge."""
    from_redis = {name for name, query in ANSWERS.items() if not get_without_sql(client, query)}
    at_the_edge = {name for name, tags in headers.items() if tags & set(recorded)}
    assert (from_redis, at_the_edge) == (expected, expected)


def test_every_answer_names_what_it_was_built_from(client, content):
    headers = cache_everything(client)
    first, story = content["first"], content["story"]
    domain = first.domain
    assert {f"publication:{first.pk}", f"researchdomain:{domain.pk}"} <= headers["first"]
    assert f"person:{content['author'].pk}" in headers["first"]
    assert headers["missing"] == {"publication"}  # what may appear under that slug
    # A list in browse order depends on what browse lists filter, order and count by.
    assert "publication:browse" in headers["list"]
    assert "publication" not in headers["list"]
    assert "researchdomain" in headers["domains"]
    assert {f"page:{story.pk}", f"person:{content['subject'].pk}"} <= headers["story"]
    assert "page" in headers["stories"]
    # An author row lives inside its publication: the publication's tag covers it.
    assert not any(tag.startswith("publicationauthor") for tag in headers["first"])
    # A list filtered by a domain depends on that domain's publications only, and on the
    # slug it was named by; a domain's count on its own publications.
    in_domain = {slug: ResearchDomain.objects.get(slug=slug).pk for slug in DOMAINS}
    systems = in_domain["distributed-systems"]
    assert {f"publication:domain:{systems}", f"researchdomain:{systems}"} <= headers["in_systems"]
    assert "publication" not in headers["in_systems"]
    assert {f"publication:domain:{pk}" for pk in in_domain.values()} <= headers["counts"]
    assert "publication" not in headers["counts"]
    # Facets show every domain's name and count; a search matches domain and people's names,
    # and any field a search sees.
    assert {"publication:browse", "researchdomain"} <= headers["facets"]
    assert "publication" not in headers["facets"]
    assert {"publication", "researchdomain", "person"} <= headers["search"]


def test_publishing_an_edit_purges_the_answers_showing_it_and_its_lists(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    first = content["first"]
    with django_capture_on_commit_callbacks(execute=True):
        first.title = "Tagged First, Edited"
        first.save_revision(log_action=False).publish(log_action=False)
    check_purged(client, headers, recorded, {"first", "in_systems", *EVERY_PUBLICATION})


def test_an_edit_of_a_field_only_shown_purges_only_the_answers_showing_it(
    client, content, recorded, django_capture_on_commit_callbacks
):
    """A DOI is displayed, never listed, searched or looked up by: every list stays (the
    search that showed the paper goes: it showed it). Publishing saves the paper's
    authors again, unchanged: they purge nothing."""
    headers = cache_everything(client)
    second = content["second"]
    with django_capture_on_commit_callbacks(execute=True):
        second.doi = "10.1000/tagged"
        second.save_revision(log_action=False).publish(log_action=False)
    check_purged(client, headers, recorded, {"second", "search"})
    assert (
        "10.1000/tagged"
        in get(client, ANSWERS["second"].replace("title", "title doi")).content.decode()
    )


def test_an_edit_of_a_searched_field_purges_the_searches_but_not_the_browse_lists(
    client, content, recorded, django_capture_on_commit_callbacks
):
    """A venue is matched by searches (and a slug found by lookups), but lists in browse
    order ignore it: they, their counts and facets stay."""
    headers = cache_everything(client)
    second = content["second"]
    with django_capture_on_commit_callbacks(execute=True):
        second.venue = "Tagged Venue"
        second.save_revision(log_action=False).publish(log_action=False)
    check_purged(client, headers, recorded, {"second", "missing", "search"})


@pytest.mark.parametrize("change", ["renamed", "added", "removed"])
def test_an_edit_of_a_papers_authors_purges_the_searches_but_not_the_browse_lists(
    client, content, recorded, django_capture_on_commit_callbacks, change
):
    """A search matches authors' names: a renamed, added or removed author purges every
    search and the answers showing the paper; no list in browse order."""
    headers = cache_everything(client)
    first = content["first"]
    authors = list(first.authors.all())
    if change == "renamed":
        authors[0].name = "Tagged Author, Renamed"
    elif change == "added":
        authors.append(type(authors[0])(name="Tagged Coauthor", sort_order=1))
    else:
        authors = []
    with django_capture_on_commit_callbacks(execute=True):
        first.authors = authors
        first.save_revision(log_action=False).publish(log_action=False)
    check_purged(client, headers, recorded, {"first", "missing", "search"})


def test_a_draft_purges_nothing_public_but_its_object(
    client, content, recorded, django_capture_on_commit_callbacks
):
    """Saving a draft records a revision on the live row; the public state is unchanged
    (the answers showing the object are purged: the row was written)."""
    headers = cache_everything(client)
    second = content["second"]
    with django_capture_on_commit_callbacks(execute=True):
        second.title = "Tagged Second, Draft"
        second.save_revision(log_action=False)
    check_purged(client, headers, recorded, {"second", "search"})
    assert "Tagged Second, Draft" not in get(client, ANSWERS["list"]).content.decode()


def test_unpublishing_purges_the_answers_showing_it_and_its_lists(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        content["first"].unpublish(log_action=False)
    check_purged(client, headers, recorded, {"first", "in_systems", *EVERY_PUBLICATION})


def test_deleting_purges_the_answers_showing_it_and_its_lists(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        content["second"].delete()
    check_purged(client, headers, recorded, {"second", "in_apps", *EVERY_PUBLICATION})


def test_a_new_publication_purges_only_the_lists_it_enters(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        create_publication("Not Yet Public", domain="applications")
    check_purged(client, headers, recorded, {"in_apps", *EVERY_PUBLICATION})


def test_moving_a_publication_to_another_domain_purges_the_lists_it_leaves_and_enters(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    first = content["first"]
    with django_capture_on_commit_callbacks(execute=True):
        first.domain = ResearchDomain.objects.get(slug="ai-and-ml")
        first.save_revision(log_action=False).publish(log_action=False)
    expected = {"first", "in_systems", "in_ai", *EVERY_PUBLICATION}
    check_purged(client, headers, recorded, expected)  # Applications' list stays
    left = get(client, ANSWERS["in_systems"]).json()["data"]["publications"]["totalCount"]
    assert left == 26  # the seed's, without the one that left


def test_a_scheduled_go_live_purges_only_the_lists_it_enters(
    client, content, recorded, django_capture_on_commit_callbacks, settings
):
    settings.CMS_API = {**settings.CMS_API, "BROWSER_MAX_AGE": 86400, "CDN_MAX_AGE": 86400}
    go_live = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        coming = create_publication("Not Yet Public", domain="applications", publish=False)
        coming.go_live_at = go_live
        revision = coming.save_revision(approved_go_live_at=go_live, log_action=False)
        revision.publish(log_action=False)  # with a future go-live time this only schedules
    headers = cache_everything(client)
    with time_machine.travel(go_live + timedelta(seconds=1), tick=False):
        # Its time has come, but until the scheduler publishes it, it is not live: the
        # lists cached without it are still true, in Redis and at the edge.
        assert not Publication.objects.get(pk=coming.pk).live
        assert get_without_sql(client, ANSWERS["in_apps"])
        # What the code promises for the edge is the scheduler's purge (it wakes at the
        # go-live time: cms.scheduling), not a shorter max-age.
        assert "s-maxage=86400" in get(client, ANSWERS["in_apps"])["Cache-Control"]
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled", verbosity=0)
        assert Publication.objects.get(pk=coming.pk).live
        check_purged(client, headers, recorded, {"in_apps", *EVERY_PUBLICATION})
        entered = get(client, ANSWERS["in_apps"]).json()["data"]["publications"]["totalCount"]
        assert entered == 5 + 2  # the seed's, the second and the one gone live


def test_an_expiry_purges_the_answers_showing_it_and_its_lists(
    client, content, recorded, django_capture_on_commit_callbacks, settings
):
    settings.CMS_API = {**settings.CMS_API, "BROWSER_MAX_AGE": 86400, "CDN_MAX_AGE": 86400}
    second = content["second"]
    expiry = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        second.expire_at = expiry
        second.save_revision(log_action=False).publish(log_action=False)
    headers = cache_everything(client)
    for name in ("second", "in_apps", "in_ai"):
        # The edge keeps no answer past the expiry: every one is bounded by it.
        cache_control = get(client, ANSWERS[name])["Cache-Control"]
        assert int(cache_control.rpartition("s-maxage=")[2]) <= 3600, (name, cache_control)
    with time_machine.travel(expiry + timedelta(seconds=1), tick=False):
        # Past its time, before any scheduler, neither the answer that showed it nor a list
        # that counted it is served from Redis; a list that never held it still is.
        assert not get_without_sql(client, ANSWERS["second"])
        assert not get_without_sql(client, ANSWERS["in_apps"])
        counted = get(client, ANSWERS["in_apps"]).json()["data"]["publications"]["totalCount"]
        assert counted == 5  # the seed's only
        assert get_without_sql(client, ANSWERS["first"])
        headers = cache_everything(client)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("publish_scheduled", verbosity=0)
        assert not Publication.objects.get(pk=second.pk).live
        check_purged(client, headers, recorded, {"second", "in_apps", *EVERY_PUBLICATION})


def test_renaming_a_domain_purges_the_answers_that_showed_it(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    domain = ResearchDomain.objects.get(pk=content["first"].domain_id)
    with django_capture_on_commit_callbacks(execute=True):
        domain.name = "Renamed Systems"
        domain.save()
    # The domain's own list names it in its filter; facets and a search show its name.
    check_purged(
        client, headers, recorded, {"first", "domains", "counts", "in_systems", "facets", "search"}
    )


def test_renaming_a_person_purges_the_answers_that_showed_them(
    client, content, recorded, django_capture_on_commit_callbacks
):
    headers = cache_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        content["subject"].name = "Renamed Subject"
        content["subject"].save()
    check_purged(client, headers, recorded, {"story", "search"})  # a search matches names
    headers = cache_everything(client)
    recorded.clear()
    with django_capture_on_commit_callbacks(execute=True):
        content["author"].name = "Renamed Author"
        content["author"].save()
    check_purged(client, headers, recorded, {"first", "search"})


def test_a_purged_answer_is_fresh_and_cached_again(
    client, content, recorded, django_capture_on_commit_callbacks
):
    cache_everything(client)
    with django_capture_on_commit_callbacks(execute=True):
        content["author"].name = "Renamed Author"
        content["author"].save()
    body = get(client, ANSWERS["first"]).json()["data"]["publication"]
    assert body["authors"][0]["person"]["name"] == "Renamed Author"
    assert get_without_sql(client, ANSWERS["first"])


def test_scoped_list_tags_collapse_into_their_models_tag_past_the_limit(client, settings):
    query = "{ researchDomains { edges { node { name publicationCount } } } }"
    full = set(get(client, query)["xkey"].split())
    scoped = {tag for tag in full if tag.startswith("publication:domain:")}
    assert len(scoped) == 3
    assert "publication" not in full
    settings.CMS_API = {**settings.CMS_API, "CACHE_TAG_HEADER_BYTES": 40}
    bump_content_generation()  # computed afresh under the new settings
    tags = get(client, query)["xkey"]
    assert len(tags.encode()) <= 40
    # The domains became their list's tag, then the domains' publications their model's:
    # every change that purges a domain's list purges the model's tag too.
    assert set(tags.split()) == {"publication", "researchdomain"}


def test_the_header_never_exceeds_its_limit_and_collapses_to_list_tags(client, settings):
    query = "{ publications(first: 100) { edges { node { title domain { name } } } } }"
    full = set(get(client, query)["xkey"].split())
    assert len([tag for tag in full if tag.startswith("publication:")]) == 46 + 1  # :browse
    settings.CMS_API = {
        **settings.CMS_API,
        "CACHE_TAG_HEADER": "Cache-Tag",
        "CACHE_TAG_HEADER_BYTES": 200,
    }
    bump_content_generation()  # computed afresh under the new settings
    header = get(client, query)["Cache-Tag"]
    assert len(header.encode()) <= 200
    tags = set(header.split(","))
    # The 46 publications became one tag that every change of one of them purges (not
    # the model's: a new DOI leaves it out); the browse list and the 3 domains still fit.
    assert tags == {
        "publication:any",
        "publication:browse",
        *(tag for tag in full if tag.startswith("researchdomain:")),
    }


def test_a_new_doi_reaches_an_answer_naming_too_many_papers_for_their_tags(
    client, settings, recorded, monkeypatch, django_capture_on_commit_callbacks
):
    """Past the limits, the 46 papers' tags collapse into one, in Redis and in the header.
    A new DOI purges the paper's own tag but not the model's (browse lists ignore it), so
    that one tag cannot be the model's: the answer would show the old DOI."""
    monkeypatch.setattr(cms.api.cache, "STORED_TAG_BYTES", 200)
    settings.CMS_API = {**settings.CMS_API, "CACHE_TAG_HEADER_BYTES": 200}
    query = "{ publications(first: 100) { edges { node { slug doi } } } }"
    response = get(client, query)
    header = set(response["xkey"].split())
    assert not any(tag.startswith("publication:") and tag[12:].isdigit() for tag in header)
    assert get_without_sql(client, query)
    slug = response.json()["data"]["publications"]["edges"][-1]["node"]["slug"]
    paper = Publication.objects.get(slug=slug)
    with django_capture_on_commit_callbacks(execute=True):
        paper.doi = "10.1000/new-doi"
        paper.save_revision(log_action=False).publish(log_action=False)
    assert header & set(recorded)  # the edge drops it
    nodes = get(client, query).json()["data"]["publications"]["edges"]
    assert nodes[-1]["node"] == {"slug": slug, "doi": "10.1000/new-doi"}


def test_a_cached_answer_keeps_no_more_tags_than_its_limit(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """An answer naming many objects would otherwise keep every tag in Redis and check
    each on every hit. Past ``STORED_TAG_BYTES`` they collapse: the answer then depends
    on every paper, and an edit of another one recomputes it."""
    monkeypatch.setattr(cms.api.cache, "STORED_TAG_BYTES", len("publication:any"))
    shown, other = Publication.objects.order_by("pk")[:2]
    query = f'{{ publication(slug: "{shown.slug}") {{ title domain {{ name }} }} }}'
    get(client, query)
    assert get_without_sql(client, query)
    with django_capture_on_commit_callbacks(execute=True):
        other.doi = "10.1000/another-paper"
        other.save_revision(log_action=False).publish(log_action=False)
    assert not get_without_sql(client, query)
    assert get_without_sql(client, query)  # kept again


@pytest.mark.parametrize("spare", [0, -1])
def test_tags_collapse_only_past_their_limit_to_the_byte(
    client, settings, monkeypatch, django_capture_on_commit_callbacks, spare
):
    """A limit exactly as long as the tags keeps them all, in the header and in Redis; a
    byte less collapses them. (Collapsed in Redis, the answer depends on every domain:
    renaming another one recomputes it.)"""
    shown = Publication.objects.order_by("pk").first()
    other = ResearchDomain.objects.exclude(pk=shown.domain_id).first()
    query = f'{{ publication(slug: "{shown.slug}") {{ title domain {{ name }} }} }}'
    full = get(client, query)["xkey"]
    assert len(full.split()) == 2
    monkeypatch.setattr(cms.api.cache, "STORED_TAG_BYTES", len(full) + spare)
    settings.CMS_API = {**settings.CMS_API, "CACHE_TAG_HEADER_BYTES": len(full) + spare}
    bump_content_generation()  # computed afresh under the new limits
    header = get(client, query)["xkey"]
    assert get_without_sql(client, query)
    with django_capture_on_commit_callbacks(execute=True):
        other.name = "Another Domain, Renamed"
        other.save()
    if spare == 0:
        assert header == full
        assert get_without_sql(client, query)
    else:
        assert header != full
        assert not get_without_sql(client, query)


def test_a_single_tag_exactly_as_long_as_the_limit_is_kept(client, settings):
    query = f'{{ publication(slug: "{Publication.objects.first().slug}") {{ title }} }}'
    full = get(client, query)["xkey"]
    assert " " not in full
    settings.CMS_API = {**settings.CMS_API, "CACHE_TAG_HEADER_BYTES": len(full)}
    bump_content_generation()  # computed afresh under the new limit
    assert get(client, query)["xkey"] == full


def test_an_author_row_saved_and_then_deleted_purges_the_searches(
    client, content, recorded, django_capture_on_commit_callbacks
):
    """An author saved unchanged purges nothing, but deleting that same row afterwards is
    a change, and so is saving it again: what it held before does not make either one a
    quiet one."""
    headers = cache_everything(client)
    author = content["first"].authors.get()
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    check_purged(client, headers, recorded, set())
    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    check_purged(client, headers, recorded, {"first", "missing", "search"})
    # Saved again, the same object is a new row: nothing read before the delete makes it
    # a quiet save.
    headers = cache_everything(client)
    recorded.clear()
    with django_capture_on_commit_callbacks(execute=True):
        author.save()
    check_purged(client, headers, recorded, {"first", "missing", "search"})


def test_a_hidden_related_publication_that_comes_back_purges_the_story_listing_it(
    client, content, recorded, django_capture_on_commit_callbacks
):
    """A story's related publications are a list: an answer that left one out (it was
    hidden) depends on it coming back, though the answer names no tag of it."""
    second = content["second"]
    query = '{ story(slug: "related-story") { relatedPublications { title } } }'
    with django_capture_on_commit_callbacks(execute=True):
        create_story("Related Story", date=timezone.now().date(), related=[second])
        second.unpublish(log_action=False)
    response = get(client, query)
    assert response.json()["data"]["story"]["relatedPublications"] == []
    tags = set(response["xkey"].split())
    assert get_without_sql(client, query)

    with django_capture_on_commit_callbacks(execute=True):
        second.save_revision(log_action=False).publish(log_action=False)

    assert tags & set(recorded)
    assert not get_without_sql(client, query)
    shown = get(client, query).json()["data"]["story"]["relatedPublications"]
    assert shown == [{"title": "Tagged Second"}]


def test_a_page_looked_up_before_it_exists_is_purged_when_it_is_published(
    client, recorded, django_capture_on_commit_callbacks
):
    query = '{ page(slug: "brand-new-story") { title } }'
    response = get(client, query)
    assert response.json()["data"]["page"] is None
    assert set(response["xkey"].split()) == {"page"}  # whatever page may appear there
    assert get_without_sql(client, query)

    with django_capture_on_commit_callbacks(execute=True):
        create_story("Brand New Story", date=timezone.now().date())

    assert "page" in recorded
    assert not get_without_sql(client, query)
    assert get(client, query).json()["data"]["page"] == {"title": "Brand New Story"}


def test_restricting_a_collection_purges_the_answers_showing_its_images_and_documents(
    client, recorded, django_capture_on_commit_callbacks
):
    """A collection's view restriction hides every image and document in it and in the
    collections below it: the answers that showed one go, from Redis and at the edge,
    those that only link to a PDF in their rich text or show its URL too (no field is
    resolved on the document there); an answer showing an image outside it stays. Lifting
    the restriction brings the PDF and the body's figure back the same way."""
    root = Collection.get_first_root_node()
    with django_capture_on_commit_callbacks(execute=True):
        private = root.add_child(name="Tagged private")
        below = private.add_child(name="Tagged private, below")
        portraits = {"in-private": private, "below-private": below, "outside": root}
        for name, collection in portraits.items():
            image = create_portrait(name)
            image.collection = collection
            image.save()
            create_story(f"Story {name}", date=timezone.now().date(), portrait=image)
        pdf = get_document_model()(title="Tagged PDF", collection=private)
        pdf.file.save("tagged.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        pdf.save()
        create_publication("Tagged With PDF", pdf=pdf)
        link = f'<p><a linktype="document" id="{pdf.pk}">the paper</a></p>'
        body = [{"type": "paragraph", "value": link}]
        create_story("Story link", date=timezone.now().date(), body=body)
        figure = create_portrait("figure")
        figure.collection = private
        figure.save()
        block = {"image": figure.pk, "caption": "", "alt_text": ""}
        body = [{"type": "image", "value": block}]
        create_story("Story block", date=timezone.now().date(), body=body)
    story = '{ story(slug: "story-NAME") { portrait { url } } }'
    answers = {name: story.replace("NAME", name) for name in portraits}
    answers["pdf"] = '{ publication(slug: "tagged-with-pdf") { pdfUrl } }'
    answers["link"] = '{ story(slug: "story-link") { body { ... on RichTextBlock { value } } } }'
    figures = "body { ... on ImageWithCaptionBlock { image { url } } }"
    answers["block"] = '{ story(slug: "story-block") { ' + figures + " } }"

    headers = {}
    for name, query in answers.items():
        with django_capture_on_commit_callbacks(execute=True):  # as the request commits
            get(client, query)  # makes the image's rendition: a change, so not cached yet
        response = get(client, query)
        headers[name] = set(response["xkey"].split())
        assert get_without_sql(client, query)
    visible = {name: str(get(client, query).json()["data"]) for name, query in answers.items()}
    assert "None" not in "".join(visible.values()) and "href" in visible["link"]
    recorded.clear()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = CollectionViewRestriction.objects.create(
            collection=private, restriction_type="password", password="x"
        )

    expected = {"in-private", "below-private", "pdf", "link", "block"}
    from_redis = {name for name, query in answers.items() if not get_without_sql(client, query)}
    at_the_edge = {name for name, tags in headers.items() if tags & set(recorded)}
    assert (from_redis, at_the_edge) == (expected, expected)
    hidden = {name: str(get(client, query).json()["data"]) for name, query in answers.items()}
    assert [name for name in answers if hidden[name] != visible[name]] == sorted(
        expected, key=list(answers).index
    )
    assert "href" not in hidden["link"]

    # Lifted: the answers that left the PDF or the figure out go, and show them again.
    brought_back = {"pdf", "link", "block"}
    headers = {name: set(get(client, answers[name])["xkey"].split()) for name in brought_back}
    recorded.clear()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    from_redis = {name for name in brought_back if not get_without_sql(client, answers[name])}
    at_the_edge = {name for name, tags in headers.items() if tags & set(recorded)}
    assert (from_redis, at_the_edge) == (brought_back, brought_back)
    assert {name: str(get(client, answers[name]).json()["data"]) for name in brought_back} == {
        name: visible[name] for name in brought_back
    }


def reads_before_writing(model, save):
    """How many times ``save()`` read ``model``'s row before writing it."""
    table = model._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        save()
    statements = [query["sql"] for query in queries]
    write = next(
        position
        for position, sql in enumerate(statements)
        if sql.startswith((f'INSERT INTO "{table}"', f'UPDATE "{table}"'))
    )
    return sum(
        sql.startswith("SELECT") and f'FROM "{table}" WHERE "{table}"."id"' in sql
        for sql in statements[:write]
    )


def test_a_save_reads_the_stored_row_only_where_a_list_needs_what_it_held():
    """Telling what a save changed costs a query before it: paid by a model whose lists
    are scoped or in browse order (a paper), for a row that exists; never by a model
    whose lists need nothing of the kind (a person), nor for a new row."""
    person = Person.objects.create(name="Read Person", slug="read-person")
    person.name = "Renamed Person"
    assert reads_before_writing(Person, person.save) == 0
    paper = Publication(
        title="Read Paper", domain=ResearchDomain.objects.first(), year=2020, live=False
    )
    assert reads_before_writing(Publication, paper.save) == 0
    paper.title = "Read Paper, Renamed"
    assert reads_before_writing(Publication, paper.save) == 1


def test_a_list_tag_is_refused_for_a_scope_or_browse_order_that_no_change_purges():
    # A list may be tagged by a filter only if that filter was declared (scope_lists), so
    # that saving a row purges the lists of its old and new values. An undeclared one
    # fails at once rather than leaving such lists stale forever.
    assert scoped_list_tag(Publication, "domain", 7) == "publication:domain:7"
    with pytest.raises(LookupError, match=r"^Lists of publication are not scoped by 'year'\.$"):
        scoped_list_tag(Publication, "year", 2023)
    with pytest.raises(LookupError, match=r"^Lists of person are not scoped by 'team'\.$"):
        scoped_list_tag(Person, "team", 1)  # a model with no scope at all
    # Likewise a browse order: only a model that declares what its browse lists ignore
    # (browse_lists_ignore) may tag a list with it.
    assert browse_list_tag(Publication) == "publication:browse"
    with pytest.raises(LookupError, match=r"^Lists of person declare no browse order\.$"):
        browse_list_tag(Person)


def test_a_model_may_scope_its_lists_by_several_fields(monkeypatch):
    # Given: papers' lists scoped by domain (research/apps.py), and an app that scopes
    # them by year as well (a list of one year's papers).
    monkeypatch.setattr(cms.publishing, "_LIST_SCOPES", dict(cms.publishing._LIST_SCOPES))
    scope_lists(Publication, "year")

    # Then: both scopes tag lists; the second declaration did not replace the first.
    assert scoped_list_tag(Publication, "year", 2023) == "publication:year:2023"
    assert scoped_list_tag(Publication, "domain", 7) == "publication:domain:7"
    # And: a new paper purges the lists of its domain and of its year.
    domain = ResearchDomain.objects.first()
    paper = Publication.objects.create(title="Scoped twice", domain=domain, year=2019, live=False)
    tags = tags_of_change(paper, whole=True)
    assert f"publication:domain:{domain.pk}" in tags
    assert "publication:year:2019" in tags
