from django.apps import AppConfig


class CmsConfig(AppConfig):
    """The project package as an app: shared API machinery and its signal handlers."""

    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        from . import checks, signals  # noqa: F401 (checks registers itself)

        signals.connect()
