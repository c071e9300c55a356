"""Coercion of a request's variables, before execution (issue 12).

graphql-core coerces variables inside ``execute`` and reports a failure with the
scalar's own exception as ``original_error``, which the view's error masking took
for a server bug: ``{"f": "abc"}`` for ``$f: Int`` answered
``INTERNAL_SERVER_ERROR``. The GraphQL spec makes a coercion failure a request
error, so it is checked here first and answered as ``BAD_USER_INPUT``.
"""

from graphql.execution.values import get_variable_values

from .errors import ErrorCode

MAX_ERRORS = 20


def variable_errors(schema, operation, variables):
    """The formatted errors of variables that do not fit ``operation`` (empty if all fit).

    Variables the operation does not declare are ignored, as the spec has it.
    """
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), variables or {}, max_errors=MAX_ERRORS
    )
    if not isinstance(coerced, list):
        return []
    return [
        {**error.formatted, "extensions": {"code": ErrorCode.BAD_USER_INPUT.value}}
        for error in coerced
    ]
