from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers"
    default_auto_field = "django.db.models.BigAutoField"
    #: What careers content grants the editor roles, and its demo content
    #: (composed by ``home.roles.ensure_roles`` and ``load_initial_data``).
    roles = "careers.roles"
    demo = "careers.demo"

    def ready(self):
        from grapple.actions import register_page_model

        from . import models  # noqa: F401

        # Pages are exposed through grapple's page(urlPath:) with their own fields;
        # snippets get hand-written types in api/types.py instead of grapple's.
        for page_model in (
            models.CareersPage,
            models.StoryIndexPage,
            models.StoryPage,
        ):
            register_page_model(page_model, "")
