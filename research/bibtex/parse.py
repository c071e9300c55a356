"""Read BibTeX text into plain, normalised records (bibtexparser does the BibTeX syntax)."""

import re
from dataclasses import dataclass

import bibtexparser
from bibtexparser.middlewares import RemoveEnclosingMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .latex import latex_to_text

#: Where a paper appeared, in the order BibTeX entry types usually carry it.
VENUE_FIELDS = ("journal", "booktitle", "publisher", "howpublished", "school", "institution")
VENUE_MAX_LENGTH = 255
URL_MAX_LENGTH = 500

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z.\-]*/\d{7})"
_ARXIV_EPRINT = re.compile(rf"^(?:arxiv:)?{_ARXIV_ID}(?:v\d+)?$", re.IGNORECASE)
_ARXIV_URL = re.compile(rf"arxiv\.org/(?:abs|pdf)/{_ARXIV_ID}", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(rf"\barxiv:\s*{_ARXIV_ID}", re.IGNORECASE)
_YEAR = re.compile(r"\b(\d{4})\b")
_is_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class BibRecord:
    """One BibTeX entry as the CMS stores a publication: plain text, no LaTeX."""

    key: str
    line: int
    title: str
    authors: tuple
    year: int | None
    venue: str
    url: str
    doi: str
    arxiv_id: str
    abstract: str


@dataclass(frozen=True)
class ParsedEntry:
    """An entry of the file: its record, or why it could not be read."""

    key: str
    line: int
    record: BibRecord | None = None
    error: str = ""


def normalize_doi(value):
    """``https://doi.org/10.1145/ABC`` and ``doi:10.1145/abc`` are both ``10.1145/abc``."""
    doi = _DOI_PREFIX.sub("", (value or "").strip()).strip().lower()
    return doi if doi.startswith("10.") and "/" in doi else ""


def arxiv_id_from(fields):
    """The arXiv id without version: from ``eprint`` (arXiv prefix), the URL or the journal."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = (fields.get("eprint") or "").strip()
    if eprint and (prefix == "arxiv" or eprint.lower().startswith("arxiv:")):
        match = _ARXIV_EPRINT.match(eprint)
        if match:
            return match.group(1).lower()
    match = _ARXIV_URL.search(fields.get("url") or "")
    if match:
        return match.group(1).lower()
    match = _ARXIV_IN_TEXT.search(fields.get("journal") or "")
    return match.group(1).lower() if match else ""


def author_names(value):
    """Printed names in paper order: ``Last, First`` → ``First Last``, ``others`` dropped.

    Names are split on the raw value, before LaTeX decoding, so that a braced
    ``{Apache Software Foundation}`` stays one name.
    """
    names = []
    for raw in split_multiple_persons_names(value or ""):
        parts = parse_single_name_into_parts(raw, strict=False)
        if parts.last == ["others"] and not parts.first:
            continue
        name = " ".join(latex_to_text(part) for part in parts.first + parts.von + parts.last)
        if parts.jr:
            name = f"{name}, {' '.join(latex_to_text(part) for part in parts.jr)}"
        if name.strip():
            names.append(name.strip())
    return tuple(names)


def clean_url(value):
    url = (value or "").strip()
    if not url or len(url) > URL_MAX_LENGTH:
        return ""
    try:
        _is_url(url)
    except ValidationError:
        return ""
    return url


def _year(value):
    match = _YEAR.search(value or "")
    return int(match.group(1)) if match else None


def _venue(fields):
    for name in VENUE_FIELDS:
        venue = latex_to_text(fields.get(name))
        if venue:
            if len(venue) > VENUE_MAX_LENGTH:
                venue = venue[: VENUE_MAX_LENGTH - 1].rstrip() + "…"
            return venue
    return ""


def record_from(entry):
    fields = {field.key.lower(): str(field.value) for field in entry.fields}
    return BibRecord(
        key=entry.key,
        line=entry.start_line + 1,
        title=latex_to_text(fields.get("title")),
        authors=author_names(fields.get("author")),
        year=_year(fields.get("year") or fields.get("date")),
        venue=_venue(fields),
        url=clean_url(fields.get("url")),
        doi=normalize_doi(fields.get("doi")),
        arxiv_id=arxiv_id_from(fields),
        abstract=latex_to_text(fields.get("abstract")),
    )


def _failure(block):
    first_line = str(getattr(block, "error", "") or "").strip().splitlines()
    reason = first_line[0] if first_line else "not valid BibTeX (check its braces and quotes)"
    key_match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", block.raw or "")
    return ParsedEntry(
        key=key_match.group(1) if key_match else "",
        line=block.start_line + 1,
        error=f"could not be read: {reason}",
    )


def _repeated_key_entry(block, library):
    """The entry behind a repeated key, read like any other: bibtexparser sets it aside
    before its middlewares run, so its ``@string`` macros and enclosing braces are as typed.
    """
    entry = block.ignore_error_block
    strings = {string.key.lower(): string.value for string in library.strings}
    for field in entry.fields:
        if isinstance(field.value, str) and field.value.strip().lower() in strings:
            field.value = strings[field.value.strip().lower()]
    return RemoveEnclosingMiddleware(allow_inplace_modification=True).transform_entry(
        entry, library
    )


def parse_bibtex(text):
    """Every entry of ``text`` in file order, as a ``ParsedEntry``.

    An entry that repeats an earlier key is still read (exports from different
    tools often reuse keys such as ``smith2020``); the plan decides whether it
    is the same paper. ``@string`` macros are resolved; ``@comment`` and
    ``@preamble`` are not entries.
    """
    library = bibtexparser.parse_string(text)
    parsed = []
    for block in library.blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            block = _repeated_key_entry(block, library)
        if isinstance(block, Entry):
            try:
                parsed.append(ParsedEntry(block.key, block.start_line + 1, record_from(block)))
            except Exception as error:  # a value bibtexparser or pylatexenc cannot take
                parsed.append(ParsedEntry(block.key, block.start_line + 1, error=f"{error}"))
        elif isinstance(block, ParsingFailedBlock):
            parsed.append(_failure(block))
    return parsed
