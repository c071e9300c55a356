from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The public GraphQL API as an app of its own, so that it subscribes to publishing's
    events (``cms.publishing``) from above: publishing never imports the API."""

    name = "cms.api"
    label = "cms_api"
    verbose_name = "CMS API"

    def ready(self):
        from . import cache

        cache.subscribe()
