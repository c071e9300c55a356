"""The reference frontend's GraphQL documents are valid against the public schema.

``frontend/assets/queries.js`` holds every document the frontend sends; a schema
change that breaks one (a list becoming a connection, a field left out) fails
here, not in a browser.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from graphql import parse, validate

from cms.api.schema import schema

QUERIES_JS = Path(settings.BASE_DIR) / "frontend" / "assets" / "queries.js"
CONSTANT = re.compile(r"(?:export )?const (\w+) = `(.*?)`;", re.DOTALL)


def documents():
    """``{name: document}`` of every exported query, its fragments filled in."""
    constants = dict(CONSTANT.findall(QUERIES_JS.read_text()))

    def filled(text):
        return re.sub(r"\$\{(\w+)\}", lambda match: constants[match.group(1)], text)

    return {name: filled(text) for name, text in constants.items() if "query " in text}


def test_the_frontend_has_queries_to_check():
    assert {"PUBLICATIONS", "CAREERS", "STORIES", "STORY"} <= set(documents())


@pytest.mark.parametrize("name", sorted(documents()))
def test_every_frontend_query_validates_against_the_schema(name):
    errors = validate(schema.graphql_schema, parse(documents()[name]))
    assert errors == [], [error.message for error in errors]
