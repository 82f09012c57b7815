"""Shared test set-up: the Hypothesis profiles (`ci`, reproducible, is the default) and the
order of the tests (slow first)."""

from __future__ import annotations

import os

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, each group in its own order (a stable sort; last, after
    tests/browser has marked its walks slow). With `--dist worksteal` (pyproject's addopts)
    the two workers start on the long tests and share the thousands of short ones at the
    end; in collection order the property runs came last and held one worker for minutes
    while the other stood idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
