"""The demo loader: what it loads, the page tree it builds, and that it is idempotent."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from wagtail.models import Page, Revision, Site

from careers.models import CareersPage, StoryIndexPage, StoryPage
from home.models import HomePage, Organization, Person, Team
from research.models import Publication, ResearchDomain, ResearchPage

pytestmark = pytest.mark.django_db


def load():
    out = io.StringIO()
    call_command("load_initial_data", stdout=out)
    return out.getvalue()


def content_counts():
    return {
        "publications": Publication.objects.count(),
        "authors": sum(p.authors.count() for p in Publication.objects.all()),
        "domains": ResearchDomain.objects.count(),
        "organizations": Organization.objects.count(),
        "teams": Team.objects.count(),
        "people": Person.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
    }


def test_loads_the_seed_content():
    assert Publication.objects.count() == 46
    assert Publication.objects.live().count() == 46
    per_domain = dict(
        ResearchDomain.objects.annotate(n=Count("publications")).values_list("name", "n")
    )
    assert per_domain == {"Distributed Systems": 26, "AI and ML": 15, "Applications": 5}
    assert list(Organization.objects.values_list("name", flat=True)) == ["Databricks", "MosaicML"]
    assert Team.objects.count() == 6
    assert list(
        Team.objects.filter(organization__slug="mosaicml").values_list("name", flat=True)
    ) == [
        "Research Science",
        "Engineering",
    ]
    assert StoryPage.objects.live().count() == 1


def test_publications_keep_authors_in_paper_order():
    photon = Publication.objects.get(slug="photon-a-fast-query-engine-for-lakehouse-systems")
    names = [author.name for author in photon.authors.all()]
    assert names[:2] == ["Alexander Behm", "Shoumik Palkar"]
    assert len(names) == 23
    assert photon.authors.get(name="Shoumik Palkar").person.slug == "shoumik-palkar"
    assert photon.domain.slug == "distributed-systems"
    assert photon.revisions.count() == 1
    assert photon.live_revision is not None


def test_builds_the_page_tree():
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "Research at Databricks and MosaicML"
    research = ResearchPage.objects.child_of(home).get()
    careers = CareersPage.objects.child_of(home).get()
    stories = StoryIndexPage.objects.child_of(careers).get()
    story = StoryPage.objects.child_of(stories).get()
    assert (research.slug, research.title, research.page_size) == (
        "publications",
        "Publications",
        12,
    )
    assert home.cta_page.specific == careers
    assert story.person.name == "Shoumik Palkar"
    assert story.portrait is not None and story.portrait.width == 800
    assert [r.publication.title for r in story.related_publications.all()] == [
        "Photon: A Fast Query Engine for Lakehouse Systems",
        "Weld: A Common Runtime for High Performance Data Analytics",
    ]
    for page in (home, research, careers, stories, story):
        assert page.live and not page.has_unpublished_changes


def test_running_twice_changes_nothing():
    before = content_counts()
    output = load()
    assert content_counts() == before
    assert "Publications: 0 created, 46 already present" in output
    assert "Nothing to do" in output


def test_first_run_reports_what_it_created():
    StoryPage.objects.all().delete()
    Publication.objects.all().delete()
    output = load()
    assert "Publications: 46 created, 0 already present" in output
    assert "Employee story: 1 created, 0 already present" in output
    assert Publication.objects.count() == 46
    assert StoryPage.objects.count() == 1
