"""``make mutation``'s own machinery (``benchmarks/mutation_run.py``): a fault there makes
every mutant "killed" and the score meaningless, as an emptied ``__builtins__`` once did
(every forked session crashed at its start, exit 1, 2,876 of 2,876 "killed")."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FORGET_THEN_USE_BUILTINS = """
import django
django.setup()
import cms.api.tags  # a mutated module with memos
cms.api.tags._listed["probe"] = 1
from benchmarks.mutation_run import forget_memos
forget_memos()
assert cms.api.tags._listed == {}, "the memo was kept"
print(callable(len), sorted([2, 1]), isinstance(ValueError(), BaseException))
"""


def test_forgetting_the_memos_of_a_forked_session_keeps_the_builtins():
    """A forked session forgets what mutated modules memoised before the fork, and must
    still be able to call ``callable``, ``sorted`` and catch exceptions afterwards."""
    ran = subprocess.run(
        [sys.executable, "-c", FORGET_THEN_USE_BUILTINS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split() == ["True", "[1,", "2]", "True"]


def test_every_mutant_re_tested_on_postgresql_names_tests_that_exist():
    """A test listed for a PostgreSQL re-test that no longer exists would make pytest
    exit 4 or 5, which the re-test records as neither killed nor survived."""
    from benchmarks.mutation import equivalent_mutants, postgresql_mutants

    listed = postgresql_mutants()
    assert listed
    assert not listed.keys() & equivalent_mutants()
    for name, tests in listed.items():
        assert tests, f"{name} names no test"
        for node_id in tests:
            path, _, function = node_id.partition("::")
            assert f"def {function}(" in (ROOT / path).read_text(), node_id


def test_each_run_keeps_the_killers_it_found_for_the_next(tmp_path, monkeypatch):
    """The next run tries a mutant's own killer first; a killer kept for a mutant that now
    survives would only cost time, one never written would cost every late kill again."""
    import json

    from benchmarks import mutation, mutation_run

    monkeypatch.setattr(mutation, "KILLERS", tmp_path / "killers.json")
    monkeypatch.setattr(mutation, "LOGS", tmp_path / "logs")
    monkeypatch.setattr(mutation_run, "MUTANT_LOG", tmp_path / "mutant-log.jsonl")
    mutation.KILLERS.write_text(
        json.dumps({"m.f__mutmut_1": "old::a", "m.f__mutmut_2": "old::b", "m.g__mutmut_9": "t::g"})
    )
    mutation_run.MUTANT_LOG.write_text(
        json.dumps({"mutant": "m.f__mutmut_1", "killer": "t::new", "tests": 1, "cpu": 0.5})
        + "\n"
        + json.dumps({"mutant": "m.f__mutmut_2", "killer": None, "tests": 9, "cpu": 4.0})
        + "\n"
    )
    mutation.LOGS.mkdir()
    (mutation.LOGS / "m.h__mutmut_3.log").write_text("...\nFAILED t::h - AssertionError\n")

    mutation._remember_killers(
        {"m.f__mutmut_1": "killed", "m.f__mutmut_2": "survived", "m.h__mutmut_3": "killed"}
    )

    assert json.loads(mutation.KILLERS.read_text()) == {
        "m.f__mutmut_1": "t::new",  # found again: the newest killer
        "m.g__mutmut_9": "t::g",  # not run this time: kept
        "m.h__mutmut_3": "t::h",  # a fresh-process re-test's first failure
    }


def test_a_mutant_is_tried_on_its_own_earlier_killer_first(monkeypatch):
    from benchmarks import mutation_run

    monkeypatch.setattr(mutation_run, "PREVIOUS_KILLERS", {"cms.x.x_f__mutmut_1": "t::c"})
    monkeypatch.setattr(mutation_run, "kill_history", lambda: ({}, {}))

    assert mutation_run.killers_first("cms.x.x_f__mutmut_1", ["t::a", "t::b", "t::c"]) == (
        ["t::c", "t::a", "t::b"],
        1,
    )
    assert mutation_run.killers_first("cms.x.x_f__mutmut_2", ["t::a", "t::b", "t::c"]) == (
        ["t::a", "t::b", "t::c"],
        0,
    )
