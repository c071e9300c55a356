"""Mutation testing (``make mutation``): would the API tests notice a planted bug?

mutmut (configured in ``pyproject.toml``, ``[tool.mutmut]``) copies the project to
``mutants/``, makes one small change at a time (a ``<`` for a ``<=``, a dropped call, a
wrong constant) in the modules that decide what the public sees and what it costs, and
runs the non-browser tests that reach the changed function, stopping at the first
failure. A change no test notices ("survivor") is a bug the suite would let through.

Survivors that cannot change behaviour are listed with the reason in
``benchmarks/mutation-equivalent.txt``; they are left out of the score. Every other
survivor is written to ``benchmarks/results/mutation-survivors.txt``. The last line
printed is ``mutation score: N% (killed K of T)``.

Runs on SQLite: the first test session seeds a template database and every later
one (one per mutant) works on a copy of it (``tests/conftest.py``). A few mutants change
only SQL that SQLite runs either way (a cast of ids to text, which PostgreSQL needs):
listed with their tests in ``benchmarks/mutation-postgresql.txt``, they are re-tested on
PostgreSQL instead (``MUTATION_DATABASE_URL``, by default the local ``cms_mutation``).

mutmut picks the mutant when a mutated function is *called* (a "trampoline" reads
``MUTANT_UNDER_TEST``), in test sessions forked from one process that has already
started Django and built the schema. A function that runs only at import (building
the GraphQL types, wiring the signals) would never run as a mutant there and would
always "survive". So this script asks a fresh process which functions run while
Django starts and the schema is built, and re-tests their mutants each in a fresh
``pytest`` process of its own, where the import itself runs the mutant
(``retest_import_time``).

    python -m benchmarks.mutation            # a fresh run over everything
    python -m benchmarks.mutation NAME...    # re-test these mutants (globs allowed)
    python -m benchmarks.mutation --report   # only summarise the last (or a running) run
"""

import fnmatch
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
MUTMUT = Path(sys.executable).with_name("mutmut")
EQUIVALENT = ROOT / "benchmarks" / "mutation-equivalent.txt"
#: Mutants only PostgreSQL tells apart (``name  test…  # why``): SQLite runs their SQL
#: just as well. Re-tested on PostgreSQL, each in a fresh process (``retest_on_postgresql``).
ON_POSTGRESQL = ROOT / "benchmarks" / "mutation-postgresql.txt"
#: The PostgreSQL database of those re-tests (pytest-django works on ``test_`` + its name).
POSTGRESQL_URL = os.environ.get(
    "MUTATION_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cms_mutation"
)
SURVIVORS = ROOT / "benchmarks" / "results" / "mutation-survivors.txt"
#: ``{mutant: test}``: the test that killed each mutant when it was last run, kept across
#: runs (``report`` merges each run in). A run tries a mutant's own killer first: most of a
#: run's CPU went to mutants whose killer came late in their tests (a mutant killed after
#: 40 tests costs 15 s, one killed by its first test 0.6 s).
KILLERS = ROOT / "benchmarks" / "results" / "mutation-killers.json"
#: The output of each fresh-process run (``retest_import_time``).
LOGS = MUTANTS / "import-time-logs"
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")


#: Tests for mutants of functions that run at import: the committed schema (descriptions,
#: types, fields), the signal wiring (cache invalidation, webhooks), the gates the
#: schema build installs (media, choosers, preview) and the list sizes types declare
#: for the cost estimate (limits). Fastest first: the run stops at the
#: first failure. Most import-time mutants change the built schema, so the committed-SDL
#: test (no database) runs first; pytest-django would run it after every database test
#: (a minute and a half), so ``CMS_TESTS_FIRST`` moves it back to the front
#: (``tests/conftest.py``). One process per mutant: a second stage would pay Django's
#: start-up again.
SCHEMA_TEST = "tests/cms/test_schema.py::test_committed_schema_matches_the_code"
IMPORT_TIME_TESTS = [
    SCHEMA_TEST,
    "tests/cms/test_cache_invalidation.py",
    "tests/cms/test_webhooks.py",
    "tests/cms/test_public_surface.py",
    "tests/cms/test_preview.py",
    "tests/cms/test_visibility.py",
    "tests/cms/test_relay_nodes.py",
    "tests/cms/test_schema.py",
    "tests/cms/test_api_limits.py",
]
#: Test sessions at once: twice the cores. Many tests wait on a clock (webhook time-outs,
#: rate-limit windows, a private Redis starting), and with one session per core the
#: machine sat half idle (5.7 CPU minutes of sessions in 5.5 minutes on 2 cores).
WORKERS = 2 * (os.cpu_count() or 1)
#: Seconds a fresh-process session (at import, or on PostgreSQL) may take before its
#: mutant counts as a hang.
IMPORT_TIME_LIMIT = 1800
#: mutmut's exit codes: pytest's (0 passed, 1 a test failed, 5 no test) and its timeout.
TIMEOUT_EXIT_CODE = 36
KILLED = 1
#: pytest's exit code when a test module fails to import (with ``-x``).
PYTEST_INTERRUPTED = 2
STATUS = {0: "survived", 1: "killed", 5: "no tests", TIMEOUT_EXIT_CODE: "timeout"}
#: What a fresh process imports before the first test: Django, the URLconf, the schema.
IMPORT_PROBE = """
import json, django
django.setup()
import cms.urls, cms.api.schema
from mutmut.state import state
print(json.dumps(sorted(state()._stats)))
"""


def equivalent_mutants():
    """Names listed in the equivalents file: ``name  reason`` per line, ``#`` comments."""
    return set(_listed(EQUIVALENT))


def postgresql_mutants():
    """``{name: [test node id, …]}`` from the PostgreSQL list (``#`` starts the reason)."""
    return _listed(ON_POSTGRESQL)


def _listed(path):
    listed = {}
    for line in path.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            listed[words[0]] = words[1:]
    return listed


def results():
    """``{mutant name: status}`` from the last run (killed, survived, no tests, timeout…)."""
    output = subprocess.run(
        [MUTMUT, "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        match[1]: match[2].strip()
        for match in map(RESULT_LINE.match, output.splitlines())
        if match
    }


def previous_killers():
    return json.loads(KILLERS.read_text()) if KILLERS.exists() else {}


def _remember_killers(status):
    """Merge this run's killers into ``KILLERS``: a killed mutant's killer replaces the
    old one, a surviving mutant's is dropped, the rest (not run) are kept."""
    from benchmarks.mutation_run import logged_kills

    found = dict(logged_kills())
    if LOGS.exists():
        for log in LOGS.glob("*.log"):
            killer = _first_failure(log.read_text(errors="replace"))
            if killer:
                found[log.stem] = killer
    killers = previous_killers()
    for name, state in status.items():
        if state in ("killed", "timeout") and name in found:
            killers[name] = found[name]
        elif state == "survived":
            killers.pop(name, None)
    KILLERS.write_text(json.dumps(killers, indent=0, sort_keys=True) + "\n")


def diff_of(name):
    """``mutmut show NAME``'s diff, without a process per survivor."""
    from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

    return get_diff_for_mutant(name, path=find_mutant(name).path).strip()


def seed_template(env):
    """Seed the template database once, before mutmut traces every call (much slower)."""
    MUTANTS.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--reuse-db"]
        + ["tests/cms/test_graphql_mounted.py"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def import_time_functions(env):
    """Mangled names of the mutated functions that run while Django starts and the
    schema is built, as mutmut's trampolines record them in a fresh process."""
    probe = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        cwd=MUTANTS,
        env={**env, "MUTANT_UNDER_TEST": "stats", "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(probe.stdout.strip().splitlines()[-1]))


def mutant_function(name):
    """``cms.api.pages.x_resolve_page__mutmut_3`` → ``cms.api.pages.x_resolve_page``."""
    return name.rsplit("__mutmut_", 1)[0]


def _meta_files():
    return sorted(MUTANTS.rglob("*.py.meta"))


def tests_by_function():
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text())
    return stats["tests_by_mangled_function_name"], stats["duration_by_test"]


def retest_import_time(env, names=None, workers=2):
    """Re-test, each in a fresh ``pytest`` process, the mutants of functions that run at
    import (``benchmarks/mutation_run.py`` leaves them out of mutmut's forked sessions,
    where they would never be switched on) and record the verdicts in mutmut's own
    files, so ``mutmut results``/``show`` report them. Listed equivalents are not run."""
    from benchmarks.mutation_run import IMPORT_TIME_FUNCTIONS

    if IMPORT_TIME_FUNCTIONS.exists():
        at_import = set(json.loads(IMPORT_TIME_FUNCTIONS.read_text()))
    else:
        at_import = import_time_functions(env)
    equivalent = equivalent_mutants() | postgresql_mutants().keys()
    tests, durations = tests_by_function()
    jobs = []
    for meta in _meta_files():
        for name in json.loads(meta.read_text())["exit_code_by_key"]:
            if mutant_function(name) not in at_import or name in equivalent:
                continue
            if names and not any(fnmatch.fnmatch(name, pattern) for pattern in names):
                continue
            reached = sorted(tests.get(mutant_function(name), ()), key=durations.get)
            rest = [t for t in reached if t not in IMPORT_TIME_TESTS]
            jobs.append((meta, name, IMPORT_TIME_TESTS + rest))
    print(f"{len(jobs)} mutants of functions that run at import: each in a fresh process")
    LOGS.mkdir(exist_ok=True)
    verdicts = {}
    killers = {}  # function → Counter of the tests that killed its mutants
    previous = previous_killers()
    running = []
    while jobs or running:
        while jobs and len(running) < workers:
            meta, name, tests = jobs.pop(0)
            # A fresh process costs its Django start-up plus every test before the first
            # failure: the tests that killed this function's other mutants go first.
            first = [previous[name]] if name in previous else []
            first += [
                test
                for test, _ in killers.get(mutant_function(name), Counter()).most_common()
                if test not in first
            ]
            first += [SCHEMA_TEST] if SCHEMA_TEST not in first else []
            process = subprocess.Popen(
                _fresh_pytest("--timeout=0", *first, *(t for t in tests if t not in first)),
                cwd=MUTANTS,
                env={**env, "MUTANT_UNDER_TEST": name, "CMS_TESTS_FIRST": "\n".join(first)},
                stdout=(LOGS / f"{name}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            running.append((process, meta, name, time.monotonic()))
        time.sleep(0.2)
        for job in list(running):
            process, meta, name, started = job
            if process.poll() is None and time.monotonic() - started > IMPORT_TIME_LIMIT:
                process.kill()  # hangs: a timeout, as mutmut counts one
                process.wait()
                code = TIMEOUT_EXIT_CODE
            elif process.poll() is None:
                continue
            else:
                code = process.returncode
            running.remove(job)
            log = (LOGS / f"{name}.log").read_text(errors="replace")
            if code == PYTEST_INTERRUPTED and "error during collection" in log:
                code = KILLED  # the mutant breaks the import of the tests: nothing can run
            _record(verdicts, meta, name, code)
            killer = _first_failure(log)
            if killer:
                killers.setdefault(mutant_function(name), Counter())[killer] += 1
    _save(verdicts)


def _first_failure(log):
    """The node id of the test that failed first in a fresh-process log's text, if any."""
    for line in log.splitlines():
        if line.startswith("FAILED "):
            return line.split()[1]
    return None


def retest_on_postgresql(env, names=None):
    """Re-test the listed mutants that only PostgreSQL tells apart, one after another
    (they share the test database), each in a fresh ``pytest`` process on PostgreSQL
    running its listed tests; record the verdicts in mutmut's files."""
    listed = {
        name: tests
        for name, tests in postgresql_mutants().items()
        if not names or any(fnmatch.fnmatch(name, pattern) for pattern in names)
    }
    print(f"{len(listed)} mutants only PostgreSQL tells apart: each on PostgreSQL")
    if not listed:
        return
    on_postgresql = {**env, "DATABASE_URL": POSTGRESQL_URL}
    verdicts = {}
    for meta in _meta_files():
        for name in json.loads(meta.read_text())["exit_code_by_key"]:
            if name not in listed:
                continue
            command = _fresh_pytest(*listed[name])
            with (LOGS / f"{name}.log").open("w") as log:
                try:
                    code = subprocess.run(
                        command,
                        cwd=MUTANTS,
                        env={**on_postgresql, "MUTANT_UNDER_TEST": name},
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        timeout=IMPORT_TIME_LIMIT,
                    ).returncode
                except subprocess.TimeoutExpired:  # killed: a hang, as mutmut counts one
                    code = TIMEOUT_EXIT_CODE
            _record(verdicts, meta, name, code)
    _save(verdicts)


def _fresh_pytest(*arguments):
    """The command of a fresh-process re-test: stops at the first failure, in a fixed
    order, on the test database the first such process created."""
    fixed = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--reuse-db"]
    return [sys.executable, "-m", "pytest", *fixed, *arguments]


def _record(verdicts, meta, name, code):
    verdicts.setdefault(meta, {})[name] = code
    print(f"    {name}: {STATUS.get(code, 'suspicious')}")


def _save(verdicts):
    """Write the verdicts into mutmut's own files, where ``mutmut results`` reads them."""
    for meta, codes in verdicts.items():
        data = json.loads(meta.read_text())
        data["exit_code_by_key"].update(codes)
        meta.write_text(json.dumps(data, indent=4))


def report(minutes=None):
    status = results()
    equivalent = equivalent_mutants() & status.keys()
    unchecked = {name for name, state in status.items() if state == "not checked"}
    counted = {
        name: state
        for name, state in status.items()
        if name not in equivalent and name not in unchecked
    }
    killed = sorted(name for name, state in counted.items() if state in ("killed", "timeout"))
    survivors = sorted(set(counted) - set(killed))
    SURVIVORS.parent.mkdir(parents=True, exist_ok=True)
    _remember_killers(status)
    SURVIVORS.write_text(
        "".join(f"# {name}: {counted[name]}\n{diff_of(name)}\n\n" for name in survivors)
    )
    print(f"{len(equivalent)} equivalent mutants left out ({EQUIVALENT.relative_to(ROOT)})")
    if unchecked:
        print(f"{len(unchecked)} mutants not checked yet (the run is incomplete)")
    print(f"{len(survivors)} survivors written to {SURVIVORS.relative_to(ROOT)}")
    if minutes is not None:
        print(f"took {minutes:.0f} minutes")
    print(cost_summary())
    score = 100 * len(killed) / len(counted) if counted else 0
    print(f"mutation score: {score:.0f}% (killed {len(killed)} of {len(counted)})")


def cost_summary():
    """Seconds per forked mutant session (CPU), from ``mutants/mutant-log.jsonl``."""
    from benchmarks.mutation_run import MUTANT_LOG

    if not MUTANT_LOG.exists():
        return "no forked mutant sessions logged"
    entries = [json.loads(line) for line in MUTANT_LOG.read_text().splitlines() if line]
    if not entries:
        return "no forked mutant sessions logged"
    cpu = sorted(entry["cpu"] for entry in entries)
    killed = [entry for entry in entries if entry["killer"]]
    return (
        f"{len(entries)} forked mutant sessions: {sum(cpu) / 60:.0f} CPU minutes, "
        f"median {cpu[len(cpu) // 2]:.1f} s, mean {sum(cpu) / len(cpu):.1f} s; "
        f"{len(killed)} killed after "
        f"{sum(entry['tests'] for entry in killed) / max(len(killed), 1):.1f} tests on average"
    )


def main(args):
    os.chdir(ROOT)
    if args == ["--report"]:
        report()
        return
    env = {
        **os.environ,
        "CMS_TEST_DB_TEMPLATE": str(MUTANTS / "template-db.sqlite3"),
        "CMS_TEST_MEDIA_ROOT": str(MUTANTS / "template-media"),
    }
    env.pop("DATABASE_URL", None)  # SQLite: copies of one seeded file
    # The fresh processes import the project's (mutated) modules: compiled once, not in
    # each of them (the venv's packages are compiled at install, see the Makefile).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.monotonic()
    print(f"load average at the start: {load_average()}")
    if not args:
        shutil.rmtree(MUTANTS, ignore_errors=True)  # fresh: no result kept from older code
    seed_template(env)
    run = subprocess.run([sys.executable, "-m", "benchmarks.mutation_run", *args], env=env)
    if run.returncode != 0:
        sys.exit(f"mutmut run failed (exit {run.returncode})")
    retest_import_time(env, args, workers=WORKERS)
    retest_on_postgresql(env, args)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"CPU time of all test processes: {(children.ru_utime + children.ru_stime) / 60:.0f}"
        f" minutes on {os.cpu_count()} cores; load average at the end: {load_average()}"
    )
    report((time.monotonic() - started) / 60)


def load_average():
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main(sys.argv[1:])
