"""Settings come from the environment in one place; a variable that is set but unusable is
named with what was wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.app import open_infrastructure
from api.settings import DatabaseSettings, JobSettings, Settings, SettingsError, SolverSettings
from solver.service import SolverRepairer


def test_the_defaults_are_the_embedded_service() -> None:
    settings = Settings.from_env({})
    assert settings.database.url == "sqlite:///mutualaid.db"
    assert settings.jobs.runner == "dask" and settings.jobs.dask_scheduler is None
    assert settings.solver.workers == 1 and settings.solver.repair_seconds == 1.0
    assert settings.solver.deterministic is False  # the time limit is what a coordinator waits


def test_every_variable_is_read() -> None:
    settings = Settings.from_env({
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
        "MUTUALAID_PORT": "8080",
        "MUTUALAID_SOLVER_TIME_LIMIT": "12.5",
        "MUTUALAID_SOLVER_WORKERS": "4",
        "MUTUALAID_REPAIR_SECONDS": "0.25",
        "MUTUALAID_JOB_RUNNER": "inprocess",
        "MUTUALAID_SOLVER_DETERMINISTIC": "true",
        "MUTUALAID_SOLVER_SUGGEST_WITHIN": "0.5",
    })  # fmt: skip
    assert settings.database.url.startswith("postgresql://")
    assert settings.server.port == 8080
    assert settings.solver.time_limit_seconds == 12.5 and settings.solver.workers == 4
    assert settings.solver.repair_seconds == 0.25
    assert settings.solver.suggest_within_seconds == 0.5
    assert settings.jobs.runner == "inprocess" and settings.solver.deterministic is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MUTUALAID_REPAIR_SECONDS", "0"),
        ("MUTUALAID_REPAIR_SECONDS", "soon"),
        ("MUTUALAID_SOLVER_SUGGEST_WITHIN", "-1"),
        ("MUTUALAID_SOLVER_SUGGEST_WITHIN", "nan"),
        ("MUTUALAID_SOLVER_WORKERS", "0"),
        ("MUTUALAID_JOB_RUNNER", "celery"),
        ("MUTUALAID_PORT", "70000"),
        # before: the server started, its job thread logged a traceback at every poll and
        # every solve stayed queued
        ("MUTUALAID_DASK_SCHEDULER", "nonsense"),
        ("MUTUALAID_DASK_SCHEDULER", "tcp://scheduler"),
        ("MUTUALAID_DASK_SCHEDULER", "tcp://scheduler:87860"),
        ("MUTUALAID_DASK_SCHEDULER", "http://scheduler:8786"),
    ],
)
def test_an_unusable_variable_is_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value) and value in str(caught.value)


def test_no_wait_for_suggestions_is_allowed_as_on_the_command_line() -> None:
    """MUTUALAID_SOLVER_SUGGEST_WITHIN=0 agrees with `solve --suggest-within 0`: the plan is
    given at once, every check after it."""
    settings = Settings.from_env({"MUTUALAID_SOLVER_SUGGEST_WITHIN": "0"})
    assert settings.solver.suggest_within_seconds == 0.0


def test_the_repair_budget_reaches_the_repairer(tmp_path: Path) -> None:
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{tmp_path / 'a.db'}"),
        solver=SolverSettings(repair_seconds=0.3),
        jobs=JobSettings(runner="inprocess"),
    )
    with open_infrastructure(settings) as infra:
        assert isinstance(infra.repairer, SolverRepairer)
        assert infra.repairer.settings.budget_seconds == 0.3


@pytest.mark.parametrize(
    "name",
    [
        "MUTUALAID_JOB_POLL_SECONDS",
        "MUTUALAID_JOB_HEARTBEAT_SECONDS",
        "MUTUALAID_JOB_LEASE_SECONDS",
        "MUTUALAID_NOTICES_POLL_SECONDS",
        "MUTUALAID_NOTICES_LEASE_SECONDS",
    ],
)
@pytest.mark.parametrize("value", ["inf", "1e10"])
def test_a_timer_too_long_to_wait_for_is_named(name: str, value: str) -> None:
    """A timer's seconds are handed to wait(), which refuses more than threading.TIMEOUT_MAX
    (about 292 years) with OverflowError: MUTUALAID_JOB_POLL_SECONDS=inf was accepted, and the
    job runner's thread died at its first idle wait, so no plan was ever solved again."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert name in str(caught.value) and value in str(caught.value)


@pytest.mark.parametrize(
    "address",
    ["tcp://10.0.0.5:8786", "tls://dask.example:8786", "10.0.0.5:8786", "tcp://[::1]:8786"],
)
def test_a_dask_scheduler_is_given_as_its_address(address: str) -> None:
    assert Settings.from_env({"MUTUALAID_DASK_SCHEDULER": address}).jobs.dask_scheduler == address
