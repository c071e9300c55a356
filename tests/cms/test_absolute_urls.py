"""Absolute URLs in API answers come from one place, and cached answers never carry
another request's host or scheme.

Without ``PUBLIC_BASE_URL`` (development) URLs follow the request, so the cache must
keep answers apart per scheme and host; with it, every URL is built on it and one
cached answer serves everyone.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from wagtail.documents import get_document_model

from tests.graphql import create_publication

pytestmark = pytest.mark.django_db

STORY_SLUG = "life-as-a-software-engineer-after-a-computer-systems-phd-at-stanford"
#: Every field that holds an absolute URL built by this project or by grapple.
QUERY = f"""
{{
  story(slug: "{STORY_SLUG}") {{
    portrait {{ url srcset }}
    body {{
      ... on ImageWithCaptionBlock {{
        image {{ url src srcSet(sizes: [320, 640]) rendition(width: 320) {{ url }} }}
      }}
    }}
  }}
  publication(slug: "quokka-paper") {{ pdfUrl }}
}}
"""
#: What a proxy terminating TLS for another host name sends.
PROXIED_HTTPS = {"HTTP_HOST": "cms.example", "HTTP_X_FORWARDED_PROTO": "https"}
URL = re.compile(r"https?://[^\s\",]+")


@pytest.fixture(autouse=True)
def publication_with_a_pdf():
    document = get_document_model()(title="Quokka paper")
    document.file.save("quokka-paper.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    create_publication("Quokka Paper", pdf=document)


@pytest.fixture(autouse=True)
def behind_a_tls_proxy():
    with override_settings(
        ALLOWED_HOSTS=["testserver", "cms.example"],
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    ):
        yield


def urls_in(client, **headers):
    response = client.get("/graphql/", {"query": QUERY}, HTTP_ACCEPT="application/json", **headers)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    urls = URL.findall(response.content.decode())
    # portrait url + 2 srcset entries, body image url, src, 2 srcSet, rendition, pdf
    assert len(urls) >= 9, urls
    return urls


def origins(urls):
    return {re.match(r"https?://[^/]+", url).group(0) for url in urls}


@override_settings(PUBLIC_BASE_URL="")
def test_without_a_base_url_urls_follow_each_request_and_are_cached_apart(client):
    first_https = urls_in(client, **PROXIED_HTTPS)
    plain = urls_in(client)
    again_https = urls_in(client, **PROXIED_HTTPS)
    other_host = urls_in(client, HTTP_HOST="cms.example")

    assert origins(first_https) == {"https://cms.example"}
    assert origins(plain) == {"http://testserver"}
    assert again_https == first_https
    assert origins(other_host) == {"http://cms.example"}


@override_settings(PUBLIC_BASE_URL="https://research.example.org")
def test_with_a_base_url_every_url_uses_it_and_one_cached_answer_serves_all(
    client, django_assert_num_queries
):
    urls_in(client, HTTP_HOST="cms.example")  # makes the renditions: a content change
    proxied = urls_in(client, **PROXIED_HTTPS)
    with django_assert_num_queries(0):  # served from the cache: the same answer is right
        plain = urls_in(client)

    assert origins(proxied) == {"https://research.example.org"}
    assert plain == proxied
