"""The service's clock in the API and browser tests: pinned before the week they plan."""

from __future__ import annotations

import pendulum
import pytest

BEFORE_THE_WEEK = pendulum.datetime(2026, 11, 28, 9, 0, tz="UTC")
"""The service's moment in these tests, before the week they plan (world.WEEK, 2026-11-30):
repairs free to move any visit, as on any day before the week, whatever today's date."""


@pytest.fixture(autouse=True)
def before_the_week(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's clock pinned (`api.app.service_now`); a test moves it with its own
    `monkeypatch.setattr("api.app.utc_now", ...)`."""
    monkeypatch.setattr("api.app.utc_now", lambda: BEFORE_THE_WEEK)
