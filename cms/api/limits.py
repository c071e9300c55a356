"""Query limits, checked after spec validation and before execution.

* depth: nested fields (fragments do not count as a level);
* aliases: how often one field is asked for under different aliases;
* cost: fields resolved if every list came back full, GitHub-style. A
  connection counts ``first``/``last`` (or the default page size) items; a
  plain list counts its ``limit`` argument or the estimate in ``LIST_SIZES``.

They need the variables (``first: $n``), which validation rules never see, so
they walk the parsed operation here instead of being validation rules. Spec
validation has already rejected unknown fields and fragment cycles.
"""

from collections import Counter

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)

from .conf import api_setting
from .errors import APIError, ErrorCode, UserInputError

#: Estimated length of list fields that have no size argument.
LIST_SIZES = {
    # A connection already counts its page size; its edges add nothing on top.
    "edges": 1,
    "authors": 30,
    "related_publications": 10,
    "domain_facets": 10,
    "research_domains": 10,
    "organizations": 5,
    "teams": 10,
    "members": 20,
    "body": 20,
}
DEFAULT_LIST_SIZE = 20
SIZE_ARGUMENTS = ("first", "last", "limit", "per_page", "perPage")


class QueryTooDeep(APIError):
    code = ErrorCode.QUERY_TOO_DEEP


class QueryTooComplex(APIError):
    code = ErrorCode.QUERY_TOO_COMPLEX


def _snake(name):
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


class _Walker:
    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}
        self.aliases = Counter()
        self.max_depth = 0

    def argument(self, field, name):
        for argument in field.arguments or ():
            if argument.name.value == name:
                value = value_from_ast_untyped(argument.value, self.variables)
                return value if isinstance(value, int) else None
        return None

    def size_of(self, field, field_type):
        for name in SIZE_ARGUMENTS:
            value = self.argument(field, name)
            if value is not None:
                # An out-of-range size is refused by the field itself with BAD_USER_INPUT;
                # here it only must not make the estimate absurd.
                return min(max(value, 1), api_setting("MAX_PAGE_SIZE"))
        named = get_named_type(field_type)
        if named.name.endswith("Connection"):
            return api_setting("DEFAULT_PAGE_SIZE")
        if is_list_type(get_nullable_type(field_type)):
            return LIST_SIZES.get(_snake(field.name.value), DEFAULT_LIST_SIZE)
        return 1

    def cost(self, parent_type, selection_set, multiplier, depth, seen_fragments=()):
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if selection.alias is not None:
                    self.aliases[name] += 1
                total += multiplier
                self.max_depth = max(self.max_depth, depth)
                fields = getattr(parent_type, "fields", {})
                if selection.selection_set is None or name not in fields:
                    continue
                field_type = fields[name].type
                inner = get_named_type(field_type)
                size = self.size_of(selection, field_type)
                total += self.cost(
                    inner, selection.selection_set, multiplier * size, depth + 1, seen_fragments
                )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent_type
                total += self.cost(
                    inner, selection.selection_set, multiplier, depth, seen_fragments
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen_fragments:
                    continue
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(
                    inner, fragment.selection_set, multiplier, depth, (*seen_fragments, name)
                )
        return total


def check_limits(schema, document, operation, variables):
    """Raise a coded error when ``operation`` is too deep, too aliased or too costly."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.__class__.__name__ == "FragmentDefinitionNode"
    }
    walker = _Walker(schema, fragments, variables)
    root = schema.get_root_type(operation.operation)
    cost = walker.cost(root, operation.selection_set, 1, 1)

    max_depth = api_setting("MAX_QUERY_DEPTH")
    if walker.max_depth > max_depth:
        raise QueryTooDeep(
            f"The query is nested {walker.max_depth} levels deep; the limit is {max_depth}."
        )
    max_aliases = api_setting("MAX_ALIASES_PER_FIELD")
    for name, count in walker.aliases.most_common(1):
        if count > max_aliases:
            raise UserInputError(
                f"The field `{name}` is requested under {count} aliases; the limit is "
                f"{max_aliases}."
            )
    budget = api_setting("MAX_QUERY_COST")
    if cost > budget:
        raise QueryTooComplex(
            f"The query's estimated cost is {cost}, over the budget of {budget}. Ask for "
            "smaller pages (`first`/`last`) or fewer nested lists."
        )
    return cost
