"""Coded GraphQL errors: every refusal carries ``extensions.code``.

Clients branch on the code, people read the message. Raise these from
resolvers; anything else that escapes a resolver is a bug.
"""

from enum import StrEnum

from graphql import GraphQLError


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    FORBIDDEN = "FORBIDDEN"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    RATE_LIMITED = "RATE_LIMITED"
    TIMEOUT = "TIMEOUT"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    #: The database is unreachable (HTTP 503 with ``Retry-After``); retry shortly.
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class APIError(GraphQLError):
    code = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message, *, code=None, field=None):
        code = code or self.code
        extensions = {"code": code.value}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


class UserInputError(APIError):
    """The request asked for something invalid; the message says how to fix it."""

    code = ErrorCode.BAD_USER_INPUT


class ForbiddenError(APIError):
    code = ErrorCode.FORBIDDEN
