"""Where the benchmarks leave their results: ``benchmarks/results/<date>-<kind>.{json,txt}``."""

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write(kind, report, text):
    """``report`` as JSON and ``text`` beside it, dated by ``report["date"]``."""
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{report['date'][:10]}-{kind}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    stem.with_suffix(".txt").write_text(text)
    print(f"written to {stem}.json and .txt")
