"""Publication sort orders: each lists its columns, ending in the unique ``id``."""

import graphene
from django.db.models import Case, ExpressionWrapper, IntegerField, Value, When
from django.db.models.functions import Concat

from cms.api.connection import Ordering, SortKey


class PublicationSort(graphene.Enum):
    """How to order publications."""

    TITLE = "title"
    TITLE_DESC = "title_desc"
    NEWEST = "newest"
    OLDEST = "oldest"
    RELEVANCE = "relevance"

    @property
    def description(self):
        return SORT_DESCRIPTIONS[self.value]


SORT_DESCRIPTIONS = {
    "title": "Title A-Z, ignoring case (the default without a search).",
    "title_desc": "Title Z-A, ignoring case.",
    "newest": "Newest year first, then title A-Z.",
    "oldest": "Oldest year first, then title A-Z.",
    "relevance": (
        "Best match first: titles containing more of the search words before matches "
        "elsewhere, then title A-Z. Only with `search` (the default then). Its cursors "
        "are positions, not keys: a publication published meanwhile can shift a page."
    ),
}

ORDERINGS = {
    "title": Ordering("title", (SortKey("sort_title"), SortKey("id"))),
    "title_desc": Ordering(
        "title_desc", (SortKey("sort_title", descending=True), SortKey("id", descending=True))
    ),
    "newest": Ordering(
        "newest", (SortKey("year", descending=True), SortKey("sort_title"), SortKey("id"))
    ),
    "oldest": Ordering("oldest", (SortKey("year"), SortKey("sort_title"), SortKey("id"))),
    "relevance": Ordering(
        "relevance",
        (SortKey("title_hits", descending=True), SortKey("sort_title"), SortKey("id")),
        keyset=False,
    ),
}


def with_title_hits(queryset, search):
    """Annotate how many search words start a word of the title (for RELEVANCE)."""
    padded = Concat(Value(" "), "search_title")
    hits = sum(
        (
            Case(When(padded_title__contains=f" {term}", then=1), default=0)
            for term in search.terms
        ),
        Value(0),
    )
    return queryset.annotate(padded_title=padded).annotate(
        title_hits=ExpressionWrapper(hits, output_field=IntegerField())
    )
