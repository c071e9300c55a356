"""Shared fixtures: the demo content is loaded once per test database.

Every test then runs inside a transaction that is rolled back, so each one
sees exactly the seed content, on SQLite or PostgreSQL (``DATABASE_URL``).

The browser tests (``tests/frontend``) are different: the live server answers
from another thread, which sees only committed data, so they run as
transactional tests with ``serialized_rollback``. Django empties the database
after each of them and restores the serialized copy before the next; that copy
is taken again here once the demo content is in, so it holds the demo content.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from cms.ratelimit import forget_memory_counts
from home.roles import EDITORS, MARKETING


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_initial_data", stdout=io.StringIO())
        for connection in connections.all():
            # Set by Django only when a collected test asks for serialized_rollback.
            if hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


def clear_cache():
    """Empty this test process's keys (``delete_pattern`` honours the key prefix)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def empty_cache():
    """The database rolls back after each test; the real Redis does not, so empty it
    (and the rate limits' per-process fallback counts)."""
    clear_cache()
    forget_memory_counts()
    yield
    clear_cache()
    forget_memory_counts()


def make_user(username, group_name=None, superuser=False):
    user = get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password="correct horse battery staple",
        is_superuser=superuser,
        is_staff=superuser,
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return make_user("eddie", EDITORS)


@pytest.fixture
def marketer(db):
    return make_user("marge", MARKETING)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def marketing_client(client, marketer):
    client.force_login(marketer)
    return client
