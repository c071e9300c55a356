"""The public `organizations`, `teams`, `stories` and `story` contract (issue 4).

Given the seed (Databricks and MosaicML, six teams, one story about Shoumik
Palkar of the Photon team with Photon and Weld as related publications), each
test asks the API over HTTP for what the careers pages show.
"""

import datetime
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from careers.models import StoryPage
from home.models import Organization, Person, Team
from research.models import Publication
from tests.graphql import (
    assert_bad_user_input,
    create_portrait,
    create_publication,
    create_story,
    data_of,
    gql,
    measure_queries,
    nodes,
    walk_pages,
)

pytestmark = pytest.mark.django_db

SITE = json.loads((Path(settings.BASE_DIR) / "home" / "demo_content" / "site.json").read_text())

SEED_STORY_TITLE = "Life as a Software Engineer After a Computer Systems PhD at Stanford"
SEED_STORY_SLUG = "life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford"
PHOTON = "Photon: A Fast Query Engine for Lakehouse Systems"
WELD = "Weld: A Common Runtime for High Performance Data Analytics"

ORGANIZATIONS = """
query Organizations($first: Int, $after: String) {
  organizations(first: $first, after: $after) {
    edges { node { slug name heading teams { slug name description } } }
  }
}
"""

TEAMS = """
query Teams($organization: String, $first: Int, $after: String, $last: Int, $before: String) {
  teams(organization: $organization, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { slug name organization { slug name } } }
  }
}
"""

TEAMS_WITH_MEMBERS = """
query Teams($first: Int) {
  teams(first: $first) { edges { node { slug organization { slug } members { name } } } }
}
"""


def organizations(client, **variables):
    return nodes(data_of(gql(client, ORGANIZATIONS, variables))["organizations"])


def teams(client, **variables):
    return data_of(gql(client, TEAMS, variables))["teams"]


STORY_FIELDS = """
  title slug url personName role
  person { name slug }
  team { name }
  portrait { url width height alt srcset }
  summary
  body {
    blockType field
    ... on RichTextBlock { value }
    ... on CharBlock { value }
    ... on ImageWithCaptionBlock { caption altText image { url width height title } }
    ... on QuoteBlock { quote attribution }
  }
  relatedPublications { title authors { name person { slug } } domain { slug name } }
  date
"""

STORIES = f"""
query Stories(
  $organization: String, $team: String,
  $first: Int, $after: String, $last: Int, $before: String
) {{
  stories(
    organization: $organization, team: $team,
    first: $first, after: $after, last: $last, before: $before
  ) {{
    edges {{ cursor node {{ {STORY_FIELDS} }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    totalCount startPosition endPosition
  }}
}}
"""

STORY_TITLES = """
query StoryTitles(
  $organization: String, $team: String,
  $first: Int, $after: String, $last: Int, $before: String
) {
  stories(
    organization: $organization, team: $team,
    first: $first, after: $after, last: $last, before: $before
  ) {
    edges { cursor node { title date } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount startPosition endPosition
  }
}
"""

STORY = f"""
query Story($slug: String!) {{
  story(slug: $slug) {{ {STORY_FIELDS} }}
}}
"""


def stories(client, query=STORY_TITLES, **variables):
    return data_of(gql(client, query, variables))["stories"]


def story_titles(connection):
    return [edge["node"]["title"] for edge in connection["edges"]]


def seed_story_date():
    return StoryPage.objects.get(slug=SEED_STORY_SLUG).date


# --- Organizations and teams -----------------------------------------------------


def test_organizations_list_their_teams_in_editor_order(client):
    listed = organizations(client)

    assert listed == [
        {
            "slug": organization["slug"],
            "name": organization["name"],
            "heading": organization["heading"],
            "teams": [
                {
                    "slug": Team.objects.get(name=team["name"]).slug,
                    "name": team["name"],
                    "description": team["description"],
                }
                for team in SITE["teams"]
                if team["organization"] == organization["slug"]
            ],
        }
        for organization in SITE["organizations"]
    ]
    assert [org["name"] for org in listed] == ["Databricks", "MosaicML"]


def test_reordering_teams_in_the_admin_reorders_them(client):
    # Given: an editor drags "Engineering" above "Research Science".
    engineering = Team.objects.get(slug="engineering")
    engineering.sort_order = -1
    engineering.save()

    listed = organizations(client)

    assert [team["name"] for team in listed[1]["teams"]] == [
        "Engineering",
        "Research Science",
    ]


def test_teams_of_one_organization(client):
    assert nodes(teams(client, organization="mosaicml")) == [
        {
            "slug": "research-science",
            "name": "Research Science",
            "organization": {"slug": "mosaicml", "name": "MosaicML"},
        },
        {
            "slug": "engineering",
            "name": "Engineering",
            "organization": {"slug": "mosaicml", "name": "MosaicML"},
        },
    ]


def test_all_teams_in_editor_order(client):
    listed = nodes(teams(client))

    assert [team["name"] for team in listed] == [team["name"] for team in SITE["teams"]]


def test_an_unknown_organization_is_refused_for_teams(client):
    assert_bad_user_input(gql(client, TEAMS, {"organization": "no-such-org"}), "organization")


def more_organizations(count, teams_each=2):
    """Organizations placed after the seed's, each with its teams and one member each."""
    made = []
    for n in range(count):
        organization = Organization.objects.create(
            slug=f"org-{n:02}",
            name=f"Org {n:02}",
            heading=f"Explore Org {n:02}",
            sort_order=10 + n,
        )
        for t in range(teams_each):
            team = Team.objects.create(
                organization=organization,
                slug=f"org-{n:02}-team-{t}",
                name=f"Team {t} of Org {n:02}",
                description="Builds things.",
                sort_order=t,
            )
            Person.objects.create(slug=f"person-{n:02}-{t}", name=f"Person {n}-{t}", team=team)
        made.append(organization)
    return made


def test_organizations_with_teams_cost_two_queries_at_any_size(
    client, django_assert_max_num_queries
):
    more_organizations(10)
    organizations(client, first=2)  # warm-up (see ``measure_queries``)

    small, small_cost = measure_queries(
        client, django_assert_max_num_queries, 2, ORGANIZATIONS, {"first": 2}
    )
    large, large_cost = measure_queries(
        client, django_assert_max_num_queries, 2, ORGANIZATIONS, {"first": 12}
    )

    assert small_cost == large_cost == 2
    small, large = nodes(small["organizations"]), nodes(large["organizations"])
    assert sum(len(org["teams"]) for org in small) == 6
    assert sum(len(org["teams"]) for org in large) == 6 + 10 * 2


def test_teams_with_members_cost_two_queries_at_any_size(client, django_assert_max_num_queries):
    more_organizations(10)
    data_of(gql(client, TEAMS_WITH_MEMBERS, {"first": 2}))  # warm-up

    small, small_cost = measure_queries(
        client, django_assert_max_num_queries, 2, TEAMS_WITH_MEMBERS, {"first": 2}
    )
    large, large_cost = measure_queries(
        client, django_assert_max_num_queries, 2, TEAMS_WITH_MEMBERS, {"first": 26}
    )

    assert small_cost == large_cost == 2  # teams with their organization, then members
    assert len(nodes(large["teams"])) == 26
    assert sum(len(team["members"]) for team in nodes(large["teams"])) >= 20


def test_organizations_and_teams_page_forward_and_back(client):
    more_organizations(3)
    every_org = [org["slug"] for org in organizations(client, first=100)]
    assert every_org == ["databricks", "mosaicml", "org-00", "org-01", "org-02"]
    forward = walk_pages(lambda after: _organizations_page(client, after))
    assert [org["slug"] for page in forward for org in nodes(page)] == every_org

    every_team = [team["slug"] for team in nodes(teams(client, first=100))]
    assert len(every_team) == 6 + 3 * 2
    backward = walk_pages(lambda before: teams(client, last=5, before=before), forward=False)
    assert [t["slug"] for page in reversed(backward) for t in nodes(page)] == every_team
    assert backward[0]["totalCount"] == 12


def _organizations_page(client, after):
    query = """
    query($after: String) {
      organizations(first: 2, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { slug } }
      }
    }
    """
    return data_of(gql(client, query, {"after": after}))["organizations"]


@pytest.mark.parametrize(
    "variables, field",
    [
        ({"first": 0}, "first"),
        ({"last": 101}, "last"),
        ({"first": 1, "last": 1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
    ],
)
def test_bad_team_paging_is_refused(client, variables, field):
    assert_bad_user_input(gql(client, TEAMS, variables), field=field)


def test_a_teams_cursor_is_refused_for_another_organization(client):
    cursor = teams(client, organization="databricks", first=1)["pageInfo"]["endCursor"]
    body = gql(client, TEAMS, {"organization": "mosaicml", "after": cursor})
    assert_bad_user_input(body, field="after")
    assert teams(client, organization="databricks", first=1, after=cursor)["edges"]


# --- The seed story -------------------------------------------------------------------


def expected_seed_story():
    return {
        "title": SEED_STORY_TITLE,
        "slug": SEED_STORY_SLUG,
        "url": f"/careers/stories/{SEED_STORY_SLUG}/",
        "personName": "Shoumik Palkar",
        "role": "Software Engineer",
        "person": {"name": "Shoumik Palkar", "slug": "shoumik-palkar"},
        "team": {"name": "Photon Team"},
        "summary": SITE["stories"][0]["summary"],
        "body": [
            {"blockType": "RichTextBlock", "field": "paragraph"},
            {"blockType": "ImageWithCaptionBlock", "field": "image"},
        ],
        "date": seed_story_date().isoformat(),
    }


def check_portrait(portrait, *, widths, default_width, alt):
    """A portrait: absolute rendition URLs, the default one's size, and a matching srcset."""
    assert portrait["alt"] == alt
    assert portrait["url"].startswith("http://testserver/")
    assert portrait["url"].endswith(f".width-{default_width}.jpg")
    assert portrait["width"] == default_width
    assert portrait["height"] == default_width * 5 // 4  # the 4:5 portrait keeps its shape
    entries = [entry.rsplit(" ", 1) for entry in portrait["srcset"].split(", ")]
    assert [descriptor for _url, descriptor in entries] == [f"{w}w" for w in widths]
    for (url, _descriptor), width in zip(entries, widths, strict=True):
        assert re.fullmatch(rf"http://testserver/\S+\.width-{width}\.jpg", url), url
    assert portrait["url"] in [url for url, _descriptor in entries]


def test_the_seed_story_has_every_contract_field(client):
    connection = stories(client, STORIES)

    assert connection["totalCount"] == 1
    [node] = [edge["node"] for edge in connection["edges"]]
    portrait = node.pop("portrait")
    related = node.pop("relatedPublications")
    body = node.pop("body")
    expected = expected_seed_story()
    assert [{"blockType": b["blockType"], "field": b["field"]} for b in body] == expected.pop(
        "body"
    )
    assert node == expected
    paragraph, figure = body
    assert paragraph["value"].startswith("<p>Hear Shoumik Palkar")
    assert figure["caption"] == "Shoumik Palkar" and figure["image"]["width"] == 800
    # The 800×1000 portrait gets 320 and 640 renditions (nothing larger than the original).
    check_portrait(
        portrait,
        widths=[320, 640],
        default_width=640,
        alt="Portrait card with the initials of Shoumik Palkar",
    )
    assert [publication["title"] for publication in related] == [PHOTON, WELD]
    assert related[0]["domain"] == {"slug": "distributed-systems", "name": "Distributed Systems"}
    assert {"name": "Shoumik Palkar", "person": {"slug": "shoumik-palkar"}} in related[0][
        "authors"
    ]


def test_story_by_slug(client):
    node = data_of(gql(client, STORY, {"slug": SEED_STORY_SLUG}))["story"]
    listed = stories(client, STORIES)["edges"][0]["node"]

    assert node == listed


def test_an_unknown_story_slug_is_null(client):
    assert data_of(gql(client, STORY, {"slug": "no-such-story"})) == {"story": None}


def test_a_story_without_a_profile_shows_the_typed_name(client):
    create_story("Riley's Story", date=datetime.date(2020, 1, 1), person_name="Riley Example")

    node = data_of(gql(client, STORY, {"slug": "rileys-story"}))["story"]

    assert node["personName"] == "Riley Example"
    assert node["person"] is None
    assert node["team"] is None
    assert node["portrait"] is None
    assert node["relatedPublications"] == []


def test_a_small_portrait_is_never_enlarged(client):
    create_story(
        "Small Portrait Story",
        date=datetime.date(2020, 1, 1),
        person_name="Sam Small",
        portrait=create_portrait("Sam Small", size=(400, 500)),
    )

    node = data_of(gql(client, STORY, {"slug": "small-portrait-story"}))["story"]

    check_portrait(node["portrait"], widths=[320], default_width=320, alt="Photo of Sam Small")


# --- Related publications follow the publication's status -------------------------


def unpublish(publication):
    publication.unpublish(log_action=False)


def expire(publication):
    publication.expire_at = timezone.now() - timedelta(minutes=1)
    publication.save(update_fields=["expire_at"])


@pytest.mark.parametrize("take_down", [unpublish, expire])
def test_a_related_publication_that_is_not_live_is_not_shown(client, take_down):
    # Given: Photon is taken down (unpublished, or past its expiry time).
    take_down(Publication.objects.get(title=PHOTON))

    # Then: the story lists only Weld, in the list and by slug.
    listed = stories(client, STORIES)["edges"][0]["node"]
    single = data_of(gql(client, STORY, {"slug": SEED_STORY_SLUG}))["story"]
    for node in (listed, single):
        assert [publication["title"] for publication in node["relatedPublications"]] == [WELD]


def test_a_related_publication_shows_its_published_version_not_a_draft(client):
    photon = Publication.objects.get(title=PHOTON)
    photon.title = "Photon Draft Title"
    photon.save_revision(log_action=False)

    listed = stories(client, STORIES)["edges"][0]["node"]
    single = data_of(gql(client, STORY, {"slug": SEED_STORY_SLUG}))["story"]

    for node in (listed, single):
        assert [publication["title"] for publication in node["relatedPublications"]] == [
            PHOTON,
            WELD,
        ]


# --- Listing, filtering and paging -----------------------------------------------------


@pytest.fixture
def more_stories():
    """Four more stories: two on the same day, one in another organization."""
    weld = Publication.objects.get(title=WELD)
    return [
        create_story("Story A 2021", date=datetime.date(2021, 5, 1), team="caching-team"),
        create_story(
            "Story B 2022", date=datetime.date(2022, 3, 1), team="engineering", related=[weld]
        ),
        create_story("Story C 2022", date=datetime.date(2022, 3, 1), team="photon-team"),
        create_story("Story D 2019", date=datetime.date(2019, 7, 1), person_name="Dee"),
    ]


def test_stories_are_newest_first_with_same_day_stories_newest_created_first(client, more_stories):
    connection = stories(client)

    # Same date: the later-created story (higher id) comes first.
    assert story_titles(connection) == [
        SEED_STORY_TITLE,
        "Story C 2022",
        "Story B 2022",
        "Story A 2021",
        "Story D 2019",
    ]
    assert connection["totalCount"] == 5


@pytest.mark.parametrize("size", [1, 2, 3])
def test_stories_page_forward_and_back_exactly_once(client, more_stories, size):
    everything = story_titles(stories(client))

    forward = []
    for page in walk_pages(lambda after: stories(client, first=size, after=after)):
        forward.extend(story_titles(page))
        assert page["endPosition"] == len(forward)

    backward = []
    for page in walk_pages(lambda before: stories(client, last=size, before=before), False):
        backward[:0] = story_titles(page)
        assert page["startPosition"] == len(everything) - len(backward) + 1

    assert forward == everything
    assert backward == everything


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"organization": "databricks"}, [SEED_STORY_TITLE, "Story C 2022", "Story A 2021"]),
        ({"organization": "mosaicml"}, ["Story B 2022"]),
        ({"team": "photon-team"}, [SEED_STORY_TITLE, "Story C 2022"]),
        ({"team": "engineering"}, ["Story B 2022"]),
        ({"team": "lakestore-team"}, []),
        ({"organization": "databricks", "team": "caching-team"}, ["Story A 2021"]),
        ({"organization": "mosaicml", "team": "caching-team"}, []),
    ],
)
def test_stories_filter_by_organization_and_team(client, more_stories, filters, expected):
    connection = stories(client, **filters)

    assert story_titles(connection) == expected
    assert connection["totalCount"] == len(expected)


def test_an_organization_with_no_stories_is_an_empty_list_not_an_error(client):
    connection = stories(client, organization="mosaicml")

    assert connection["edges"] == []
    assert connection["totalCount"] == 0
    assert (connection["startPosition"], connection["endPosition"]) == (0, 0)


@pytest.mark.parametrize(
    "variables, field",
    [
        ({"organization": "no-such-org"}, "organization"),
        ({"team": "no-such-team"}, "team"),
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"last": 0}, "last"),
        ({"first": 1, "last": 1}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"before": "not-a-cursor"}, "before"),
    ],
)
def test_invalid_story_arguments_are_refused(client, variables, field):
    body = gql(client, STORY_TITLES, variables)

    assert_bad_user_input(body, field=field)
    assert body["data"] is None


@pytest.mark.parametrize("argument", ["after", "before"])
def test_a_story_cursor_is_refused_under_other_filters(client, more_stories, argument):
    cursor = stories(client, organization="databricks", first=1)["edges"][0]["cursor"]

    body = gql(client, STORY_TITLES, {"team": "photon-team", argument: cursor})

    assert_bad_user_input(body, field=argument)


# --- Constant SQL ------------------------------------------------------------------

#: The page of stories, the public portraits, their renditions, related publications,
#: their authors, body images, which of them are public, their renditions, the total count.
MAX_STORY_QUERIES = 9


def test_a_stories_page_costs_the_same_few_queries_at_any_size(
    client, django_assert_max_num_queries
):
    # Given: four more stories, each with its own person, team, portrait, related
    # publications (with linked authors) and a body with images of its own, so every
    # relation and block type has rows on every story.
    publications = list(Publication.objects.order_by("id")[:6])
    for number in range(4):
        person = Person.objects.create(name=f"Person {number}", slug=f"person-{number}")
        create_story(
            f"Story {number}",
            date=datetime.date(2020, 1, 1 + number),
            team="photon-team",
            person=person,
            portrait=create_portrait(f"Person {number}"),
            related=[
                create_publication(f"Paper {number}", authors=[("P.", person)]),
                *publications[number : number + 2],
            ],
            body=[
                {"type": "heading", "value": f"Chapter {number}"},
                {"type": "paragraph", "value": f"<p>Paragraph {number}.</p>"},
                *(
                    {
                        "type": "image",
                        "value": {
                            "image": create_portrait(f"Figure {number}.{figure}").pk,
                            "caption": f"Figure {figure}",
                            "alt_text": "",
                        },
                    }
                    for figure in range(2)
                ),
                {"type": "quote", "value": {"quote": "Ship it.", "attribution": person.name}},
            ],
        )
    # Warm-up (see ``measure_queries``); it also generates and stores the renditions.
    data_of(gql(client, STORIES, {"first": 12}))

    _data, one_story = measure_queries(
        client, django_assert_max_num_queries, MAX_STORY_QUERIES, STORIES, {"first": 1}
    )
    data, all_stories = measure_queries(
        client, django_assert_max_num_queries, MAX_STORY_QUERIES, STORIES, {"first": 12}
    )

    page = data["stories"]
    assert len(page["edges"]) == 5
    assert all(edge["node"]["portrait"] for edge in page["edges"])
    assert all(len(edge["node"]["relatedPublications"]) >= 2 for edge in page["edges"])
    figures = [
        block["image"]
        for edge in page["edges"]
        if edge["node"]["title"].startswith("Story ")
        for block in edge["node"]["body"]
        if block["blockType"] == "ImageWithCaptionBlock"
    ]
    assert len(figures) == 8 and all(figure["url"] and figure["width"] for figure in figures)
    assert one_story == all_stories
