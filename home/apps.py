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
        # Pages and snippets alike: each public type, with its fields and what they
        # need loaded and cost, is declared in api/types.py (pages through
        # cms.api.hints.expose_page, which registers them with grapple).
        from . import models  # noqa: F401
        from .api import types  # noqa: F401
