"""Images through grapple's fields: only the configured renditions are ever made.

A rendition is a resize on the server and a stored file, so a client asking for
arbitrary sizes could fill the disk; anything outside ``ALLOWED_IMAGE_FILTERS``
is a BAD_USER_INPUT error listing what is offered, and nothing is generated.
"""

import pytest
from wagtail.images import get_image_model

from tests.graphql import assert_bad_user_input, data_of, gql

pytestmark = pytest.mark.django_db

STORY_SLUG = "life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford"


def body_image(client, image_fields):
    query = f"""
    {{ story(slug: "{STORY_SLUG}") {{
        body {{ ... on ImageWithCaptionBlock {{ image {{ {image_fields} }} }} }}
    }} }}
    """
    return gql(client, query)


def rendition_count():
    return get_image_model().get_rendition_model().objects.count()


def test_offered_renditions_and_srcsets_are_served(client):
    body = data_of(
        body_image(
            client,
            'srcSet(sizes: [320, 640], format: "webp") rendition(width: 640) { url width }',
        )
    )["story"]["body"]
    image = next(block["image"] for block in body if block)
    assert image["rendition"]["width"] <= 640 and image["rendition"]["url"]
    assert image["srcSet"].count("w,") == 1 and ".webp" in image["srcSet"]


@pytest.mark.parametrize(
    "image_fields, field",
    [
        ("rendition(width: 641) { url }", "rendition"),
        ('rendition(fill: "5000x5000") { url }', "rendition"),
        ("rendition(width: 640, jpegquality: 1) { url }", "rendition"),
        ("srcSet(sizes: [320, 333])", "srcSet"),
        ('srcSet(sizes: [320], format: "gif")', "srcSet"),
    ],
)
def test_other_renditions_are_refused_and_never_made(client, image_fields, field):
    before = rendition_count()
    answer = body_image(client, image_fields)
    assert_bad_user_input(answer, field=field)
    assert "width-320, width-320|format-webp, width-640" in answer["errors"][0]["message"]
    assert rendition_count() == before
