"""Print where the development site is and how to log in, once the server answers.

`make run` starts the server and this in the background, so the block comes last, after
the server's own start-up lines, instead of scrolling away in the set-up output."""

import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from .ensure_dev_admin import admin_url, credentials_file, shown_path


def wait_for_server(host, port, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                message = f"Nothing answers on {host}:{port} after {timeout} s."
                raise CommandError(message) from None
            time.sleep(0.2)


class Command(BaseCommand):
    help = "Print the development URLs and login (waits for the server with --wait-for)."

    def add_arguments(self, parser):
        parser.add_argument("--wait-for", metavar="HOST:PORT", help="wait until it accepts")
        parser.add_argument("--timeout", type=float, default=120.0)
        parser.add_argument("--username", default="admin")

    def handle(self, *args, wait_for, timeout, username, **options):
        if not settings.DEBUG:
            raise CommandError("dev_welcome is for development only (DEBUG is off).")
        if wait_for:
            host, _, port = wait_for.rpartition(":")
            host = "127.0.0.1" if host in {"", "0.0.0.0"} else host.strip("[]")  # noqa: S104
            wait_for_server(host, int(port), timeout)
        server = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        stored = credentials_file()
        password = stored.read_text().strip() if stored.exists() else "?"
        rule = "─" * 64
        self.stdout.write(
            "\n".join(
                [
                    "",
                    rule,
                    f"  Frontend  {settings.FRONTEND_URL.rstrip('/')}/",
                    f"  Admin     {admin_url()}",
                    f"  GraphQL   {server}/graphql/  (GraphiQL in a browser)",
                    f"  Login     {username} / {password}",
                    f"            (development only; stored in {shown_path(stored)})",
                    "  Ctrl-C stops the server, the scheduler and the webhook worker.",
                    rule,
                    "",
                ]
            )
        )
