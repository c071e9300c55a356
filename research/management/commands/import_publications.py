"""``manage.py import_publications FILE.bib``: the admin's BibTeX import, for large files."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from research.bibtex.bulk import apply_plan_in_bulk
from research.bibtex.parse import parse_bibtex
from research.bibtex.plan import Action, build_plan
from research.models import ResearchDomain


class ProgressBar:
    """A plain-text bar on stderr, redrawn every ``step`` entries (no extra dependency)."""

    WIDTH = 40

    def __init__(self, total, stream, step=None):
        self.total, self.stream = total, stream
        self.step = step or max(1, total // 100)
        self.shown = 0

    def __call__(self, done):
        if done - self.shown < self.step and done != self.total:
            return
        self.shown = done
        filled = self.WIDTH * done // max(self.total, 1)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} entries")
        if done == self.total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import publications from a BibTeX file: new entries are created, entries that "
        "match a publication (by DOI, arXiv id or title) update it, the rest are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .bib file to import ('-' reads standard input).")
        parser.add_argument(
            "--domain",
            help="Slug of the research domain for new publications "
            "(default: the first domain in the admin's order).",
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish them (default: save as drafts)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; change nothing."
        )

    def handle(self, *args, file, domain, publish, dry_run, verbosity, **options):
        started = time.monotonic()
        text = self._read(file)
        domain = self._domain(domain)
        plan = build_plan(parse_bibtex(text))
        if verbosity >= 2:
            for entry in plan.entries:
                self.stdout.write(f"line {entry.line} {entry.key}: {entry.action}, {entry.reason}")
        elif verbosity >= 1:
            for entry in plan.entries:
                if entry.action == Action.SKIP and not entry.reason.startswith("unchanged"):
                    self.stdout.write(f"Skipped line {entry.line} {entry.key}: {entry.reason}")
        if not dry_run:
            progress = ProgressBar(len(plan.entries), self.stderr._out)
            apply_plan_in_bulk(plan, domain=domain, publish=publish, progress=progress)
        elapsed = time.monotonic() - started
        state = "would be " if dry_run else ""
        mode = "published" if publish else "drafts"
        self.stdout.write(
            f"{plan.summary()} ({state}{mode}; new ones in “{domain.name}”) "
            f"from {len(plan.entries)} entries in {elapsed:.1f} s"
            + (" — dry run, nothing changed" if dry_run else "")
        )

    def _read(self, file):
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text") from error

    def _domain(self, slug):
        domains = ResearchDomain.objects.order_by("sort_order", "pk")
        if slug is None:
            domain = domains.first()
            if domain is None:
                raise CommandError("Add a research domain first: new publications need one.")
            return domain
        try:
            return domains.get(slug=slug)
        except ResearchDomain.DoesNotExist:
            known = ", ".join(domains.values_list("slug", flat=True))
            raise CommandError(f"No research domain “{slug}”. Choose one of: {known}") from None
