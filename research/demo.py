"""Load the seed's research domains and publications (idempotent, keyed by slug)."""

from django.utils.text import slugify

from home.demo import ensure_child_page, read_demo_file
from home.models import Person

from .models import Publication, PublicationAuthor, ResearchDomain, ResearchPage


def load(home, report):
    """Domains, publications (authors linked to the people with a profile) and the page."""
    domains = load_domains(report)
    load_publications(report, domains, {person.name: person for person in Person.objects.all()})
    load_research_page(home, report)


def load_domains(report):
    data = read_demo_file("publications.json")
    domains = {}
    for order, item in enumerate(data["domains"]):
        domain, created = ResearchDomain.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "sort_order": order},
        )
        report.record("Research domains", created)
        domains[domain.slug] = domain
    return domains


def load_publications(report, domains, people_by_name):
    data = read_demo_file("publications.json")
    for item in data["publications"]:
        slug = slugify(item["title"])[:255]
        if Publication.objects.filter(slug=slug).exists():
            report.record("Publications", created=False)
            continue
        publication = Publication(
            title=item["title"],
            slug=slug,
            domain=domains[item["domain"]],
            venue=item.get("venue", ""),
            year=item["year"],
            abstract=item.get("abstract", ""),
            url=item.get("url", ""),
        )
        publication.authors = [
            PublicationAuthor(name=name, person=people_by_name.get(name), sort_order=position)
            for position, name in enumerate(item["authors"])
        ]
        publication.save()
        publication.save_revision(log_action=False).publish(log_action=False)
        report.record("Publications", created=True)
    report.step(f"{Publication.objects.count()} publications in the database")


def load_research_page(home, report):
    data = read_demo_file("site.json")["research"]
    sort = {"A-Z": "title", "Z-A": "title_desc"}.get(data.get("default_sort"), "title")
    return ensure_child_page(
        home,
        ResearchPage,
        "publications",
        {
            "title": data["title"],
            "intro": data["intro"],
            "page_size": data.get("page_size", 12),
            "default_sort": sort,
        },
        report,
    )
