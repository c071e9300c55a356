from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Home"
    default_auto_field = "django.db.models.BigAutoField"
    #: What the people directory grants the editor roles, and its demo content
    #: (composed by ``home.roles.ensure_roles`` and ``load_initial_data``).
    roles = "home.roles"
    demo = "home.demo"

    def ready(self):
        from grapple.actions import register_page_model

        from . import models

        # Pages are exposed through grapple's page(urlPath:) with their own fields;
        # snippets (the people directory) get hand-written types in api/types.py.
        register_page_model(models.HomePage, "")
