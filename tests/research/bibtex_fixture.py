"""The committed ``.bib`` fixture and what an import of it must do."""

from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "publications.bib"
PHOTON = "Photon: A Fast Query Engine for Lakehouse Systems"
PHOTON_DOI = "10.1145/3514221.3526054"
#: 34 entries: 26 new, Photon updated (DOI added), 7 skipped.
ENTRIES, NEW, UPDATED, SKIPPED = 34, 26, 1, 7
#: Titles of some new entries, as plain text (LaTeX decoded).
NEW_TITLES = [
    "Über die Skalierbarkeit von Lakehouse-Systemen",
    "Café: Cost-Aware Fine-Tuning for Retrieval-Augmented Generation",
    "Random Graphs and the Erdős–Rényi Model Revisited",
    "Vector Search at Billion Scale – Lessons from Production",
]
SKIP_REASONS = {
    "zaharia2016spark": "unchanged (matched “Apache Spark: A Unified Engine for Big Data "
    "Processing” by title)",
    "mueller2021uber-copy": "duplicate of the entry on line 22 (same DOI)",
    "kim2019streams": "duplicate of the entry on line 58 (same title)",
    "untitled2020": "no title",
    "noyear2021": "no year",
    "noauthor2022": "no authors",
    "broken2022": "could not be read: not valid BibTeX (check its braces and quotes)",
}


def fixture_text():
    return FIXTURE.read_text(encoding="utf-8")
