"""A private production stack for fault tests and the soak: redis-server, PostgreSQL, gunicorn.

Each part runs on a free port of its own, in a temporary directory, started
and stopped only by this module (never the shared services). PostgreSQL's
``initdb``/``pg_ctl`` refuse to run as root, so as root they run as ``postgres``
through ``runuser``.

    with ProductionStack(workers=2) as stack:
        stack.redis.stop(); ...; stack.redis.start()
        stack.postgres.stop(); ...; stack.postgres.start()
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


#: The research page's query as the frontend sends it: what the soak load and the fault
#: tests ask the stack.
SEED_QUERY = """query ResearchPage($search: String, $domains: [String!], $after: String) {
  publications(search: $search, domains: $domains, first: 12, after: $after) {
    totalCount startPosition endPosition
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    domainFacets { slug name count selected }
    edges { node { slug title venue year url pdfUrl
      authors { name person { name slug } } domain { slug name } } }
  }
}"""


def missing_binaries():
    """What is missing to run the stack (empty when everything is there)."""
    needed = [Path(REDIS_SERVER), PG_BIN / "initdb", PG_BIN / "pg_ctl"]
    missing = [str(path) for path in needed if not path.exists()]
    if os.geteuid() == 0 and not shutil.which("runuser"):
        missing.append("runuser")
    return missing


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


class PrivateRedis:
    """A redis-server that keeps nothing on disk: a restart empties it (as in CI)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no", "--maxmemory", "256mb"]
            + ["--maxmemory-policy", "allkeys-lru"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def pause(self):
        """Hung but alive (SIGSTOP): connections open, nothing answers, the data stays."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


class PrivatePostgres:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="cms-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")

    def url(self, database="cms"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        subprocess.run(prefix + list(command), check=True, capture_output=True, timeout=120)

    def initialise(self):
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8",
        )  # fmt: skip
        self.start()
        self._run(
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-c", "CREATE DATABASE cms",
        )  # fmt: skip

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "start",
        )  # fmt: skip

    def stop(self):
        """A fast shutdown: open sessions are terminated, as in a real failover or crash."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class Gunicorn:
    def __init__(self, environment, workers, port=None, log_path=None):
        self.port = port or free_port()
        self.environment = {
            **environment,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.log_path = log_path
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "cms/gunicorn.conf.py"],
            cwd=BASE_DIR,
            env=self.environment,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("gunicorn did not become healthy")

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_rss_mb(self):
        """Resident memory of each worker, in MB."""
        sizes = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = round(int(line.split()[1]) / 1024, 1)
        return sizes

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL_DIR = BASE_DIR / "deploy" / "varnish"


class Varnish:
    """varnishd with the project's VCL (``deploy/varnish``), in front of ``backends``.

    The deployment's own part, ``origin.vcl``, is written for this instance (its
    app servers, and the addresses allowed to purge: the loopback by default),
    or read from the directory ``origin``.
    """

    def __init__(self, backends, purgers=("127.0.0.1", "::1"), port=None, origin=None):
        self.port = port or free_port()
        self.backends = backends
        self.purgers = purgers
        self.origin = origin  # a directory with the deployment's own origin.vcl
        self.directory = Path(tempfile.mkdtemp(prefix="cms-varnish-"))
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def origin_vcl(self):
        lines = [
            "probe healthz {",
            '    .url = "/healthz"; .interval = 1s; .timeout = 3s; .window = 5; .threshold = 3;',
            "}",
        ]
        for number, port in enumerate(self.backends, 1):
            address = f'.host = "127.0.0.1"; .port = "{port}"; .probe = healthz;'
            lines.append(f"backend app{number} {{ {address} }}")
        lines += ["acl purgers {", *(f'    "{address}";' for address in self.purgers), "}"]
        lines += ["sub vcl_init {", "    new origin = directors.round_robin();"]
        numbers = range(1, len(self.backends) + 1)
        lines += [f"    origin.add_backend(app{n});" for n in numbers]
        lines.append("    new alternatives = directors.shard();")
        lines += [f"    alternatives.add_backend(app{n});" for n in numbers]
        lines += ["    alternatives.reconfigure();", "}"]
        return "\n".join(lines) + "\n"

    def start(self):
        origin = self.origin or self.directory
        if self.origin is None:
            (self.directory / "origin.vcl").write_text(self.origin_vcl())
        self.process = subprocess.Popen(
            [
                VARNISHD, "-F", "-j", "none",
                "-a", f"127.0.0.1:{self.port}",
                "-f", str(VCL_DIR / "default.vcl"),
                "-p", f"vcl_path={origin}:{VCL_DIR}",
                "-n", str(self.directory / "work"),
                "-s", "malloc,256m",
            ],
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "varnishd.log", "wb"),  # noqa: SIM115
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.directory / "varnishd.log").read_text(errors="replace")
                raise RuntimeError(f"varnishd exited with {self.process.returncode}:\n{log}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.2)
        raise TimeoutError(f"varnishd does not listen on {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


class ProductionStack:
    """Private Redis and PostgreSQL (migrated, demo content), gunicorn on production settings.

    ``app_servers`` gunicorn instances, each on a port of its own; with ``edge``,
    Varnish in front of them (``varnish``), as ``make serve`` runs it.
    """

    def __init__(
        self, *, workers=1, extra_environment=None, log_path=None, app_servers=1, edge=False
    ):
        self.redis = PrivateRedis()
        self.postgres = PrivatePostgres()
        self.media = Path(tempfile.mkdtemp(prefix="cms-media-"))
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "private-stack-only-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.postgres.url(),
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.media),
            "LOG_FORMAT": "plain",
            "GUNICORN_ACCESS_LOG": "/dev/null",
            **(extra_environment or {}),
        }
        self.environment.pop("TEST_REDIS_URL", None)
        self.app_servers = [
            Gunicorn(self.environment, workers, log_path=log_path) for _ in range(app_servers)
        ]
        self.gunicorn = self.app_servers[0]
        self.varnish = Varnish([app.port for app in self.app_servers]) if edge else None

    def manage(self, *arguments):
        return subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.environment,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def start(self):
        try:
            self.redis.start()
            self.postgres.initialise()
            self.manage("migrate", "--noinput")
            self.manage("load_initial_data")
            for app in self.app_servers:
                app.start()
            if self.varnish:
                self.varnish.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stop everything this stack started; each step runs even if another fails."""
        edge = [self.varnish.stop] if self.varnish else []
        apps = [app.stop for app in self.app_servers]
        for step in (*edge, *apps, self.redis.stop, self.postgres.destroy):
            try:
                step()
            except Exception as error:  # keep stopping the rest
                print(f"stopping the private stack: {error}", file=sys.stderr)
        shutil.rmtree(self.media, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
