"""Create the development admin login and print it. Refuses to run outside DEBUG."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = settings.BASE_DIR / ".dev-admin-password"


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
        password = CREDENTIALS_FILE.read_text().strip() if CREDENTIALS_FILE.exists() else ""
        user = user_model.objects.filter(username=username).first()
        if user is None or not password or not user.check_password(password):
            password = password or secrets.token_urlsafe(12)
            CREDENTIALS_FILE.write_text(password + "\n")
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
