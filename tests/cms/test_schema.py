"""The committed SDL matches the code; the schema lists the block types the site uses.

That every member is described is checked by ``test_schema_descriptions.py``.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from cms.api.schema import schema
from tests.graphql import create_portrait, create_story, data_of, gql

SDL_FILE = Path(settings.BASE_DIR) / "cms" / "api" / "schema.graphql"


def test_committed_schema_matches_the_code():
    assert SDL_FILE.read_text().strip() == str(schema).strip(), (
        "cms/api/schema.graphql is out of date: run `make schema` and commit the result."
    )


def block_types_in_schema():
    interface = schema.graphql_schema.get_type("StreamFieldInterface")
    return {t.name for t in schema.graphql_schema.get_implementations(interface).objects}


BODY_TYPENAMES = """
{ story(slug: "every-block") { body {
    __typename
    ... on ImageWithCaptionBlock { blocks { __typename } }
    ... on QuoteBlock { blocks { __typename } }
} } }
"""


@pytest.mark.django_db
def test_block_types_are_exactly_those_a_story_body_can_return(client):
    """Grapple registers a type for every Wagtail block; the schema keeps only those the
    site's StreamFields use. A story with every kind of block (and the struct blocks'
    children) resolves each to a type of the schema, and the schema has no other."""
    image = create_portrait("Ada")
    create_story(
        "Every block",
        date=datetime.date(2024, 1, 1),
        body=[
            {"type": "heading", "value": "A heading"},
            {"type": "paragraph", "value": "<p>A paragraph.</p>"},
            {"type": "image", "value": {"image": image.pk, "caption": "", "alt_text": ""}},
            {"type": "quote", "value": {"quote": "Words.", "attribution": "Someone"}},
            {"type": "embed", "value": "https://example.invalid/video"},
        ],
    )

    body = data_of(gql(client, BODY_TYPENAMES))["story"]["body"]

    returned = {block["__typename"] for block in body} | {
        child["__typename"] for block in body for child in block.get("blocks", ())
    }
    assert returned == block_types_in_schema()
    assert "DateBlock" not in block_types_in_schema()  # no StreamField of the site uses it
