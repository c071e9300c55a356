"""A per-request execution budget: a wall-clock deadline and a PostgreSQL statement timeout.

Analysis refuses queries that look too big (``cms.api.limits``), but an estimate
is not a guarantee: a search over a large table or a database under load can
still make an accepted query slow. gunicorn's timeout would then kill the worker
and the client would see a dropped connection. Instead, two bounds end the
request with a coded ``TIMEOUT`` error (issue 12):

* ``REQUEST_BUDGET_SECONDS``: wall-clock time for the request's operations. A
  graphql-core middleware checks the deadline before every resolver and stops
  the whole execution once it has passed.
* ``STATEMENT_TIMEOUT_MS`` (PostgreSQL): no single SQL statement of an API
  request runs longer; PostgreSQL cancels it (SQLSTATE 57014) and that, too,
  ends the request with ``TIMEOUT``.

The statement timeout never reaches an admin request served later on the same
(persistent) connection, and costs no round trip where it can be helped:

* outside a transaction (how requests run: autocommit), each statement goes out as
  ``SET LOCAL statement_timeout = …; <statement>`` in one message. PostgreSQL runs
  a message's statements as one implicit transaction, so the timeout holds for the
  statement and ends with it; the driver then steps to the statement's result;
* inside one (an atomic block, a test's transaction), where ``SET LOCAL`` would last
  to its end, the timeout is set before the block's first statement and reset right
  after the operation: two statements of their own, on the driver's cursor as
  Django's connection setup does.

Query counts include neither: they are not the API's queries.
"""

import time
from contextlib import nullcontext
from functools import partial

from django.db import DatabaseError, connection
from graphql import ExecutionResult, execute
from psycopg import ClientCursor

from .conf import api_setting
from .errors import APIError, ErrorCode
from .execution import PlainFieldExecutionContext
from .tags import TagMiddleware

#: SQLSTATE of a statement PostgreSQL cancelled (here: past ``statement_timeout``).
QUERY_CANCELED = "57014"


class ExecutionTimeout(APIError):
    code = ErrorCode.TIMEOUT


class _OutOfTime(BaseException):
    """Raised in a resolver to stop the whole execution.

    graphql-core turns every ``Exception`` from a resolver into a field error and
    goes on with the sibling fields and list items, which could take about as long
    again. Like ``KeyboardInterrupt``, a ``BaseException`` passes through it, and
    ``run_within_budget`` catches it.
    """


def statement_cancelled(error):
    """Whether ``error`` (or what caused it) is a statement PostgreSQL cancelled."""
    while error is not None:
        if getattr(error, "sqlstate", None) == QUERY_CANCELED:  # psycopg 3
            return True
        error = error.__cause__
    return False


class DeadlineMiddleware:
    """Stops execution before any resolver runs past ``deadline`` (``time.monotonic``)."""

    def __init__(self, deadline):
        self.deadline = deadline

    def resolve(self, next_, root, info, **arguments):
        return self._within_deadline(next_, root, info, **arguments)

    def plain_reader(self, read, schema, parent_type, field_name, field):
        """``resolve`` for a plain field (``cms.api.execution``)."""
        return partial(self._within_deadline, read)

    def object_visitor(self, schema, parent_type):
        """Checks the deadline once before an ``ObjectPlan`` reads an object's plain fields
        (``cms.api.execution``). A read that fails is read again through ``plain_reader``,
        which turns a cancelled statement into the end of the request."""
        return self._check_deadline

    def _check_deadline(self, root):
        """``root``: the object a plan visits (any, or ``None``); the clock alone decides."""
        if time.monotonic() > self.deadline:
            raise _OutOfTime

    def _within_deadline(self, call, *args, **kwargs):
        self._check_deadline(None)
        try:
            return call(*args, **kwargs)
        except DatabaseError as error:
            if statement_cancelled(error):
                raise _OutOfTime from error
            raise


class StatementTimeout:
    """Runs the API's statements under ``statement_timeout`` (module docstring): sent
    with each statement outside a transaction; inside one, set before the first
    statement and reset after.

    Lazily, so a request that needs no SQL sends none, and a database that cannot
    be reached fails where it does without the timeout (in a resolver).
    """

    def __init__(self, milliseconds):
        self.milliseconds = milliseconds
        self.prefix = f"SET LOCAL statement_timeout = {int(milliseconds)}; "
        self.active = False

    def __call__(self, execute_sql, sql, params, many, context):
        driver_cursor = context["cursor"].cursor
        if not many and isinstance(driver_cursor, ClientCursor) and connection.get_autocommit():
            # One message, one implicit transaction: the timeout ends with the statement.
            # (A client-side-binding cursor sends it as text, where several may follow
            # each other; a server-side-binding one could not.)
            result = execute_sql(self.prefix + sql, params, many, context)
            driver_cursor.nextset()  # from the SET's result to the statement's
            return result
        if not self.active:
            # Wrapped like Django's own statements, so a server that has gone away raises
            # Django's OperationalError, which the view answers with 503 (an outage).
            with connection.wrap_database_errors, connection.connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {int(self.milliseconds)}")
            self.active = True
        return execute_sql(sql, params, many, context)

    def __enter__(self):
        connection.execute_wrappers.append(self)
        return self

    def __exit__(self, *exc_info):
        connection.execute_wrappers.remove(self)
        if not self.active:
            return
        try:
            with connection.connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
        except Exception:
            # Only a transaction that a cancelled statement aborted refuses this; its
            # rollback undoes the SET. Close the connection at the end of the request
            # all the same, so that it can never carry the API's timeout further.
            connection.close_at = 0


def _deadline(request):
    """The request's deadline, started by its first operation (a batch shares it)."""
    deadline = getattr(request, "api_deadline", None)
    if deadline is None:
        budget = api_setting("REQUEST_BUDGET_SECONDS")
        deadline = time.monotonic() + budget if budget else float("inf")
        request.api_deadline = deadline
    return deadline


def _timed_out():
    return ExecutionResult(
        data=None,
        errors=[
            ExecutionTimeout(
                "The query took longer than this API allows; ask for less (smaller pages, "
                "fewer nested lists) or try again later."
            )
        ],
    )


def run_within_budget(schema, document, *, request, variable_values, operation_name):
    """``graphql.execute`` bounded by the request's budget; a ``TIMEOUT`` error past it."""
    milliseconds = api_setting("STATEMENT_TIMEOUT_MS")
    if milliseconds and connection.vendor == "postgresql":
        statement_timeout = StatementTimeout(milliseconds)
    else:
        statement_timeout = nullcontext()
    try:
        with statement_timeout:
            result = execute(
                schema,
                document,
                context_value=request,
                variable_values=variable_values,
                operation_name=operation_name,
                middleware=[DeadlineMiddleware(_deadline(request)), TagMiddleware()],
                execution_context_class=PlainFieldExecutionContext,
            )
    except _OutOfTime:
        return _timed_out()
    if any(statement_cancelled(getattr(e, "original_error", None)) for e in result.errors or ()):
        return _timed_out()  # cancelled where no middleware saw it (a lazily read queryset)
    return result
