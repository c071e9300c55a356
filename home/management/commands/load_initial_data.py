"""Build the page tree and load the seed's demo content. Safe to run any number of times."""

from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Page, Site

from careers.demo import load_careers_pages, load_organizations_and_teams, load_people
from home.demo import LoadReport, read_demo_file
from home.models import HomePage
from home.roles import ensure_roles
from research.demo import load_domains, load_publications, load_research_page


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
            home = self.ensure_home(report)
            domains = load_domains(report)
            load_organizations_and_teams(report)
            people = load_people(report)
            load_publications(report, domains, people)
            load_research_page(home, report)
            careers = load_careers_pages(home, report)
            if home.cta_page_id is None:
                home.cta_page = careers
                home.save_revision(log_action=False).publish(log_action=False)
            ensure_roles()
        if verbosity < 1:
            return
        self.stdout.write(self.style.SUCCESS("Demo content"))
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")

    def ensure_home(self, report):
        """Put a HomePage at the site root, replacing Wagtail's placeholder page."""
        home = HomePage.objects.first()
        if home is not None:
            report.record("Home page", created=False)
            return home
        data = read_demo_file("site.json")["home"]
        root = Page.get_first_root_node()
        for placeholder in root.get_children().filter(slug="home"):
            if placeholder.specific_class is Page:
                placeholder.delete()
        home = HomePage(
            title=data["title"],
            slug="home",
            tagline=data["tagline"],
            intro_heading=data["intro_heading"],
            intro=data["intro"],
            cta_label=data["call_to_action"]["label"],
        )
        root.add_child(instance=home)
        home.save_revision(log_action=False).publish(log_action=False)
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname = site.hostname or "localhost"
        site.port = site.port or 80
        site.site_name = data["title"]
        site.root_page = home
        site.save()
        report.record("Home page", created=True)
        report.step("created the home page and made it the site root")
        return home
