from django.apps import AppConfig

from cms.publishing import scope_lists


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research"
    default_auto_field = "django.db.models.BigAutoField"
    #: What research content grants the editor roles, and its demo content
    #: (composed by ``home.roles.ensure_roles`` and ``load_initial_data``).
    roles = "research.roles"
    demo = "research.demo"

    def ready(self):
        # Pages and snippets alike: each public type, with its fields and what they
        # need loaded and cost, is declared in api/types.py (pages through
        # cms.api.hints.expose_page, which registers them with grapple).
        from . import (
            models,  # noqa: F401
            signal_handlers,  # noqa: F401
        )
        from .api import types  # noqa: F401

        # Publications are listed by domain (``publications(domains:)``, a domain's
        # ``publicationCount``): a change purges the lists of the domain it was and is in.
        scope_lists(models.Publication, "domain")
