"""A type declares beside itself what its list fields cost (``cms.api.hints``), and the
query-cost walker reads it there: ``cms.api.limits`` names no content field."""

from graphql import parse

from careers.models import StoryPage
from cms.api.hints import hints_for
from cms.api.limits import DEFAULT_LIST_SIZE, check_limits
from cms.api.schema import schema
from research.api.types import PublicationType


def cost(query):
    document = parse(query)
    return check_limits(schema.graphql_schema, document, document.definitions[0], {})


def added_cost(connection, fields):
    """What selecting ``fields`` on one node of ``connection`` adds to the cost."""
    plain = cost(f"{{ {connection}(first: 1) {{ edges {{ node {{ slug }} }} }} }}")
    more = cost(f"{{ {connection}(first: 1) {{ edges {{ node {{ slug {fields} }} }} }} }}")
    return more - plain


def test_a_list_field_costs_the_length_its_graphene_type_declares():
    authors = hints_for(PublicationType).list_sizes["authors"]
    assert authors != DEFAULT_LIST_SIZE
    assert added_cost("publications", "authors { name }") == 1 + authors


def test_a_page_models_list_field_costs_the_length_declared_for_the_model():
    related = hints_for(StoryPage).list_sizes["related_publications"]
    assert related != DEFAULT_LIST_SIZE
    assert added_cost("stories", "relatedPublications { slug }") == 1 + related


def test_the_edges_of_a_connection_add_nothing_to_its_page_size():
    def page(size):
        return cost(f"{{ publications(first: {size}) {{ edges {{ node {{ slug }} }} }} }}")

    # Per row: one edge, its node and the slug. Edges counted as a list of their own
    # (the default length) would multiply the row by DEFAULT_LIST_SIZE.
    assert (page(10) - page(5)) / 5 == 3
