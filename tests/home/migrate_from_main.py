"""Migrate a database built by main's migrations (people in careers) forward; run in a
fresh process on a database of its own (``test_people_migration.py``).

1. With ``MIGRATION_MODULES`` pointing at main's home, careers and research
   migrations (``tests/home/before_people``), migrate to their leaves by name.
2. Load the demo people, teams and organizations, the publications whose authors
   are linked to people, the employee story about one of them (with a revision and a
   reference-index row), and the roles' snippet permissions as main granted them.
   The models of that state are the migration state's (careers.Person), not the
   code's: today's code has no careers.Person to load them with.
3. Migrate with the real migrations, then read everything back through today's models.

Prints one line of JSON: what was there before and what is there after.
"""

import json
import uuid

import django
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

django.setup()

from home.demo import read_demo_file  # noqa: E402

BEFORE_PEOPLE = {
    app: f"tests.home.before_people.{app}.migrations" for app in ("home", "careers", "research")
}
#: The leaves of main's graph for these apps, migrated to by name.
MAIN_LEAVES = [
    ("home", "0001_initial"),
    ("careers", "0002_initial"),
    ("research", "0005_publication_doi_arxiv_id"),
]
#: The snippet permissions main's ``home/roles.py`` granted on people, teams, organizations.
MAIN_GROUP_PERMISSIONS = {
    "Editors": ["careers.view_person"],
    "Marketing": [
        f"careers.{action}_{model}"
        for model in ("organization", "team", "person")
        for action in ("add", "change", "delete")
    ],
}
STORY_PERSON = "Shoumik Palkar"


def migrate_to_main():
    with override_settings(MIGRATION_MODULES=BEFORE_PEOPLE):
        for app, name in MAIN_LEAVES:
            call_command("migrate", app, name, verbosity=0)
        call_command("migrate", verbosity=0)  # every other app, to its leaf
        executor = MigrationExecutor(connection)
        return executor.loader.project_state().apps


def load_main_content(apps):
    """The demo content of people and what points at them, through main's models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    site = read_demo_file("site.json")
    organization_model = apps.get_model("careers", "Organization")
    team_model = apps.get_model("careers", "Team")
    person_model = apps.get_model("careers", "Person")
    organizations = {
        item["slug"]: organization_model.objects.create(
            slug=item["slug"], name=item["name"], heading=item["heading"], sort_order=order
        )
        for order, item in enumerate(site["organizations"])
    }
    for order, item in enumerate(site["teams"]):
        team_model.objects.create(
            organization=organizations[item["organization"]],
            name=item["name"],
            slug=slugify(item["name"]),
            description=item["description"],
            sort_order=order,
        )
    teams = list(team_model.objects.order_by("pk"))
    people = [
        person_model.objects.create(
            name=STORY_PERSON, slug=slugify(STORY_PERSON), role="Software Engineer", team=teams[1]
        )
    ]
    # Every demo author a person too (main's demo linked the story's one only): more links.
    domain_model = apps.get_model("research", "ResearchDomain")
    publication_model = apps.get_model("research", "Publication")
    author_model = apps.get_model("research", "PublicationAuthor")
    publications = read_demo_file("publications.json")
    domains = {}
    for number, item in enumerate(publications["publications"][:12]):
        domain_name = item["domain"]
        if domain_name not in domains:
            domains[domain_name] = domain_model.objects.create(
                name=domain_name, slug=slugify(domain_name), sort_order=len(domains)
            )
        publication = publication_model.objects.create(
            title=item["title"],
            slug=f"{slugify(item['title'])[:200]}-{number}",
            sort_title=item["title"].lower(),
            search_title=item["title"].lower(),
            year=item["year"],
            domain=domains[domain_name],
        )
        for position, name in enumerate(item["authors"]):
            person = person_model.objects.filter(name=name).first()
            if person is None:
                person = person_model.objects.create(
                    name=name, slug=slugify(name), team=teams[len(people) % len(teams)]
                )
                people.append(person)
            author_model.objects.create(
                publication=publication, name=name, person=person, sort_order=position
            )

    # The story, as a page with a revision and the reference index row Wagtail keeps.
    page_model = apps.get_model("wagtailcore", "Page")
    story_model = apps.get_model("careers", "StoryPage")
    locale = apps.get_model("wagtailcore", "Locale").objects.first()
    root = page_model.objects.get(depth=1)
    story_type = content_type.objects.get_for_model(story_model)
    page_type = content_type.objects.get_for_model(page_model)
    person_type = content_type.objects.get_for_model(person_model)
    subject = people[0]
    story = story_model.objects.create(
        title=site["stories"][0]["title"],
        draft_title=site["stories"][0]["title"],
        slug="story",
        content_type=story_type,
        path=f"{root.path}{root.numchild + 1:04d}",
        depth=2,
        url_path="/story/",
        locale=locale,
        live=True,
        person=subject,
        team=subject.team,
        summary=site["stories"][0]["summary"],
        date=timezone.localdate(),
    )
    page_model.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)
    revision = apps.get_model("wagtailcore", "Revision").objects.create(
        content_type=story_type,
        base_content_type=page_type,
        object_id=str(story.pk),
        created_at=timezone.now(),
        object_str=story.title,
        content={"pk": story.pk, "title": story.title, "person": subject.pk},
    )
    story_model.objects.filter(pk=story.pk).update(
        latest_revision=revision, live_revision=revision
    )
    apps.get_model("wagtailcore", "ReferenceIndex").objects.create(
        content_type=story_type,
        base_content_type=page_type,
        object_id=str(story.pk),
        to_content_type=person_type,
        to_object_id=str(subject.pk),
        model_path="person",
        content_path="person",
        content_path_hash=uuid.uuid5(uuid.NAMESPACE_OID, "person"),
    )

    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    for group_name, names in MAIN_GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=group_name)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )


def snapshot_main(apps):
    content_type = apps.get_model("contenttypes", "ContentType")
    group_model = apps.get_model("auth", "Group")
    return {
        "content_types": {
            model: content_type.objects.get(app_label="careers", model=model).pk
            for model in ("organization", "team", "person")
        },
        **_rows(apps, "careers"),
        "groups": {
            group.name: sorted(
                [p.pk, p.content_type.model, p.codename] for p in group.permissions.all()
            )
            for group in group_model.objects.order_by("name")
        },
    }


def _rows(apps, people_app):
    """The same facts before and after, whichever app holds the people."""
    get = apps.get_model
    revision = get("wagtailcore", "Revision").objects.get()
    return {
        "organizations": list(get(people_app, "Organization").objects.values_list("pk", "slug")),
        "teams": list(get(people_app, "Team").objects.values_list("pk", "slug", "organization")),
        "people": list(
            get(people_app, "Person").objects.order_by("pk").values_list("pk", "slug", "team")
        ),
        "author_links": list(
            get("research", "PublicationAuthor")
            .objects.order_by("pk")
            .values_list("pk", "publication", "person")
        ),
        "story_subjects": list(get("careers", "StoryPage").objects.values_list("pk", "person")),
        "revision": [revision.pk, revision.content_type_id, revision.content["person"]],
        "reference": list(
            get("wagtailcore", "ReferenceIndex").objects.values_list(
                "to_content_type", "to_object_id"
            )
        ),
    }


def migrate_forward_and_read():
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex, Revision

    from careers.models import StoryPage
    from home.models import Person

    call_command("migrate", verbosity=0)
    # This process asked for content types before the migration; a new process would not
    # have them cached.
    ContentType.objects.clear_cache()
    subject = Person.objects.get(slug=slugify(STORY_PERSON))
    story = StoryPage.objects.get()
    after = {
        "content_types": {
            model: ContentType.objects.get(app_label="home", model=model).pk
            for model in ("organization", "team", "person")
        },
        "careers_content_types_left": sorted(
            ContentType.objects.filter(app_label="careers").values_list("model", flat=True)
        ),
        **_rows(apps, "home"),
        "groups": {
            group.name: sorted(
                [p.pk, p.content_type.model, p.codename] for p in group.permissions.all()
            )
            for group in Group.objects.order_by("name")
        },
        "marketing_can": sorted(
            f"{app_label}.{codename}"
            for app_label, codename in Group.objects.get(name="Marketing").permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
        "story_person": story.person.name,
        "story_team": story.team.slug,
        "revision_person": Revision.objects.get().as_object().person.slug,
        "references_to_subject": ReferenceIndex.get_references_to(subject).count(),
    }
    # Today's code writes too: a new person gets the next id, a rename is saved.
    newcomer = Person.objects.create(name="New Person", slug="new-person", team=subject.team)
    subject.name = f"{subject.name} (renamed)"
    subject.save()
    after["newcomer_id_is_new"] = newcomer.pk not in [pk for pk, *_ in after["people"]]
    after["renamed"] = Person.objects.get(pk=subject.pk).name
    return after


def run():
    apps = migrate_to_main()
    load_main_content(apps)
    before = snapshot_main(apps)
    after = migrate_forward_and_read()
    print(json.dumps({"before": before, "after": after}))
