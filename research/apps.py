from django.apps import AppConfig

from cms.publishing import browse_lists_ignore, scope_lists


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
        # Lists without a search filter by live state, domain and year, order by title,
        # year and date added, and count by domain: an edit of anything else purges the
        # answers that show the paper (and, for what a search matches or a lookup finds
        # by, every search), and the seed page and its next pages stay cached.
        browse_lists_ignore(
            models.Publication,
            shown=[
                "url",
                "doi",
                "arxiv_id",
                "pdf",
                # Wagtail's record of drafts, revisions and locks.
                "latest_revision",
                "live_revision",
                "has_unpublished_changes",
                "first_published_at",
                "last_published_at",
                "locked",
                "locked_at",
                "locked_by",
            ],
            searched=["slug", "venue", "abstract", "search_title"],
        )
