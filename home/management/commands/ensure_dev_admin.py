"""Create the development admin login and print it. Refuses to run outside DEBUG."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


def credentials_file():
    """The file holding the login (``DEV_ADMIN_PASSWORD_FILE``; ``.dev-admin-password``)."""
    default = settings.BASE_DIR / ".dev-admin-password"
    return Path(getattr(settings, "DEV_ADMIN_PASSWORD_FILE", default))


def shown_path(path):
    """The file as the closing block names it: relative to the checkout when inside it."""
    return (
        str(path.relative_to(settings.BASE_DIR))
        if path.is_relative_to(settings.BASE_DIR)
        else str(path)
    )


def admin_url():
    """The admin on the server's own address (``make run PORT=N`` sets the base URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/"


class Command(BaseCommand):
    help = "Create (once) and print the development-only admin login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_dev_admin is for development only (DEBUG is off).")
        user_model = get_user_model()
        stored = credentials_file()
        password = stored.read_text().strip() if stored.exists() else ""
        user = user_model.objects.filter(username=username).first()
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            stored.write_text(password + "\n")
            user = user or user_model(username=username, email=f"{username}@example.com")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
        if options["verbosity"] < 1:
            return  # make run prints the login in its closing block (dev_welcome)
        self.stdout.write(
            self.style.WARNING(
                f"Development admin (development only): {admin_url()} "
                f"username “{username}”, password “{password}”"
            )
        )
