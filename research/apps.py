from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research"
    default_auto_field = "django.db.models.BigAutoField"
    #: What research content grants the editor roles, and its demo content
    #: (composed by ``home.roles.ensure_roles`` and ``load_initial_data``).
    roles = "research.roles"
    demo = "research.demo"

    def ready(self):
        from grapple.actions import register_page_model

        from . import models, signal_handlers  # noqa: F401

        # Pages are exposed through grapple's page(urlPath:) with their own fields;
        # snippets get hand-written types in api/types.py instead of grapple's.
        for page_model in (models.ResearchPage,):
            register_page_model(page_model, "")
