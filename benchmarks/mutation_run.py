"""``mutmut run`` with the speed-ups ``make mutation`` needs to fit in an hour on 2 cores.

Started by ``benchmarks/mutation.py`` (``python -m benchmarks.mutation_run [NAME...]``,
in the project root, with the template-database environment). It is mutmut's own
``run`` command (the pinned mutmut 3.8.1, ``mutmut.__main__._run``) with four changes:

* **No second clean run.** After a fresh stats run (every selected test, traced), mutmut
  runs every selected test again, unmutated, to see them pass. The stats run already
  stops the run when a test fails, so on a fresh run that second pass (~4 minutes) is
  skipped. A re-test of named mutants still runs their tests clean first.
* **Mutants of functions that run at import are not run here.** Forked from a process
  that has already built the schema, they would never be switched on and would pay every
  test that reaches them to "survive". ``benchmarks/mutation.py`` re-tests them each in
  a fresh process afterwards.
* **Listed equivalents are not run.** A mutant named in
  ``benchmarks/mutation-equivalent.txt`` survives by definition; running it costs every
  test that reaches its function. It is recorded as skipped (and left out of the score).
* **Memos filled before the fork are emptied in each session.** The stats run calls
  every function unmutated in the process the sessions are forked from; a function whose
  answer is memoised there (a ``functools.cache``, or a module-level private dict such
  as ``cms.api.tags._listed``) is never called again in a forked session, so all its
  mutants "survive" (31 of 31 in ``cms.api.tags._model_of`` before). Each session
  starts by emptying the memos of the mutated modules (``forget_memos``).
* **The test that killed a sibling runs first.** mutmut runs a mutant's tests fastest
  first and stops at the first failure. Here the tests that killed other mutants of the
  same function come first (most kills first), then those that killed mutants of the same
  module, then the rest fastest first. Mutants of one function tend to die on the same
  test, so a kill found by a slow test is found once, not once per mutant. Up to three
  known killers run in a session of their own, before the rest is even collected.

Each forked mutant appends one line to ``mutants/mutant-log.jsonl``: the mutant,
the test that killed it (or none), how many tests ran and its CPU seconds. That is the
kill history the ordering reads, and what ``benchmarks/mutation.py`` reports the cost
from.
"""

import json
import os
import resource
import sys
import time
import tomllib
from collections import Counter

import mutmut.__main__ as mutmut_main
from mutmut.runners.harness import PytestRunner
from mutmut.utils.file_utils import change_cwd

from benchmarks.mutation import (
    MUTANTS,
    WORKERS,
    equivalent_mutants,
    import_time_functions,
    mutant_function,
    postgresql_mutants,
    previous_killers,
)

#: One JSON object per forked test session (see the module docstring).
MUTANT_LOG = MUTANTS / "mutant-log.jsonl"
#: The functions that run at import, as the probe found them (read by the re-test).
IMPORT_TIME_FUNCTIONS = MUTANTS / "import-time-functions.json"
#: mutmut's exit code for a mutant it did not run ("skipped").
SKIPPED = 34


def module_of(name):
    """``cms.api.pages.x_resolve_page__mutmut_3`` → ``cms.api.pages``."""
    return mutant_function(name).rsplit(".", 1)[0]


def logged_kills():
    """``(mutant, killing test id)`` for each killed mutant in ``MUTANT_LOG``, in order."""
    if not MUTANT_LOG.exists():
        return
    for line in MUTANT_LOG.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line being written by another session
        if entry.get("killer"):
            yield entry["mutant"], entry["killer"]


def kill_history():
    """``(kills by function, kills by module)``: Counters of killing test ids."""
    by_function, by_module = {}, {}
    for name, killer in logged_kills():
        by_function.setdefault(mutant_function(name), Counter())[killer] += 1
        by_module.setdefault(module_of(name), Counter())[killer] += 1
    return by_function, by_module


#: Read once, before the sessions are forked.
PREVIOUS_KILLERS = previous_killers()


def killers_first(mutant_name, tests):
    """``(tests, k)``: ``tests`` (fastest first) with the test that killed this mutant in
    an earlier run, then earlier killers of this function, then of this module, moved to
    the front, most kills first; ``k`` of them (at most ``KILLERS_ALONE``) are such
    killers."""
    by_function, by_module = kill_history()
    same_function = by_function.get(mutant_function(mutant_name), Counter())
    same_module = by_module.get(module_of(mutant_name), Counter())
    own = PREVIOUS_KILLERS.get(mutant_name)
    position = {test: index for index, test in enumerate(tests)}
    ordered = sorted(
        tests,
        key=lambda test: (test != own, -same_function[test], -same_module[test], position[test]),
    )
    known = sum(
        1
        for test in ordered[:KILLERS_ALONE]
        if test == own or same_function[test] or same_module[test]
    )
    return ordered, known


def forget_memos():
    """Empty what the mutated modules memoised before the fork: every ``functools`` cache
    and every module-level private lower-case dict (a memo by this project's naming;
    upper-case dicts such as ``NODE_TYPES`` are registries filled at import, re-tested in
    fresh processes instead)."""
    mutated = {path.removesuffix(".py").replace("/", ".") for path in _mutated_paths()}
    for name in mutated & sys.modules.keys():
        module = sys.modules[name]
        for attribute, value in list(vars(module).items()):
            if attribute.startswith("__"):
                continue  # ``__builtins__`` is a dict too: emptied, no builtin name is left
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
            elif isinstance(value, dict) and attribute.startswith("_") and attribute.islower():
                value.clear()


def _mutated_paths():
    with open(MUTANTS.parent / "pyproject.toml", "rb") as config:
        return tomllib.load(config)["tool"]["mutmut"]["source_paths"]


#: How many of the tests that killed siblings run in a session of their own first.
KILLERS_ALONE = 3


class _SessionLog:
    """A pytest plugin for one mutant's sessions: which test failed first, and the cost."""

    def __init__(self, mutant_name):
        self.mutant_name = mutant_name
        self.killer = None
        self.ran = 0

    def pytest_sessionstart(self, session):
        forget_memos()

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.ran += 1
        if report.failed and self.killer is None:
            self.killer = report.nodeid

    def write(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)  # this forked child's own
        entry = {
            "mutant": self.mutant_name,
            "killer": self.killer,
            "tests": self.ran,
            "cpu": round(usage.ru_utime + usage.ru_stime, 2),
        }
        with MUTANT_LOG.open("a") as log:
            log.write(json.dumps(entry) + "\n")


def _run_tests(self, *, mutant_name, tests):
    """``PytestRunner.run_tests``, killers first and logged (clean runs unchanged).

    The tests that killed siblings run first in a session of their own: pytest collects
    every test it is given before running the first, and a function reached by 500 tests
    in 35 files costs half a second of collection, more than the one test that kills
    most of its mutants. Only if they all pass does a second session run the rest."""
    if not mutant_name:
        with change_cwd("mutants"):
            return int(self.execute_pytest(self._pytest_args_regular_run(tests)))
    tests, known_killers = killers_first(mutant_name, list(tests))
    log = _SessionLog(mutant_name)
    batches = [tests[:known_killers], tests[known_killers:]] if known_killers else [tests]
    code = 0
    with change_cwd("mutants"):
        for batch in filter(None, batches):
            code = int(self.execute_pytest(self._pytest_args_regular_run(batch), plugins=[log]))
            if code != 0:
                break
    log.write()
    return code


def main(names):
    env = dict(os.environ)
    # Listed equivalents never run; mutants only PostgreSQL tells apart run there later.
    equivalent = equivalent_mutants() | postgresql_mutants().keys()
    fresh_stats = []
    collect_source_file_mutation_data = mutmut_main.collect_source_file_mutation_data
    run_stats_collection = mutmut_main.run_stats_collection
    get_mutant_runner = mutmut_main.get_mutant_runner

    def collect(*, mutant_names):
        mutants, by_path = collect_source_file_mutation_data(mutant_names=mutant_names)
        at_import = import_time_functions(env)
        IMPORT_TIME_FUNCTIONS.write_text(json.dumps(sorted(at_import)))
        kept = []
        for data, name, result in mutants:
            if name in equivalent:
                data.exit_code_by_key[name] = SKIPPED
                data.save()
            elif mutant_function(name) not in at_import:
                kept.append((data, name, result))
        print(
            f"    {len(mutants) - len(kept)} of {len(mutants)} mutants left to the fresh-process"
            " re-test or listed as equivalent"
        )
        return kept, by_path

    def stats_collection(runner, tests=None):
        if not tests:
            fresh_stats.append(True)
        return run_stats_collection(runner, tests)

    def mutant_runner(max_workers=1):
        runner = get_mutant_runner(max_workers)
        run_clean_tests = runner.run_clean_tests

        def clean_tests(tests):
            if fresh_stats and not names:
                print("    (skipped: the stats run just ran every test)")
                return 0
            return run_clean_tests(tests)

        runner.run_clean_tests = clean_tests
        return runner

    mutmut_main.collect_source_file_mutation_data = collect
    mutmut_main.run_stats_collection = stats_collection
    mutmut_main.get_mutant_runner = mutant_runner
    PytestRunner.run_tests = _run_tests
    started = time.monotonic()
    try:
        mutmut_main._run(names, WORKERS)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
    print(f"mutmut run: {(time.monotonic() - started) / 60:.1f} minutes")


if __name__ == "__main__":
    main(sys.argv[1:])
