"""Reading BibTeX (research.bibtex.parse) and planning an import (research.bibtex.plan).

The fixture has the shapes real exports have: ``Last, First`` and ``First Last``
names, ``others``, braced organisation names, LaTeX accents, ``@string`` macros,
DOIs with prefixes, arXiv ids in three places, missing fields and broken entries.
"""

import pytest

from research.bibtex.parse import normalize_doi, parse_bibtex
from research.bibtex.plan import Action, build_plan

from .bibtex_fixture import (
    ENTRIES,
    NEW,
    NEW_TITLES,
    PHOTON,
    PHOTON_DOI,
    SKIP_REASONS,
    SKIPPED,
    UPDATED,
    fixture_text,
)


@pytest.fixture(scope="module")
def records():
    return {entry.key: entry.record for entry in parse_bibtex(fixture_text()) if entry.record}


def test_every_entry_is_read_in_file_order_broken_ones_with_a_reason():
    entries = parse_bibtex(fixture_text())
    assert len(entries) == ENTRIES
    assert [entry.line for entry in entries] == sorted(entry.line for entry in entries)
    broken = [entry for entry in entries if entry.record is None]
    assert [(entry.key, entry.line) for entry in broken] == [("broken2022", 245)]
    assert broken[0].error.startswith("could not be read")
    # The same key twice is two entries: the plan decides whether they are one paper.
    assert [entry.key for entry in entries].count("kim2019streams") == 2


def test_latex_accents_braces_and_dashes_become_plain_text(records):
    uber = records["mueller2021uber"]
    assert uber.title == "Über die Skalierbarkeit von Lakehouse-Systemen"
    assert uber.abstract == (
        "Wir untersuchen, wie sich Lakehouse-Systeme & Data Warehouses unter Last verhalten."
    )
    assert records["erdos2020graphs"].title == "Random Graphs and the Erdős–Rényi Model Revisited"
    assert records["garcia2023cafe"].title.startswith("Café: Cost-Aware")
    assert records["dubois2018bench"].venue == "Université Paris-Saclay"
    assert (
        records["rossi2019energy"].abstract == "We reduce energy use by 23% without delaying jobs."
    )
    assert records["ozturk2021privacy"].venue == "IEEE Security & Privacy"
    assert set(NEW_TITLES) <= {record.title for record in records.values()}


def test_authors_in_both_forms_organisations_whole_and_others_dropped(records):
    assert records["mueller2021uber"].authors == ("Jörg Müller", "Zoë Schön")
    assert records["okafor2024vector"].authors == (
        "Kwame Okafor",
        "Ana Lima",
        "The Apache Software Foundation",
    )
    assert records["erdos2020graphs"].authors == ("Pál Erdős", "Alfréd Rényi")
    assert records["novak2023compilers"].authors == ("Tomáš Novák", "Petr Dvořák")
    assert records["lindqvist2021federated"].authors[0] == "Åsa Lindqvist"
    assert records["kowalski2022lakehouse"].authors[0] == "Łukasz Kowalski"
    photon = records["behm2022photon"].authors
    assert len(photon) == 23
    assert photon[:2] == ("Alexander Behm", "Shoumik Palkar")
    assert "Tom van Bussel" in photon


def test_doi_arxiv_year_venue_and_url(records):
    assert records["behm2022photon"].doi == PHOTON_DOI  # https://doi.org/ prefix removed
    assert records["mueller2021uber"].doi == "10.1007/s13222-021-00380-1"  # lower-cased
    assert records["erdos2020graphs"].doi == "10.1002/jgt.22500"  # doi: prefix removed
    assert records["erdos2020graphs"].year == 2020  # a bare number, not braced
    assert records["okafor2024vector"].arxiv_id == "2401.01234"  # eprint, version dropped
    assert records["wang2024agents"].arxiv_id == "2403.05678"  # eprint = {arXiv:…}
    assert records["oconnor2017sketches"].arxiv_id == "1709.01234"  # from the URL
    assert records["nakamura2022kernels"].arxiv_id == "2205.04321"  # Scholar's journal field
    assert records["tanaka2024retrieval"].venue == (
        "Proceedings of the 2022 International Conference on Management of Data"
    )  # an @string macro
    assert records["keller2017systems"].venue == "O'Reilly Media"  # a book's publisher
    assert records["garcia2023cafe"].url == "https://proceedings.example.org/2023/cafe.pdf"
    assert records["noyear2021"].year is None
    assert records["untitled2020"].title == ""


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1145/ABC.1", "10.1145/abc.1"),
        ("http://dx.doi.org/10.1145/abc.1", "10.1145/abc.1"),
        ("DOI: 10.1145/abc.1", "10.1145/abc.1"),
        ("not a doi", ""),
        ("", ""),
    ],
)
def test_doi_normalisation(raw, doi):
    assert normalize_doi(raw) == doi


@pytest.mark.django_db
def test_plan_marks_new_updated_and_skipped_entries_with_reasons():
    plan = build_plan(parse_bibtex(fixture_text()))
    assert plan.counts() == {"new": NEW, "update": UPDATED, "skip": SKIPPED}
    by_key = {}
    for entry in plan.entries:
        by_key.setdefault(entry.key, entry)  # the first of a repeated key
    skipped = {e.key: e.reason for e in plan.entries if e.action == Action.SKIP}
    assert skipped == SKIP_REASONS
    photon = by_key["behm2022photon"]
    assert photon.action == Action.UPDATE
    assert photon.reason == f"matched “{PHOTON}” by title; changes link, DOI"
    assert photon.values["doi"] == PHOTON_DOI
    # An author who works here is linked to their profile by name.
    cafe = by_key["garcia2023cafe"]
    assert cafe.action == Action.NEW
    linked = [name for name, person in cafe.authors if person]
    assert linked == ["Shoumik Palkar"]
    assert by_key["zhou2021sparse"].authors[2] == ("S. Palkar", None)  # initials: no match
