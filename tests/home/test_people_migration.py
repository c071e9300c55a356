"""A database that ran main's migrations (people in careers) migrates forward and keeps
every person, link and permission; a fresh one never takes the old research-careers loop.

The migrating runs in a fresh process on a database of its own (a SQLite file, or a
PostgreSQL database beside the test database when ``DATABASE_URL`` is PostgreSQL), so the
seeded test database is never touched. ``migrate_from_main.py`` says what it does.
"""

import uuid

import psycopg
import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from tests.fresh_process import run_in_fresh_process

MIGRATE = "from tests.home.migrate_from_main import run; run()"


@pytest.fixture
def database_url(tmp_path):
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'migrated-from-main.sqlite3'}"
        return
    server = {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }
    name = f"people_migration_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = server["user"] + (f":{server['password']}" if server["password"] else "")
    try:
        yield f"postgres://{credentials}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.timeout(900)
def test_a_database_of_main_migrates_forward_without_losing_anything(database_url):
    result, _ = run_in_fresh_process(MIGRATE, database_url, timeout=800)
    before, after = result["before"], result["after"]

    assert len(before["people"]) > 50 and len(before["author_links"]) > 100
    assert before["story_subjects"] and before["story_subjects"][0][1] is not None
    # Every row keeps its id and its links: people, teams, organizations, the authors
    # linked to people, the story's subject, the revision, the reference-index row.
    for key in ("organizations", "teams", "people", "author_links", "story_subjects"):
        assert after[key] == before[key], key
    assert after["revision"] == before["revision"]
    assert after["reference"] == before["reference"]
    # The content types are careers' rows relabelled, so whatever pointed at them
    # (permissions, group permissions, revisions, references, search entries) still does.
    assert after["content_types"] == before["content_types"]
    assert after["groups"] == before["groups"]
    assert after["careers_content_types_left"] == [
        "careerspage",
        "storyindexpage",
        "storypage",
        "storyrelatedpublication",
    ]
    assert after["marketing_can"] == sorted(
        f"home.{action}_{model}"
        for model in ("organization", "team", "person")
        for action in ("add", "change", "delete")
    )
    # Today's code reads and writes the moved rows.
    assert after["story_person"] == "Shoumik Palkar"
    assert after["story_team"] == "photon-team"
    assert after["revision_person"] == "shoumik-palkar"
    assert after["references_to_subject"] == 1
    assert after["newcomer_id_is_new"]
    assert after["renamed"] == "Shoumik Palkar (renamed)"


def test_a_fresh_database_never_takes_the_old_loop():
    """No migration a fresh database runs makes research wait for careers, and the old
    loop breaker (careers 0002) and the migrations it broke a loop for are replaced."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    plan = graph.forwards_plan(("careers", "0001_squashed_0002_initial"))
    assert ("careers", "0002_initial") not in graph.nodes
    assert ("research", "0001_initial") not in graph.nodes
    research = [key for key in graph.nodes if key[0] == "research"]
    for key in research:
        assert not [dep for dep in graph.node_map[key].parents if dep.key[0] == "careers"]
    assert plan.index(("research", "0001_squashed_0005_publication_doi_arxiv_id")) < plan.index(
        ("careers", "0001_squashed_0002_initial")
    )
