from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "careers"
    verbose_name = "Careers"
    default_auto_field = "django.db.models.BigAutoField"

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
