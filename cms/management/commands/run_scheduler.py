"""Run Wagtail's ``publish_scheduled`` every ``--interval`` seconds, until stopped.

``make run`` starts it beside the development server. In production run it as
its own process (or call ``manage.py publish_scheduled`` from cron every
minute); see the README.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Publish scheduled content and unpublish expired content, every minute."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, interval, once, **options):
        self.stdout.write(f"Publishing scheduled content every {interval:g} s")
        while True:
            try:
                call_command("publish_scheduled", verbosity=0)
            except Exception as error:  # keep the loop alive; the next round retries
                self.stderr.write(f"publish_scheduled failed: {error}")
            if once:
                return
            time.sleep(interval)
