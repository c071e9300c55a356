"""Test helpers for webhooks: a real HTTP receiver on 127.0.0.1, the real task worker.

Time is driven explicitly (retries are made due, never slept for).
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.graphql import create_publication


class Receiver:
    """Records every request (a POST; a purge too); answers with the next status in
    ``statuses`` (then 200), and with the ``headers`` given (e.g. a ``Location``)."""

    def __init__(self, statuses=(), headers=None):
        self.requests = []
        self.statuses = list(statuses)
        self.headers = dict(headers or {})
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = {"method": self.command, "path": self.path}
                receiver.requests.append({**request, "headers": self.headers, "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()

            do_GET = do_POST  # a followed redirect would arrive as a GET
            do_PURGE = do_POST  # Varnish's purge method
            do_CONNECT = do_POST  # as an HTTP proxy: the tunnel an https request asks for

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks/cms"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def webhook_settings(**changes):
    """The test settings' CMS_WEBHOOKS (http and 127.0.0.1 allowed) with ``changes``."""
    return override_settings(CMS_WEBHOOKS={**settings.CMS_WEBHOOKS, **changes})


def run_worker():
    """Work the webhooks queue until nothing is due, as ``db_worker --batch`` does.

    It claims and runs tasks with django-tasks-db's own ``Worker.run_task``; only
    the loop is ours, because the command's loop closes the database connection
    between tasks, which would end the test's transaction on PostgreSQL.
    """
    worker = Worker(
        queue_names=["webhooks"],
        interval=0,
        batch=True,
        backend_name="webhooks",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    due = DBTaskResult.objects.ready().filter(backend_name="webhooks", queue_name="webhooks")
    for _ in range(100):  # bounded: a retry that is always due fails instead of spinning
        # Claimed in a transaction, as the command does (a savepoint inside a test's own).
        with transaction.atomic():
            task_result = due.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            return
        worker.run_task(task_result)
    pytest.fail("the webhooks queue is still not empty after 100 tasks")


def publish_new(django_capture_on_commit_callbacks, title="Quokka Genomics"):
    with django_capture_on_commit_callbacks(execute=True):
        return create_publication(title, domain="applications")
