"""The chooser modals as an editor opens them: the column says what it lists.

The person chooser used to head its column of names "Title".
"""

import pytest
from wagtail.test.utils.wagtail_tests import WagtailTestUtils

from home.models import Person

pytestmark = pytest.mark.django_db


def modal(response):
    """The chooser answers the modal's JavaScript with JSON holding the HTML to show."""
    assert response.status_code == 200
    body = (
        response.json()["html"]
        if response["Content-Type"].startswith("application/json")
        else response.content
    )
    return WagtailTestUtils.get_soup(body)


def column_headings(response):
    table = modal(response).select_one("table")
    return [th.get_text(strip=True) for th in table.select("thead th")]


def chosen_names(response):
    rows = modal(response).select("table tbody td.title a")
    return [a.get_text(strip=True) for a in rows]


@pytest.mark.parametrize(
    ("model", "heading"),
    [
        ("home/person", "Name"),
        ("home/team", "Name"),
        ("home/organization", "Name"),
        ("research/researchdomain", "Name"),
        ("research/publication", "Title"),
    ],
)
def test_chooser_column_is_headed_by_what_it_lists(editor_client, model, heading):
    response = editor_client.get(f"/admin/snippets/choose/{model}/")
    assert column_headings(response)[0] == heading

    # The results panel (searching, paging) is rendered by its own view: same heading.
    response = editor_client.get(f"/admin/snippets/choose/{model}/results/")
    assert column_headings(response)[0] == heading


def test_person_chooser_lists_people_by_name_and_searches(editor_client):
    response = editor_client.get("/admin/snippets/choose/home/person/")
    person = Person.objects.order_by("name").first()
    assert person.name in chosen_names(response)

    response = editor_client.get("/admin/snippets/choose/home/person/results/", {"q": person.name})
    assert column_headings(response)[0] == "Name"
    assert person.name in chosen_names(response)
