"""Wagtail still serves every page URL (headless: a pointer to the API, never a 500)."""

import pytest

pytestmark = pytest.mark.django_db

STORY = "/careers/stories/life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford/"


@pytest.mark.parametrize("url", ["/", "/publications/", "/careers/", "/careers/stories/", STORY])
def test_page_urls_point_to_the_api(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'href="/graphql/"' in response.content


def test_unpublished_page_is_not_served(client):
    from careers.models import StoryPage

    StoryPage.objects.get().unpublish()
    assert client.get(STORY).status_code == 404
