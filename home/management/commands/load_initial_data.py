"""Build the page tree and load the seed's demo content. Safe to run any number of times."""

from django.core.management.base import BaseCommand
from django.db import transaction

from home.demo import LoadReport, demo_loaders, ensure_home
from home.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Load the demo content (publications, domains, teams, the employee story) and "
        "build the page tree Home → Publications, Careers → Stories. Idempotent."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        # Each created item is listed only on request (-v 2); the summary by default;
        # nothing at -v 0 (make run prints its own line per step).
        report = LoadReport(write=self.stdout.write if verbosity >= 2 else lambda message: None)
        with transaction.atomic():
            home = ensure_home(report)
            # Each app's demo module (its AppConfig's ``demo``), in INSTALLED_APPS order.
            for load in demo_loaders():
                load(home, report)
            ensure_roles()
        if verbosity < 1:
            return
        self.stdout.write(self.style.SUCCESS("Demo content"))
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
