"""Parsing and spec validation of query documents, bounded in time.

Frontends send the same few queries over and over; validation does not depend on
the variables, so a document is parsed and validated once per process and reused.
The limits that depend on variables run per request (``cms.api.limits``).
"""

from functools import lru_cache

from graphql import (
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OverlappingFieldsCanBeMergedRule,
    parse,
    specified_rules,
    validate,
)

from .conf import api_setting
from .errors import ErrorCode


class BoundedOverlappingFieldsRule(OverlappingFieldsCanBeMergedRule):
    """The spec's field-merging rule with a smaller work budget than graphql-core's.

    The rule compares every pair of fields that share a response name, so 4,900
    ``__typename`` in one selection set (a 54 KB body) cost it 1.1 s before
    graphql-core's own budget (500,000 units) aborted it. Real queries spend a few
    units; ``VALIDATION_BUDGET`` aborts such documents about ten times sooner, as a
    ``GRAPHQL_VALIDATION_FAILED`` error.
    """

    def __init__(self, context):
        super().__init__(context)
        self.rule_context.remaining_complexity_budget = api_setting("VALIDATION_BUDGET")


RULES = tuple(
    BoundedOverlappingFieldsRule if rule is OverlappingFieldsCanBeMergedRule else rule
    for rule in specified_rules
)


@lru_cache(maxsize=512)
def prepare_document(schema, query, *, max_tokens, introspection, hide_suggestions):
    """Parse and validate a query: ``(document, errors, error code)``."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        return None, [error], ErrorCode.GRAPHQL_PARSE_FAILED
    rules = list(RULES)
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    errors = validate(schema, document, rules, max_errors=20, hide_suggestions=hide_suggestions)
    return document, errors, ErrorCode.GRAPHQL_VALIDATION_FAILED
