"""Shared pieces of the idempotent demo loader: the data files and a progress report."""

import json
from collections import Counter
from pathlib import Path

DEMO_CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"


def read_demo_file(name):
    with open(DEMO_CONTENT_DIR / name, encoding="utf-8") as handle:
        return json.load(handle)


class LoadReport:
    """Counts what a load created and what it found already there."""

    def __init__(self, write=print):
        self.write = write
        self.created = Counter()
        self.existing = Counter()

    def record(self, kind, created):
        (self.created if created else self.existing)[kind] += 1

    def step(self, message):
        self.write(f"  {message}")

    def summary_lines(self):
        kinds = list(dict.fromkeys([*self.created, *self.existing]))
        for kind in kinds:
            yield f"{kind}: {self.created[kind]} created, {self.existing[kind]} already present"
        if not self.created:
            yield "Nothing to do: the demo content was already loaded."


def ensure_child_page(parent, page_class, slug, defaults, report):
    """Return the child of ``parent`` with ``slug``, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        report.record(page_class._meta.verbose_name.capitalize(), created=False)
        return existing
    page = page_class(slug=slug, **defaults)
    parent.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)
    report.record(page_class._meta.verbose_name.capitalize(), created=True)
    report.step(f"created page “{page.title}” at {page.url_path}")
    return page
