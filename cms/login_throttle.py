"""The admin login refuses further attempts after too many failures, per username and per IP.

Without it, anyone could try passwords at the speed of the server (30 wrong
passwords took 7.6 s, then the right one worked). Failed attempts are counted
in the same sliding window as the API's rate limit (``cms.ratelimit``): once
an account or an address has ``FAILURES_PER_USER`` / ``FAILURES_PER_IP``
failures within ``WINDOW`` seconds, every attempt for it is refused, even with
the right password, until the oldest failures leave the window, and the
editor is told so on the login page. Counting per IP as well stops one
address from trying one password against many accounts; a successful login
clears the account's count. Settings: ``LOGIN_THROTTLE`` (see ``DEFAULTS``).
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms.auth import LoginForm

from cms.api.ratelimit import client_identity
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


def _limiters():
    window = throttle_setting("WINDOW")
    return (
        SlidingWindowLimiter(
            "login-user", limit=throttle_setting("FAILURES_PER_USER"), window=window
        ),
        SlidingWindowLimiter("login-ip", limit=throttle_setting("FAILURES_PER_IP"), window=window),
    )


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
        by_user, by_ip = _limiters()
        address = client_identity(self.request) if self.request is not None else "unknown"
        waits = [wait for wait in (by_user.check(username), by_ip.check(address)) if wait]
        if waits:
            raise ValidationError(
                self.error_messages["too_many_failures"],
                code="too_many_failures",
                params={"wait": _minutes(max(waits))},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            by_user.add(username)
            by_ip.add(address)
            raise
        by_user.reset(username)
        return cleaned


def _minutes(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
