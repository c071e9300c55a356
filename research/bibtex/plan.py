"""Decide, per BibTeX entry, what an import does: new, update or skip (with the reason).

A plan reads the database but never writes it, so the admin can show it before
the editor confirms, and the confirmation can check that nothing moved since.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import TextChoices

from cms.text import normalize_for_search

from ..models import (
    EARLIEST_PUBLICATION_YEAR,
    Publication,
    PublicationAuthor,
    latest_publication_year,
    title_search_key,
    validate_publication_year,
)

TITLE_MAX_LENGTH = 255
#: Publication fields an import fills, with the label an editor reads in the plan.
IMPORTED_FIELDS = {
    "title": "title",
    "year": "year",
    "venue": "venue",
    "url": "link",
    "doi": "DOI",
    "arxiv_id": "arXiv id",
    "abstract": "abstract",
}


class Action(TextChoices):
    NEW = "new", "New"
    UPDATE = "update", "Update"
    SKIP = "skip", "Skip"


@dataclass
class PlannedEntry:
    """What happens to one entry; ``values`` and ``authors`` are what gets saved."""

    key: str
    line: int
    action: str
    title: str = ""
    reason: str = ""
    publication_id: int | None = None
    values: dict = field(default_factory=dict)
    authors: list = field(default_factory=list)  # [(printed name, person id or None)]


@dataclass
class ImportPlan:
    entries: list

    def counts(self):
        counts = {action.value: 0 for action in Action}
        for entry in self.entries:
            counts[entry.action] += 1
        return counts

    def fingerprint(self):
        """What the editor saw: the confirmation must find the same plan again."""
        return [[entry.action, entry.publication_id] for entry in self.entries]

    def summary(self):
        counts = self.counts()
        return f"{counts['new']} new, {counts['update']} updated, {counts['skip']} skipped"


def derived_url(record):
    """A link for a paper whose entry has none: its arXiv page, else its DOI."""
    if record.arxiv_id:
        return f"https://arxiv.org/abs/{record.arxiv_id}"
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return ""


class People:
    """Existing people by normalised name, for linking authors (unique names only)."""

    def __init__(self):
        person_model = PublicationAuthor._meta.get_field("person").related_model
        by_name = {}
        for pk, name in person_model.objects.values_list("pk", "name"):
            by_name.setdefault(normalize_for_search(name), []).append(pk)
        self.by_name = {name: pks[0] for name, pks in by_name.items() if len(pks) == 1}

    def find(self, name):
        return self.by_name.get(normalize_for_search(name))


class Existing:
    """The publications already in the CMS, indexed the three ways an entry can match."""

    def __init__(self):
        self.by_doi, self.by_arxiv, self.by_title = {}, {}, {}
        rows = Publication.objects.values_list("pk", "doi", "arxiv_id", "search_title")
        for pk, doi, arxiv_id, search_title in rows.order_by("pk"):
            if doi:
                self.by_doi.setdefault(doi.lower(), pk)
            if arxiv_id:
                self.by_arxiv.setdefault(arxiv_id.lower(), pk)
            self.by_title.setdefault(search_title, pk)

    def match(self, record, title_key):
        """``(publication id, "DOI" | "arXiv id" | "title")``, or ``(None, "")``."""
        for index, value, label in (
            (self.by_doi, record.doi, "DOI"),
            (self.by_arxiv, record.arxiv_id, "arXiv id"),
            (self.by_title, title_key, "title"),
        ):
            if value and value in index:
                return index[value], label
        return None, ""


def _problem(record):
    """Why a record cannot become a publication, or ``""``."""
    if not record.title:
        return "no title"
    if len(record.title) > TITLE_MAX_LENGTH:
        return f"title longer than {TITLE_MAX_LENGTH} characters"
    if record.year is None:
        return "no year"
    try:
        validate_publication_year(record.year)
    except ValidationError:
        latest = latest_publication_year()
        return f"year {record.year} is not between {EARLIEST_PUBLICATION_YEAR} and {latest}"
    if not record.authors:
        return "no authors"
    return ""


def _current_versions(publication_ids):
    """The content an editor sees for each matched publication: a live one's draft if any."""
    publications = Publication.objects.filter(pk__in=publication_ids).prefetch_related("authors")
    current = {}
    for publication in publications:
        if publication.live and publication.has_unpublished_changes:
            publication = publication.get_latest_revision_as_object()
        current[publication.pk] = publication
    return current


def _new_values(record):
    values = {name: getattr(record, name) for name in IMPORTED_FIELDS}
    values["url"] = record.url or derived_url(record)
    return values


def _changes(record, publication, people):
    """The values and authors an update writes, and the labels of what changed."""
    values, changed = {}, []
    for name, label in IMPORTED_FIELDS.items():
        incoming = getattr(record, name)
        if name == "url" and not incoming and not publication.url:
            incoming = derived_url(record)
        if incoming in ("", None):
            continue  # an entry without a value never erases one an editor typed
        values[name] = incoming
        if incoming != getattr(publication, name):
            changed.append(label)
    existing = [(author.name, author.person_id) for author in publication.authors.all()]
    keep_links = {normalize_for_search(name): person for name, person in existing if person}
    authors = [
        (name, keep_links.get(normalize_for_search(name)) or people.find(name))
        for name in record.authors
    ]
    if [name for name, _ in authors] != [name for name, _ in existing]:
        changed.append("authors")
    return values, authors, changed


def _duplicate_keys(record, title_key):
    keys = [("title", title_key)]
    if record.doi:
        keys.append(("DOI", record.doi))
    if record.arxiv_id:
        keys.append(("arXiv id", record.arxiv_id))
    return keys


def build_plan(parsed_entries):
    """The plan for ``parsed_entries`` (from ``parse_bibtex``) against the database now."""
    existing, people = Existing(), People()
    planned, matched_ids = [], {}
    seen = {}  # (kind, value) -> line of the first entry with it
    for parsed in parsed_entries:
        entry = PlannedEntry(key=parsed.key, line=parsed.line, action=Action.SKIP)
        planned.append(entry)
        record = parsed.record
        if record is None:
            entry.reason = parsed.error
            continue
        entry.title = record.title
        problem = _problem(record)
        if problem:
            entry.reason = problem
            continue
        title_key = title_search_key(record.title)  # as stored in search_title
        earlier = next(
            ((key[0], seen[key]) for key in _duplicate_keys(record, title_key) if key in seen),
            None,
        )
        if earlier:
            entry.reason = f"duplicate of the entry on line {earlier[1]} (same {earlier[0]})"
            continue
        for key in _duplicate_keys(record, title_key):
            seen[key] = record.line
        publication_id, matched_by = existing.match(record, title_key)
        if publication_id in matched_ids:
            entry.reason = (
                f"duplicate of the entry on line {matched_ids[publication_id]} "
                "(matches the same publication)"
            )
            continue
        if publication_id is None:
            entry.action = Action.NEW
            entry.values = _new_values(record)
            entry.authors = [(name, people.find(name)) for name in record.authors]
            entry.reason = "not in the CMS yet"
            continue
        matched_ids[publication_id] = record.line
        entry.publication_id = publication_id
        entry.action = Action.UPDATE
        entry.values = record  # resolved against the current version below
        entry.reason = matched_by
    _resolve_updates(planned, people)
    return ImportPlan(planned)


def _resolve_updates(planned, people):
    """Compare matched entries with their publications in one batch of queries."""
    updates = [entry for entry in planned if entry.action == Action.UPDATE]
    current = _current_versions([entry.publication_id for entry in updates])
    for entry in updates:
        record, publication = entry.values, current[entry.publication_id]
        entry.values, entry.authors, changed = _changes(record, publication, people)
        matched = f"matched “{publication.title}” by {entry.reason}"
        if not changed:
            entry.action = Action.SKIP
            entry.reason = f"unchanged ({matched})"
        else:
            entry.reason = f"{matched}; changes {', '.join(changed)}"
