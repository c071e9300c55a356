"""Search-as-you-type on Wagtail's own search backend, the same on SQLite and PostgreSQL.

Words are AND-ed and the last one matches as a prefix (Wagtail's
``autocomplete``). Models index one normalised ``AutocompleteField`` (see
``cms.text.normalize_for_search``) and the query is normalised the same way, so
case, accents and punctuation never decide what is found.

The backend only decides *which* rows match: it returns a queryset that is used
as a subquery, so filters, sorting, facets and keyset pagination stay ordinary
SQL in the same statement and the search adds no query of its own.

On PostgreSQL a model may keep a GIN-indexed copy of its autocomplete vector on
its own rows (``search_vector_column``, e.g. ``research`` migration 0002): the
match is then one ``@@`` predicate on the model's table, built exactly as
Wagtail's backend builds it, instead of a join to Wagtail's index table for
every matching row. What matches is the same; only the path is shorter.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, Expression
from wagtail.search.backends import get_search_backend

from cms.text import normalize_for_search

from .conf import api_setting
from .errors import UserInputError


@dataclass(frozen=True)
class SearchTerms:
    terms: tuple[str, ...]

    @property
    def text(self):
        return " ".join(self.terms)


def parse_search(raw, *, argument="search"):
    """``None`` for a missing or blank search; otherwise the normalised words."""
    if raw is None:
        return None
    max_length = api_setting("MAX_SEARCH_LENGTH")
    if len(raw) > max_length:
        raise UserInputError(
            f"`{argument}` is too long: at most {max_length} characters, got {len(raw)}.",
            field=argument,
        )
    if not raw.strip():
        return None
    terms = tuple(normalize_for_search(raw).split())
    if not terms:
        raise UserInputError(
            f"`{argument}` has no letters or digits to search for.", field=argument
        )
    max_terms = api_setting("MAX_SEARCH_TERMS")
    if len(terms) > max_terms:
        raise UserInputError(
            f"`{argument}` has {len(terms)} words; use at most {max_terms}.", field=argument
        )
    return SearchTerms(terms)


def sort_name_for(sort, terms, default):
    """The sort a list uses: the one asked for, else relevance with a search and
    ``default`` without. RELEVANCE without a search has nothing to rank by."""
    name = sort.value if sort is not None else ("relevance" if terms else default)
    if name == "relevance" and terms is None:
        raise UserInputError(
            "Sort RELEVANCE needs a `search`; choose another sort without one.", field="sort"
        )
    return name


class StoredVectorMatch(Expression):
    """``<table>.<column> @@ to_tsquery('simple', …)`` on the queryset's own table.

    The tsquery is Wagtail's autocomplete query (modelsearch's ``Lexeme``): every
    word quoted and AND-ed, the last one a prefix. The words are already
    normalised (``[0-9a-z]`` only), so quoting never needs escaping.
    """

    output_field = BooleanField()

    def __init__(self, column, terms):
        super().__init__()
        self.column = column
        self.terms = terms

    def as_sql(self, compiler, connection):
        tsquery = autocomplete_tsquery(self.terms)
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = connection.ops.quote_name(self.column)
        return f"{table}.{column} @@ to_tsquery('simple'::regconfig, %s)", [tsquery]


def autocomplete_tsquery(terms):
    """The text of Wagtail's autocomplete tsquery for normalised ``terms``, for
    ``to_tsquery('simple', …)``: every word quoted and AND-ed, the last a prefix."""
    *whole, last = terms
    return " & ".join([*(f"'{term}'" for term in whole), f"'{last}':*"])


def matching(queryset, search):
    """Narrow ``queryset`` to the rows the search backend matches."""
    column = getattr(queryset.model, "search_vector_column", None)
    if column and connections[queryset.db].vendor == "postgresql":
        return queryset.filter(StoredVectorMatch(column, search.terms))
    backend = get_search_backend()
    results = backend.autocomplete(
        search.text, queryset.model, operator="and", order_by_relevance=False
    )
    matches = results.get_queryset().values("pk")
    return queryset.filter(pk__in=matches)
