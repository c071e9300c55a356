"""The admin login form refuses attempts after too many failures, per username and per IP,
with a message to the editor; tested through /admin/login/ as an editor uses it."""

import pytest
import time_machine
from django.core.cache import caches

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"  # make_user's
PAUSED = "signing in is paused"
WRONG = "didn&#x27;t match"  # Wagtail's "Your username and password didn't match."
START = 1_800_000_000


@pytest.fixture
def editor(db):
    return make_user("eddie", "Editors")


def log_in(client, username="eddie", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(response):
    return response.status_code == 302


def at(seconds):
    return time_machine.travel(START + seconds, tick=False)


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(client, editor):
    with at(0):
        wrong = [log_in(client, password=f"guess {n}") for n in range(10)]
    with at(60):
        eleventh_wrong = log_in(client, password="guess 11")
        eleventh_right = log_in(client)

    assert all(response.status_code == 200 for response in wrong)
    assert all(WRONG in response.content.decode() for response in wrong)
    assert PAUSED not in wrong[-1].content.decode()
    for refused in (eleventh_wrong, eleventh_right):
        assert refused.status_code == 200
        page = refused.content.decode()
        assert "Too many failed sign-in attempts" in page
        assert "try again in 16 minutes" in page  # 15 min + the rest of the 75 s slot
    assert not client.session.get("_auth_user_id")


def test_the_right_password_works_again_once_the_window_has_passed(client, editor):
    with at(0):
        for n in range(10):
            log_in(client, password=f"guess {n}")
    with at(15 * 60 - 1):
        assert PAUSED in log_in(client).content.decode()
    with at(15 * 60 + 75):  # the slot of the failures (75 s long) has left the window
        assert logged_in(log_in(client))


@pytest.fixture(params=["default", "own redis", "memory"])
def counted_in(request, settings):
    """Where the failures are counted: the cache's Redis, a Redis of their own
    (``RATE_LIMIT_REDIS_URL``: another cache alias), or this process's memory (a cache
    that is not a Redis, as in development)."""
    if request.param == "default":
        yield
        return
    if request.param == "own redis":
        alias = {**settings.CACHES["default"], "KEY_PREFIX": "test-own-ratelimit"}
    else:
        alias = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.CACHES = {**settings.CACHES, "ratelimit": alias}
    settings.CMS_API = {**settings.CMS_API, "RATE_LIMIT_CACHE": "ratelimit"}
    yield
    if request.param == "memory":
        caches["ratelimit"].clear()
    else:
        caches["ratelimit"].delete_pattern("*")  # this alias's keys only, never FLUSHDB


def test_a_successful_login_clears_the_accounts_failures(client, editor, counted_in):
    with at(0):
        for n in range(9):
            log_in(client, password=f"guess {n}")
        assert logged_in(log_in(client))
        client.logout()
        again = [log_in(client, password=f"again {n}") for n in range(10)]
        refused = log_in(client)
    assert all(PAUSED not in response.content.decode() for response in again)
    assert PAUSED in refused.content.decode()


def test_one_address_trying_many_accounts_is_refused_after_twenty_failures(client, editor):
    with at(0):
        for n in range(20):
            log_in(client, username=f"someone-{n}", password="guess")
        refused = log_in(client)  # the editor's right password, from the same address
        elsewhere = log_in(client, REMOTE_ADDR="198.51.100.7")
    assert PAUSED in refused.content.decode()
    assert logged_in(elsewhere)


def test_another_account_is_not_paused_by_ones_failures_from_elsewhere(client, editor):
    make_user("marge", "Marketing")
    with at(0):
        for n in range(10):
            log_in(client, password=f"guess {n}", REMOTE_ADDR="203.0.113.5")
        assert logged_in(log_in(client, username="marge"))


def test_a_limit_of_zero_turns_that_count_off(client, editor, settings):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "FAILURES_PER_IP": 0}
    with at(0):
        for n in range(20):
            log_in(client, username=f"someone-{n}", password="guess")
        assert logged_in(log_in(client))


def test_api_requests_do_not_count_as_failed_logins_of_the_address(client, editor, settings):
    # The limiters share one Redis and count the same address: each under its own name.
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "FAILURES_PER_IP": 3}
    settings.CMS_API = {**settings.CMS_API, "RATE_LIMIT_REQUESTS": 100, "RATE_LIMIT_WINDOW": 60}
    query = {"query": "{ researchDomains { edges { node { slug } } } }"}
    with at(0):
        for _ in range(3):
            assert (
                client.post("/graphql/", query, content_type="application/json").status_code == 200
            )
        assert logged_in(log_in(client))
