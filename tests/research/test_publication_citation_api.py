"""``bibtex`` and ``citation`` on publications: the way back for a frontend's "Cite"."""

import pytest

from research.bibtex.parse import parse_bibtex
from research.bibtex.plan import Action, build_plan
from research.models import Publication
from tests.graphql import data_of, gql, measure_queries

pytestmark = pytest.mark.django_db

PHOTON_SLUG = "photon-a-fast-query-engine-for-lakehouse-systems"
ONE = """
query ($slug: String!) { publication(slug: $slug) { title bibtex citation } }
"""
PAGE = """
query { publications(first: 100) { edges { node { slug bibtex citation } } } }
"""


def test_a_publication_cites_itself_as_bibtex_and_plain_text(client):
    photon = Publication.objects.get(slug=PHOTON_SLUG)
    photon.doi = "10.1145/3514221.3526054"
    photon.arxiv_id = "2201.00001"
    photon.save_revision().publish()
    data = data_of(gql(client, ONE, {"slug": PHOTON_SLUG}))["publication"]
    assert data["bibtex"].startswith("@misc{behm2022photon,\n")
    assert "  title = {{Photon: A Fast Query Engine for Lakehouse Systems}},\n" in data["bibtex"]
    assert "  author = {Behm, Alexander and Palkar, Shoumik and " in data["bibtex"]
    assert "  howpublished = {SIGMOD},\n  year = {2022},\n" in data["bibtex"]
    assert "  doi = {10.1145/3514221.3526054}" in data["bibtex"]
    assert "  eprint = {2201.00001},\n  archivePrefix = {arXiv}\n}" in data["bibtex"]
    assert data["citation"].startswith("Alexander Behm, Shoumik Palkar, Utkarsh Agarwal, ")
    assert data["citation"].endswith(
        "Matei Zaharia. Photon: A Fast Query Engine for Lakehouse Systems. SIGMOD, 2022. "
        "https://doi.org/10.1145/3514221.3526054"
    )


def test_every_publications_bibtex_reads_back_as_the_same_publication(client):
    """Importing the API's own BibTeX matches every publication and changes nothing."""
    edges = data_of(gql(client, PAGE))["publications"]["edges"]
    bibtex = "\n\n".join(edge["node"]["bibtex"] for edge in edges)
    plan = build_plan(parse_bibtex(bibtex))
    assert len(plan.entries) == Publication.objects.live().count() == len(edges)
    assert {entry.action for entry in plan.entries} == {Action.SKIP}
    assert all(entry.reason.startswith("unchanged") for entry in plan.entries), [
        entry.reason for entry in plan.entries if not entry.reason.startswith("unchanged")
    ]


def test_bibtex_and_citation_on_a_full_page_cost_one_authors_query(
    client, django_assert_max_num_queries
):
    data_of(gql(client, PAGE))  # warm-up: one-time queries of the process
    _, cost = measure_queries(client, django_assert_max_num_queries, 4, PAGE)
    assert cost <= 4
