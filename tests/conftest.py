"""Shared test set-up: the Hypothesis profiles (`ci`, reproducible, is the default)."""

from __future__ import annotations

import os

from hypothesis import settings

# Same examples on every run and machine, no example database to carry between runs, and a
# blob to reproduce any failure with @reproduce_failure. No deadline: Hypothesis's default
# fails an example that takes over 200 ms of wall-clock time, a timed assert that a busy
# machine breaks (speed is measured in bench/, never asserted).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
# HYPOTHESIS_PROFILE=dev explores new examples on each run.
settings.register_profile("dev", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
