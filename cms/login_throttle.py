"""The admin login refuses further attempts after too many failures, per username and per IP.

Without it, anyone could try passwords at the speed of the server (30 wrong
passwords took 7.6 s, then the right one worked). Failed attempts are counted
in the same sliding window as the API's rate limit (``cms.ratelimit``): once
an account or an address has ``FAILURES_PER_USER`` / ``FAILURES_PER_IP``
failures within ``WINDOW`` seconds, every attempt for it is refused, even with
the right password, until the oldest failures leave the window, and the
editor is told so on the login page. Counting per IP as well stops one
address from trying one password against many accounts; a successful login
clears the account's count. Settings: ``LOGIN_THROTTLE`` (see ``DEFAULTS``; a
limit of 0 turns it off).
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms.auth import LoginForm

from cms.api.conf import api_setting
from cms.api.ratelimit import client_identity
from cms.metrics import RATE_LIMIT_REFUSALS
from cms.ratelimit import SlidingWindowLimiter

DEFAULTS = {
    #: Failed logins for one username within the window before its logins are refused.
    "FAILURES_PER_USER": 10,
    #: Failed logins from one IP address (any usernames) within the window.
    "FAILURES_PER_IP": 20,
    #: The window, in seconds.
    "WINDOW": 15 * 60,
}


def throttle_setting(name):
    return getattr(settings, "LOGIN_THROTTLE", {}).get(name, DEFAULTS[name])


def _by_username():
    return SlidingWindowLimiter(
        "login-user",
        limit=throttle_setting("FAILURES_PER_USER"),
        window=throttle_setting("WINDOW"),
        cache_alias=api_setting("RATE_LIMIT_CACHE"),
    )


def _by_address():
    return SlidingWindowLimiter(
        "login-ip",
        limit=throttle_setting("FAILURES_PER_IP"),
        window=throttle_setting("WINDOW"),
        cache_alias=api_setting("RATE_LIMIT_CACHE"),
    )


def _counts(username, address):
    """``(limiter, identity)`` for the username and the address; a limit of 0 is off."""
    pairs = [(_by_username(), username), (_by_address(), address)]
    return [(limiter, identity) for limiter, identity in pairs if limiter.limit]


class ThrottledLoginForm(LoginForm):
    """Wagtail's login form (``WAGTAILADMIN_USER_LOGIN_FORM``), checked against the
    failure counts before the password is even looked at."""

    error_messages = {
        **LoginForm.error_messages,
        "too_many_failures": gettext_lazy(
            "Too many failed sign-in attempts for this account or from your network. "
            "For your security, signing in is paused: try again in %(wait)s. "
            "If you have forgotten your password, ask an administrator to reset it."
        ),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip().lower()
        if not username or not self.cleaned_data.get("password"):
            return super().clean()
        address = client_identity(self.request) if self.request is not None else "unknown"
        counts = _counts(username, address)
        waits = [wait for limiter, identity in counts if (wait := limiter.check(identity))]
        if waits:
            RATE_LIMIT_REFUSALS.labels("login").inc()
            raise ValidationError(
                self.error_messages["too_many_failures"],
                code="too_many_failures",
                params={"wait": _minutes(max(waits))},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            for limiter, identity in counts:
                limiter.add(identity)
            raise
        # A success clears the account's failures (not the address's: others share it).
        _by_username().reset(username)
        return cleaned


def _minutes(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
