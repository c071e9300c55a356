"""Parsing and spec validation of query documents, bounded in time and memory.

Frontends send the same few queries over and over; validation does not depend on
the variables, so a document is parsed and validated once per process and reused.
The limits that depend on variables run per request (``cms.api.limits``).
"""

import threading
from collections import OrderedDict

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


class DocumentCache:
    """An LRU of prepared documents bounded by count and by the summed query length.

    An ``lru_cache(maxsize=512)`` kept 512 documents whatever their size: 2,000
    distinct 60 KB queries took workers from 0.7 GB to 3.1 GB (issue 12), since a
    parsed document takes many times its text in memory. Here the held query text
    stays under ``DOCUMENT_CACHE_BYTES`` (the oldest entries go first), and a query
    longer than ``DOCUMENT_CACHE_MAX_QUERY_BYTES`` is prepared every time, never kept.
    """

    def __init__(self):
        self.entries = OrderedDict()
        self.held_bytes = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, query, value):
        size = len(query)
        if size > api_setting("DOCUMENT_CACHE_MAX_QUERY_BYTES"):
            return
        max_entries, max_bytes = (
            api_setting("DOCUMENT_CACHE_SIZE"),
            api_setting("DOCUMENT_CACHE_BYTES"),
        )
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = (size, value)
            self.held_bytes += size
            while self.entries and (
                len(self.entries) > max_entries or self.held_bytes > max_bytes
            ):
                _key, (evicted_size, _value) = self.entries.popitem(last=False)
                self.held_bytes -= evicted_size

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.held_bytes = 0


document_cache = DocumentCache()


def prepare_document(schema, query, *, max_tokens, introspection, hide_suggestions):
    """Parse and validate a query: ``(document, errors, error code)``, cached per process."""
    key = (schema, query, max_tokens, introspection, hide_suggestions)
    cached = document_cache.get(key)
    if cached is not None:
        return cached[1]
    prepared = _prepare(schema, query, max_tokens, introspection, hide_suggestions)
    document_cache.put(key, query, prepared)
    return prepared


def _prepare(schema, query, max_tokens, introspection, hide_suggestions):
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        return None, [error], ErrorCode.GRAPHQL_PARSE_FAILED
    rules = list(RULES)
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    errors = validate(schema, document, rules, max_errors=20, hide_suggestions=hide_suggestions)
    return document, errors, ErrorCode.GRAPHQL_VALIDATION_FAILED
