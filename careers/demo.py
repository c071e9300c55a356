"""Load the seed's organizations, teams, careers pages and employee story (idempotent)."""

import io

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from home.demo import ensure_child_page, read_demo_file
from home.models import Organization, Person, Team
from research.models import Publication

from .models import CareersPage, StoryIndexPage, StoryPage, StoryRelatedPublication

OPEN_ROLES_URL = "https://www.databricks.com/company/careers/open-positions"

#: The story's person, with the team and role the story is about.
STORY_PEOPLE = {
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
    for name, details in STORY_PEOPLE.items():
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


def load_careers_pages(home, report):
    data = read_demo_file("site.json")
    careers_data = data["careers"]
    careers = ensure_child_page(
        home,
        CareersPage,
        "careers",
        {
            "title": careers_data["title"],
            "heading": careers_data["heading"],
            "intro": careers_data["intro"],
            "cta_label": careers_data["call_to_action"]["label"],
            "cta_url": OPEN_ROLES_URL,
        },
        report,
    )
    section = data["stories_section"]
    stories = ensure_child_page(
        careers,
        StoryIndexPage,
        "stories",
        {"title": section["heading"], "intro": section["intro"]},
        report,
    )
    for story in data["stories"]:
        load_story(stories, story, report)
    return careers


def load_story(index, data, report):
    person = Person.objects.filter(name=data["employee"]).first()
    related = [
        {"publication": publication}
        for title in data["related_publications"]
        if (publication := Publication.objects.filter(title=title).first())
    ]
    portrait = person.photo if person else None
    body = [("paragraph", RichText(f"<p>{data['summary']}</p>"))]
    if portrait is not None:
        body.append(("image", {"image": portrait, "caption": data["employee"], "alt_text": ""}))
    return ensure_child_page(
        index,
        StoryPage,
        slugify(data["title"]),
        {
            "title": data["title"],
            "person": person,
            "person_name": "" if person else data["employee"],
            "role": person.role if person else "",
            "team": person.team if person else None,
            "portrait": portrait,
            "summary": data["summary"],
            "body": body,
            "related_publications": [
                StoryRelatedPublication(sort_order=position, **item)
                for position, item in enumerate(related)
            ],
        },
        report,
    )
