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
one (one per mutant) works on a copy of it (``tests/conftest.py``).

    python -m benchmarks.mutation            # a fresh run over everything
    python -m benchmarks.mutation NAME...    # re-test these mutants (globs allowed)
    python -m benchmarks.mutation --report   # only summarise the last (or a running) run
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
MUTMUT = Path(sys.executable).with_name("mutmut")
EQUIVALENT = ROOT / "benchmarks" / "mutation-equivalent.txt"
SURVIVORS = ROOT / "benchmarks" / "results" / "mutation-survivors.txt"
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")


def equivalent_mutants():
    """Names listed in the equivalents file: ``name  reason`` per line, ``#`` comments."""
    names = set()
    for line in EQUIVALENT.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line.split()[0])
    return names


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


def diff_of(name):
    return subprocess.run(
        [MUTMUT, "show", name], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


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
    SURVIVORS.write_text(
        "".join(f"# {name}: {counted[name]}\n{diff_of(name)}\n\n" for name in survivors)
    )
    print(f"{len(equivalent)} equivalent mutants left out ({EQUIVALENT.relative_to(ROOT)})")
    if unchecked:
        print(f"{len(unchecked)} mutants not checked yet (the run is incomplete)")
    print(f"{len(survivors)} survivors written to {SURVIVORS.relative_to(ROOT)}")
    if minutes is not None:
        print(f"took {minutes:.0f} minutes")
    score = 100 * len(killed) / len(counted) if counted else 0
    print(f"mutation score: {score:.0f}% (killed {len(killed)} of {len(counted)})")


def main(args):
    if args == ["--report"]:
        report()
        return
    env = {
        **os.environ,
        "CMS_TEST_DB_TEMPLATE": str(MUTANTS / "template-db.sqlite3"),
        "CMS_TEST_MEDIA_ROOT": str(MUTANTS / "template-media"),
    }
    env.pop("DATABASE_URL", None)  # SQLite: copies of one seeded file
    started = time.monotonic()
    if not args:
        shutil.rmtree(MUTANTS, ignore_errors=True)  # fresh: no result kept from older code
    seed_template(env)
    run = subprocess.run([MUTMUT, "run", *args], cwd=ROOT, env=env)
    if run.returncode != 0:
        sys.exit(f"mutmut run failed (exit {run.returncode})")
    report((time.monotonic() - started) / 60)


if __name__ == "__main__":
    main(sys.argv[1:])
