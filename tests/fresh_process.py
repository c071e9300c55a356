"""Run a snippet in a fresh Django process whose DATABASE_URL points where a test says.

The database connection is the test process's own, so an unreachable database is
tested in a new process: a real failed connection, not a mocked one.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

#: Where nothing answers: a PostgreSQL port nobody listens on, a SQLite file that
#: cannot be opened.
UNREACHABLE_DATABASES = {
    "postgresql": "postgres://postgres@127.0.0.1:1/test?connect_timeout=1",
    "sqlite": "sqlite:////nonexistent-directory/cms.sqlite3",
}


def run_in_fresh_process(code, database_url, timeout=300, **environment):
    """Run ``code`` under the test settings; returns (last stdout line as JSON, stderr)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": database_url,
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=timeout,  # a loaded machine can take a minute to start Django
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr
