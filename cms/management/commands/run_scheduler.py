"""Run Wagtail's ``publish_scheduled`` until stopped: at least every ``--interval``
seconds, and right when the next scheduled go-live or expiry time comes.

``make run`` starts it beside the development server. In production run it as
its own process (or call ``manage.py publish_scheduled`` from cron every
minute, to the minute); see the README.
"""

import time
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.scheduling import next_scheduled_change

#: Wagtail publishes what is due strictly before "now": wake a moment after the time.
MARGIN = timedelta(milliseconds=200)


class Command(BaseCommand):
    help = "Publish scheduled content and unpublish expired content, on time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=60.0, help="Longest wait between rounds (s)."
        )
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")

    def handle(self, *args, interval, once, **options):
        self.stdout.write(f"Publishing scheduled content (at least every {interval:g} s)")
        while True:
            try:
                call_command("publish_scheduled", verbosity=0)
                wait, due = self.wait_after_round(interval)
            except Exception as error:  # keep the loop alive; the next round retries
                self.stderr.write(f"publish_scheduled failed: {error}")
                wait, due = interval, None
            if due is not None:
                self.stdout.write(f"Next scheduled change at {due.isoformat()}")
            self.stdout.write(f"Next round in {wait:.1f} s")
            if once:
                return
            time.sleep(wait)

    @staticmethod
    def wait_after_round(interval):
        """Seconds until the next round, and the scheduled time it is for (if sooner)."""
        now = timezone.now()
        due = next_scheduled_change(now)
        if due is None or (due - now).total_seconds() >= interval:
            return interval, None
        return max((due + MARGIN - now).total_seconds(), 0.0), due
