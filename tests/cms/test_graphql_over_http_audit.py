"""The GraphQL-over-HTTP audit (graphql-http's ``serverAudits``) passes against the live server.

``tests/http_audit/`` pins graphql-http (the spec's reference audit) with npm;
``make test`` installs it (``npm ci``). The audit sends real HTTP requests, so it
runs against pytest-django's live server, which needs transactional tests: the
demo content is restored before the test (``serialized_rollback``), as for the
browser tests.

A failed MUST ("error") or SHOULD ("warn") fails the test. A failed MAY
("notice") is allowed only when it is listed in ``ALLOWED_NOTICES`` with the
reason this API chose otherwise.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

AUDIT_DIR = Path(__file__).resolve().parents[1] / "http_audit"
NODE = shutil.which("node")

#: MAY audits this API does not follow, and why.
ALLOWED_NOTICES = {}

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_audit(url):
    if NODE is None or not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        message = "node or graphql-http missing: `make test` installs it (npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    completed = subprocess.run(
        [NODE, str(AUDIT_DIR / "audit.mjs"), url],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def describe(results):
    return "\n".join(
        f"{r['id']} {r['status']}: {r['name']}" + (f" ({r['reason']})" if r.get("reason") else "")
        for r in results
    )


def test_the_graphql_over_http_audit_passes_every_must_and_should(live_server):
    results = run_audit(f"{live_server.url}/graphql/")
    print(describe(results))  # shown with -s or on failure: every audit and its outcome

    assert len(results) >= 60, describe(results)
    failed = [r for r in results if r["status"] in {"error", "warn"}]
    assert not failed, describe(failed)
    unexpected_notices = [
        r for r in results if r["status"] == "notice" and r["id"] not in ALLOWED_NOTICES
    ]
    assert not unexpected_notices, describe(unexpected_notices)
