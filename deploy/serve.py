"""``make serve``: the production-like stack on one machine, Varnish in front.

PostgreSQL and Redis as they run here (``SERVE_DATABASE_URL``, default the
``cms_serve`` database on 127.0.0.1:5432; ``SERVE_REDIS_URL``, default Redis
database 2 on 127.0.0.1:6379), two gunicorn instances on production settings
(ports 8001 and 8002, the app servers ``deploy/varnish/origin.vcl`` names),
the scheduler and the webhook worker, and varnishd on ``SERVE_PORT`` (8080)
with ``deploy/varnish/default.vcl``. The database is migrated and the demo
content loaded first. Ctrl-C stops everything it started.

A secret key for this machine is generated once into ``.serve-secret-key``
(git-ignored); nothing secret is in the repository.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks.stack import VCL_DIR, Gunicorn, Varnish  # noqa: E402

APP_PORTS = (8001, 8002)


def secret_key():
    path = BASE_DIR / ".serve-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def environment(port=None, database_url=None, redis_url=None):
    """The stack's environment: production settings, purges sent to the Varnish on ``port``.

    ``make serve`` takes every value from ``SERVE_*`` variables; ``make bench-edge``
    passes its own port, database and Redis, so it never touches the shared ones.
    """
    port = port or os.environ.get("SERVE_PORT", "8080")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secret_key(),
        "DATABASE_URL": database_url
        or os.environ.get("SERVE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_serve"),
        "REDIS_URL": redis_url or os.environ.get("SERVE_REDIS_URL", "redis://127.0.0.1:6379/2"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on this machine
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "VARNISH_PURGE_URLS": f"http://127.0.0.1:{port}",  # purged by tag on every change
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port},http://localhost:{port}",
        "MEDIA_ROOT": str(BASE_DIR / "media"),
        "GUNICORN_ACCESS_LOG": os.environ.get("GUNICORN_ACCESS_LOG", "/dev/null"),
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
    }


def create_database(url):
    """The database of ``url`` on its server, created when missing (PostgreSQL only)."""
    if not url.startswith("postgres"):
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=True)


def prepare(env):
    """The database migrated with the demo content loaded, and the static files collected.

    Nothing is purged meanwhile: Varnish is not running yet and starts empty.
    """
    env = {**env, "VARNISH_PURGE_URLS": ""}
    create_database(env["DATABASE_URL"])
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_initial_data", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")


def start(env, app_ports=APP_PORTS, port=8080, origin=VCL_DIR, quiet=False):
    """Start the gunicorn instances on ``app_ports``, the scheduler, the webhook worker and
    Varnish on ``port``; the parts started, in order, for ``stop``.

    ``origin``: the directory of the deployment's ``origin.vcl`` (``deploy/varnish``,
    which names ports 8001 and 8002); ``None`` writes one for ``app_ports``.
    """
    started = []
    output = subprocess.DEVNULL if quiet else None
    try:
        for app_port in app_ports:
            app = Gunicorn(env, int(env["WEB_CONCURRENCY"]), port=app_port)
            app.start()
            started.append(app)
        for command in (
            ["run_scheduler"],
            ["db_worker", "--backend", "webhooks", "--queue-name", "webhooks", "--no-reload"],
        ):
            started.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", *command],
                    cwd=BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=output,
                )
            )
        edge = Varnish(app_ports, port=port, origin=origin)
        edge.start()
        started.append(edge)
    except BaseException:
        stop(started)
        raise
    return started


def stop(started):
    """Stop what ``start`` started, the edge first."""
    for part in reversed(started):
        if isinstance(part, subprocess.Popen):
            part.terminate()
            part.wait(timeout=30)
        else:
            part.stop()


def main():
    env = environment()
    prepare(env)
    started = []
    try:
        started = start(env, port=int(os.environ.get("SERVE_PORT", "8080")))
        edge = started[-1]
        print(
            f"\nServing through Varnish at {edge.url}/ (GraphQL at {edge.url}/graphql/, "
            f"admin at {edge.url}/admin/);\napp servers at "
            + ", ".join(f"http://127.0.0.1:{port}/" for port in APP_PORTS)
            + ". Ctrl-C stops everything.",
            flush=True,
        )
        # Ctrl-C, even when started from a shell that ignores it in the background.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop(started)


if __name__ == "__main__":
    main()
