"""Query limits, checked after spec validation and before execution.

* depth: nested fields (fragments do not count as a level);
* aliases: how often one field is asked for under different aliases;
* cost: fields resolved if every list came back full, GitHub-style. A
  connection counts ``first``/``last`` (or the default page size) items; a
  plain list counts its ``limit`` argument, the number of ``ids`` it is given
  (``nodes``), or the length its type declares beside itself
  (``cms.api.hints``, ``list_sizes``), else ``DEFAULT_LIST_SIZE``.

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
from .hints import hints_of_schema_type
from .prefetch import snake_case

#: Estimated length of a list field that has no size argument and no declared length.
DEFAULT_LIST_SIZE = 20
SIZE_ARGUMENTS = ("first", "last", "limit", "per_page", "perPage")


class QueryTooDeep(APIError):
    code = ErrorCode.QUERY_TOO_DEEP


class QueryTooComplex(APIError):
    code = ErrorCode.QUERY_TOO_COMPLEX


class _Summary:
    """What a selection set adds wherever it is used, computed once per selection set.

    ``cost`` is its cost at multiplier 1 (the cost of a selection scales linearly with
    the number of parent items, so a use at multiplier ``m`` costs ``m * cost``);
    ``depth`` the number of field levels it nests (0 when it selects no field);
    ``aliases`` how often each field appears under an alias once every spread is
    expanded.
    """

    __slots__ = ("cost", "depth", "aliases")

    def __init__(self):
        self.cost = 0
        self.depth = 0
        self.aliases = Counter()

    def add(self, other, *, levels_above=0, multiplier=1):
        self.cost += multiplier * other.cost
        if other.depth:
            self.depth = max(self.depth, levels_above + other.depth)
        self.aliases.update(other.aliases)


class _Walker:
    """Summarises an operation in time linear in the document (issue 12).

    Expanding every fragment spread made ``fragment F1 { ...F0 ...F0 … }`` bombs
    exponential: nine levels of ten spreads took 70 s to refuse. Each named fragment
    is summarised once (its cost, depth and aliases do not depend on where it is
    spread) and its summary is added at every spread, so the numbers are the same as
    a full expansion's, the work is not.
    """

    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}
        self.fragment_summaries = {}

    def argument(self, field, name):
        for argument in field.arguments or ():
            if argument.name.value == name:
                value = value_from_ast_untyped(argument.value, self.variables)
                return value if isinstance(value, int) else None
        return None

    def list_argument(self, field, name):
        for argument in field.arguments or ():
            if argument.name.value == name:
                value = value_from_ast_untyped(argument.value, self.variables)
                return value if isinstance(value, list) else None
        return None

    def size_of(self, field, field_type, parent_type):
        for name in SIZE_ARGUMENTS:
            value = self.argument(field, name)
            if value is not None:
                # An out-of-range size is refused by the field itself with BAD_USER_INPUT;
                # here it only must not make the estimate absurd.
                return min(max(value, 1), api_setting("MAX_PAGE_SIZE"))
        ids = self.list_argument(field, "ids")
        if ids is not None:
            # One object per id; ``nodes`` refuses more than MAX_PAGE_SIZE itself.
            return min(max(len(ids), 1), api_setting("MAX_PAGE_SIZE"))
        named = get_named_type(field_type)
        if named.name.endswith("Connection"):
            return api_setting("DEFAULT_PAGE_SIZE")
        if is_list_type(get_nullable_type(field_type)):
            sizes = hints_of_schema_type(parent_type).list_sizes
            return sizes.get(snake_case(field.name.value), DEFAULT_LIST_SIZE)
        return 1

    def fragment(self, name):
        """The summary of the named fragment, computed on its first spread only."""
        summary = self.fragment_summaries.get(name)
        if summary is None:
            fragment = self.fragments.get(name)
            # Spec validation refuses unknown fragments and cycles before this runs; an
            # empty placeholder keeps a cycle from recursing here all the same.
            self.fragment_summaries[name] = _Summary()
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value)
                self.fragment_summaries[name] = self.summarise(inner, fragment.selection_set)
            summary = self.fragment_summaries[name]
        return summary

    def summarise(self, parent_type, selection_set):
        summary = _Summary()
        fields = getattr(parent_type, "fields", {})
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if selection.alias is not None:
                    summary.aliases[name] += 1
                summary.cost += 1
                summary.depth = max(summary.depth, 1)
                if selection.selection_set is None or name not in fields:
                    continue
                field_type = fields[name].type
                inner = self.summarise(get_named_type(field_type), selection.selection_set)
                summary.add(
                    inner,
                    levels_above=1,
                    multiplier=self.size_of(selection, field_type, parent_type),
                )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent_type
                summary.add(self.summarise(inner, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                summary.add(self.fragment(selection.name.value))
        return summary


def check_limits(schema, document, operation, variables):
    """Raise a coded error when ``operation`` is too deep, too aliased or too costly."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.__class__.__name__ == "FragmentDefinitionNode"
    }
    walker = _Walker(schema, fragments, variables)
    summary = walker.summarise(schema.get_root_type(operation.operation), operation.selection_set)
    cost = summary.cost

    max_depth = api_setting("MAX_QUERY_DEPTH")
    if summary.depth > max_depth:
        raise QueryTooDeep(
            f"The query is nested {summary.depth} levels deep; the limit is {max_depth}."
        )
    max_aliases = api_setting("MAX_ALIASES_PER_FIELD")
    for name, count in summary.aliases.most_common(1):
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
