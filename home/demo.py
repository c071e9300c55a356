"""The idempotent demo loader: its shared pieces (the data files, a progress report),
the home page and the people directory.

``load_initial_data`` builds the home page, then runs every app's demo module, the one
its AppConfig names (``demo = "research.demo"``), in ``INSTALLED_APPS`` order: home
first (people, whom research links as authors), then research, then careers (whose
story lists publications). Each module's ``load(home, report)`` keys what it creates
by slug, so a second run changes nothing.
"""

import io
import json
from collections import Counter
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .models import HomePage, Organization, Person, Team

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


def demo_loaders():
    """Each installed app's demo ``load(home, report)`` (its AppConfig's ``demo``), in order."""
    return [
        import_module(config.demo).load
        for config in apps.get_app_configs()
        if getattr(config, "demo", None)
    ]


def ensure_home(report):
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


def load(home, report):
    """Home's demo content besides the home page: the people directory."""
    load_organizations_and_teams(report)
    load_people(report)


#: People with a profile, with their team and role (the story is about one of them).
PEOPLE = {
    "Shoumik Palkar": {"role": "Software Engineer", "team": "photon-team"},
}


def load_organizations_and_teams(report):
    data = read_demo_file("site.json")
    organizations = {}
    for order, item in enumerate(data["organizations"]):
        organization, created = Organization.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "heading": item["heading"], "sort_order": order},
        )
        report.record("Organizations", created)
        organizations[organization.slug] = organization
    for order, item in enumerate(data["teams"]):
        _team, created = Team.objects.get_or_create(
            slug=slugify(item["name"]),
            defaults={
                "organization": organizations[item["organization"]],
                "name": item["name"],
                "description": item["description"],
                "sort_order": order,
            },
        )
        report.record("Teams", created)


def load_people(report):
    """People with a profile; publications link their author entries to them."""
    people = {}
    for name, details in PEOPLE.items():
        person, created = Person.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "role": details["role"],
                "team": Team.objects.filter(slug=details["team"]).first(),
                "photo": portrait_image(name, report),
            },
        )
        report.record("People", created)
        people[person.name] = person
    return people


def render_portrait(name, size=(800, 1000)):
    """A generated portrait card (initials on a gradient): demo content needs no network."""
    width, height = size
    image = PillowImage.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = (255, 54, 33), (27, 49, 57)
    for y in range(height):
        ratio = y / (height - 1)
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=width // 3)
    draw.text((width / 2, height / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return buffer


def portrait_image(name, report):
    image_model = get_image_model()
    title = f"Portrait of {name}"
    image = image_model.objects.filter(title=title).first()
    if image is not None:
        report.record("Images", created=False)
        return image
    buffer = render_portrait(name)
    image = image_model(title=title, description=f"Portrait card with the initials of {name}")
    image.file = ImageFile(buffer, name=f"{slugify(name)}-portrait.jpg")
    image.save()
    report.record("Images", created=True)
    return image
