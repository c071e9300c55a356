"""Load the seed's careers pages and employee story (idempotent)."""

from django.utils.text import slugify
from wagtail.rich_text import RichText

from home.demo import ensure_child_page, read_demo_file
from home.models import Person
from research.models import Publication

from .models import CareersPage, StoryIndexPage, StoryPage, StoryRelatedPublication

OPEN_ROLES_URL = "https://www.databricks.com/company/careers/open-positions"


def load(home, report):
    """The careers pages and the story; the home page's call to action opens careers."""
    careers = load_careers_pages(home, report)
    if home.cta_page_id is None:
        home.cta_page = careers
        home.save_revision(log_action=False).publish(log_action=False)


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
