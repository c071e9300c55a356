"""An unreachable database: HTTP 503 ``SERVICE_UNAVAILABLE`` with ``Retry-After``.

Answers already in the response cache are still served: the view looks them up
before anything touches the database (no session, user or site lookup happens
on that path). Only requests that must run fail, and they fail as a service a
client or CDN should retry shortly, not as a 200 with an internal error.

Recovery needs no restart: a connection that failed is closed at the end of its
request (Django's ``close_if_unusable_or_obsolete``), and the next request opens
a new one.

Only *unreachable* is meant here. An error the database answered with, such as
a cancelled statement (``statement_timeout``, SQLSTATE 57014), is not an outage.
"""

import logging
import time

from django.db import InterfaceError, OperationalError

logger = logging.getLogger("cms.api")

#: PostgreSQL SQLSTATEs (prefixes) that mean the server is gone or refuses work:
#: connection exceptions (class 08), admin/crash shutdown, starting up, too many clients.
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
#: SQLite: the file cannot be opened or read, or stays locked past the timeout.
UNREACHABLE_SQLITE_ERRORS = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")
WARNING_INTERVAL_SECONDS = 60
_last_warning = float("-inf")


def database_unreachable(error):
    """Whether ``error`` (a Django database error) means the database cannot be reached."""
    if isinstance(error, InterfaceError):  # e.g. "connection already closed"
        return True
    if not isinstance(error, OperationalError):
        return False
    driver_error = error.__cause__
    sqlstate = getattr(driver_error, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNREACHABLE_SQLSTATES)
    sqlite_error = getattr(driver_error, "sqlite_errorname", None)
    if sqlite_error:
        return sqlite_error.startswith(UNREACHABLE_SQLITE_ERRORS)
    # psycopg gives no SQLSTATE when no server answered: refused, reset, timed out.
    return True


def unreachable_database_error(graphql_errors):
    """The first resolver error caused by an unreachable database, else ``None``."""
    for error in graphql_errors or ():
        original = getattr(error, "original_error", None)
        if original is not None and database_unreachable(original):
            return original
    return None


def log_outage(error):
    """A warning at most once a minute per process: an outage must not flood the log."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL_SECONDS:
        _last_warning = now
        logger.warning(
            "The database is unreachable (%s: %s): answering uncached requests with 503",
            type(error).__name__,
            str(error).strip(),
        )
