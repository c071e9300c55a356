"""Test helpers for the public GraphQL API: post a query, read the answer, make content.

``gql`` is the only way the API tests talk to the API: a real POST to /graphql/
through Django's test client, so URL routing, the view and the schema are all
exercised. The tests send only valid GraphQL, so every answer must be HTTP 200:
a refusal of bad arguments is a coded GraphQL error in the body, never a 4xx/5xx.
"""

import json

import pytest
from django.core.files.images import ImageFile
from django.utils.text import slugify
from wagtail.images import get_image_model

from careers.models import StoryIndexPage, StoryPage, StoryRelatedPublication
from cms.api.cache import bump_content_generation
from home.demo import render_portrait
from home.models import Team
from research.models import Publication, PublicationAuthor, ResearchDomain

ENDPOINT = "/graphql/"


def gql(client, query, variables=None):
    """POST ``query`` to /graphql/ and return the parsed JSON body (asserting HTTP 200)."""
    response = client.post(
        ENDPOINT,
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content[:2000]
    return response.json()


def data_of(body):
    """The ``data`` of a successful answer; fails with the errors otherwise."""
    assert "errors" not in body, body["errors"]
    return body["data"]


def nodes(connection):
    """The nodes of a connection's page, in order."""
    return [edge["node"] for edge in connection["edges"]]


def error_codes(body):
    """The ``extensions.code`` of every error in the answer."""
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def assert_bad_user_input(body, field=None):
    """The answer is a refusal coded BAD_USER_INPUT (optionally naming ``field``)."""
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    error = body["errors"][0]
    assert error["message"]
    if field is not None:
        assert error["extensions"].get("field") == field, error


def measure_queries(client, assert_max_num_queries, limit, query, variables=None):
    """Run ``query`` as the first request after an edit; return ``(data, SQL query count)``.

    Fails above ``limit``. Everything the API caches between requests (whole responses,
    result counts, cursor positions) is dropped first, as after a publish of everything
    it shows, so the request really executes and pays what the first reader after that
    publish pays. The caller runs one
    warm-up request before: the first search in a process runs one-time queries (the
    search backend's FTS availability check, the ContentType cache, Wagtail's site root
    paths) that are not a per-request cost.
    """
    bump_content_generation()
    with assert_max_num_queries(limit) as captured:
        body = gql(client, query, variables)
    return data_of(body), len(captured)


#: More pages than any walk in the tests has (fifty rows one per page, and some).
MAX_PAGES = 200


def walk_pages(fetch, forward=True):
    """Every page of a connection: ``fetch(cursor)`` returns one (``None`` for the first),
    then the walk follows ``endCursor`` (``startCursor`` backward) while there is more.

    Bounded: a cursor that does not advance fails the test instead of looping forever.
    """
    more, cursor = ("hasNextPage", "endCursor") if forward else ("hasPreviousPage", "startCursor")
    pages = []
    position = None
    for _ in range(MAX_PAGES):
        page = fetch(position)
        pages.append(page)
        if not page["pageInfo"][more]:
            return pages
        position = page["pageInfo"][cursor]
    pytest.fail(f"still more pages after {MAX_PAGES}: the cursor does not advance")


# --- Content the tests add on top of the seed ----------------------------------


def create_publication(
    title,
    *,
    domain="distributed-systems",
    year=2020,
    authors=("Ada Example",),
    venue="",
    abstract="",
    publish=True,
    **fields,
):
    """A publication with its authors, published the way the demo loader does it.

    ``authors`` holds printed names, or ``(name, person)`` pairs to link a profile.
    ``publish=False`` leaves it as a never-published draft (``live=False``).
    """
    publication = Publication(
        title=title,
        domain=ResearchDomain.objects.get(slug=domain),
        year=year,
        venue=venue,
        abstract=abstract,
        live=publish,
        **fields,
    )
    publication.authors = [
        PublicationAuthor(name=name, person=person, sort_order=position)
        for position, (name, person) in enumerate(
            (author, None) if isinstance(author, str) else author for author in authors
        )
    ]
    publication.save()
    if publish:
        publication.save_revision(log_action=False).publish(log_action=False)
    return publication


def create_story(
    title, *, date, team=None, person=None, person_name="", portrait=None, related=(), body=()
):
    """A published story page under the seed's story index (a typed name if no person).

    ``body`` is the StreamField's raw form: ``[{"type": "heading", "value": "…"}, …]``."""
    story = StoryPage(
        title=title,
        slug=slugify(title),
        person=person,
        person_name=person_name or ("" if person else "Alex Example"),
        role="Engineer",
        team=Team.objects.get(slug=team) if team else None,
        portrait=portrait,
        summary=f"Summary of {title}.",
        body=list(body),
        date=date,
        related_publications=[
            StoryRelatedPublication(publication=publication, sort_order=position)
            for position, publication in enumerate(related)
        ],
    )
    StoryIndexPage.objects.order_by("path").first().add_child(instance=story)  # the seed index
    story.save_revision(log_action=False).publish(log_action=False)
    return story


def create_portrait(name, size=(800, 1000)):
    """A generated portrait image, as the demo loader makes them."""
    image = get_image_model()(title=f"Portrait of {name}", description=f"Photo of {name}")
    image.file = ImageFile(render_portrait(name, size), name=f"{slugify(name)}.jpg")
    image.save()
    return image
