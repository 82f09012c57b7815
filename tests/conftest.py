"""Shared test set-up: the Hypothesis profiles (`ci`, reproducible, is the default) and the
order of the tests (slow first)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Same examples on every run and machine, no example database to carry between runs, and a
# blob to reproduce any failure with @reproduce_failure. No deadline: Hypothesis's default
# fails an example that takes over 200 ms of wall-clock time, a timed assert that a busy
# machine breaks (speed is measured in bench/, never asserted).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
# HYPOTHESIS_PROFILE=dev explores new examples on each run.
settings.register_profile("dev", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


DURATIONS = Path(__file__).parent / "durations.json"
"""Seconds per test of the tests that took at least `LONG` in a recorded run (nodeid ->
seconds): `MUTUALAID_RECORD_DURATIONS=1 .venv/bin/pytest -n 2 -m slow` rewrites it. Only the
order of the slow tests depends on it; a test it does not know counts as short."""
LONG = 1.0


def _known() -> dict[str, float]:
    try:
        return {str(k): float(v) for k, v in json.loads(DURATIONS.read_text("utf-8")).items()}
    except (OSError, ValueError):
        return {}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, the longest of them first (`DURATIONS`), then the short ones in
    their own order (a stable sort; last, after tests/browser has marked its walks slow).
    With `--dist worksteal` (pyproject's addopts) each worker runs its half in order and the
    idle one steals the end of the other's: in collection order the property runs came last
    and held one worker for minutes while the other stood idle, and among the slow tests the
    alphabet put the longest (the suggestions' promise, the time knapsack's brute force) late,
    where they were stolen last and ran alone.
    The slow tests go a module at a time, the module of the most known seconds first, each
    module's tests in pytest's own order: sorted test by test, a module's tests came apart
    among other modules' (test_dask.py's 12 in 11 runs, test_schema_fuzz.py's 157 in 8, its
    SQLite and PostgreSQL cases alternating), and pytest built a module's fixtures again for
    every run (the fuzzed app and its schema 11 times, test_access.py's two areas 10 times, a
    two-process Dask cluster 6 times) where pytest's order builds each once per kind."""
    known = _known()
    module: dict[str, float] = {}
    for item in items:
        if item.get_closest_marker("slow") is not None:
            name = item.nodeid.split("::")[0]
            module[name] = module.get(name, 0.0) + known.get(item.nodeid, 0.0)
    items.sort(
        key=lambda item: (
            item.get_closest_marker("slow") is None,
            -module.get(item.nodeid.split("::")[0], 0.0),
            item.nodeid.split("::")[0],
        )
    )


_took: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if os.environ.get("MUTUALAID_RECORD_DURATIONS"):
        _took[report.nodeid] = _took.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """With MUTUALAID_RECORD_DURATIONS set, the run's long tests are written to `DURATIONS`
    (by the controller only: under xdist the workers' reports reach it too)."""
    if not os.environ.get("MUTUALAID_RECORD_DURATIONS") or hasattr(session.config, "workerinput"):
        return
    long = {k: round(v, 1) for k, v in sorted(_took.items(), key=lambda kv: -kv[1]) if v >= LONG}
    DURATIONS.write_text(json.dumps(long, indent=1, ensure_ascii=False) + "\n", "utf-8")
