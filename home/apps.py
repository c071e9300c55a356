from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from grapple.actions import register_page_model

        from . import models

        # Pages are exposed through grapple's page(urlPath:) with their own fields;
        # snippets (the people directory) get hand-written types in api/types.py.
        register_page_model(models.HomePage, "")
