"""The job runner's poll failing with something other than a lost scheduler (the database gone
away, a store answering what the runner cannot read): the log says it in one line when it
begins (no traceback at each poll) and one when it ends, the coordinator is told that plans
cannot be solved now and why (over HTTP, and on the plan and week pages at their first render,
no script needed), and queued plans are solved once it clears. SQLite and PostgreSQL; states
are waited for, no time is asserted."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import yaml
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from api.app import create_app
from api.jobs import InProcessJobRunner
from api.settings import Settings
from mutualaid.services import access, roster, weeks

from .conftest import bearer, infra, wait_for
from .test_dask import AREA, DONE, SCENARIO, STATE_WAIT, WEEK
from .test_dask_unreachable import Kept, tracebacks
from .test_pages import csrf


def said_failing(kept: Kept) -> list[logging.LogRecord]:
    return [r for r in kept.records if "a dispatcher step failed" in r.getMessage()]


def said_again(kept: Kept) -> list[logging.LogRecord]:
    return [r for r in kept.records if "work again" in r.getMessage()]


@contextmanager
def served(
    settings: Settings, kept: Kept | None = None
) -> Iterator[tuple[TestClient[Any], dict[str, str], str, Kept]]:
    """The app (an in-process runner polling often, unless `settings` name another), the
    week stored, a coordinator's headers and secret, and the runners' log records."""
    if settings.jobs.runner == "inprocess":
        settings = dataclasses.replace(
            settings, jobs=dataclasses.replace(settings.jobs, poll_seconds=0.05)
        )  # fmt: skip
    kept = kept or Kept()
    loggers = [logging.getLogger(name) for name in ("api.jobs", "api.dask_jobs")]
    with TestClient(create_app(settings)) as client:
        for logger in loggers:
            logger.addHandler(kept)
        try:
            uow = infra(client).uow
            roster.create_area(uow(), access.CLI, AREA, "建中街", "Asia/Shanghai")
            data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
            weeks.import_scenario(uow(), access.CLI, AREA, WEEK, data)
            _, secret = access.create_token(uow(), access.CLI, "coordinator", [AREA], name="李")
            yield client, bearer(secret), secret, kept
        finally:
            for logger in loggers:
                logger.removeHandler(kept)


def counted_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    steps = [0]
    step = InProcessJobRunner.step

    def counted(self: InProcessJobRunner) -> bool:
        steps[0] += 1
        return step(self)

    monkeypatch.setattr(InProcessJobRunner, "step", counted)
    return steps


def solved(client: TestClient[Any], headers: dict[str, str]) -> str:
    made = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=headers)
    assert made.status_code == 202, made.text
    ident: str = made.json()["id"]
    wait_for(
        lambda: client.get(f"/plans/{ident}", headers=headers).json()["status"] in DONE,
        timeout=STATE_WAIT,
    )  # fmt: skip
    return ident


def test_a_database_gone_from_under_the_runner_is_said_once_and_its_end_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = counted_steps(monkeypatch)
    with served(settings) as (client, headers, _, kept):
        engine = infra(client).engine
        runner = infra(client).runner
        renamed = False
        try:
            with engine.begin() as db:  # the runner's claim reads this table: it fails
                db.execute(text("ALTER TABLE plans RENAME TO plans_gone"))
            renamed = True
            wait_for(lambda: runner.trouble() is not None, timeout=STATE_WAIT)
            at = steps[0]
            wait_for(lambda: steps[0] >= at + 10, timeout=STATE_WAIT)  # many polls fail
            trouble = runner.trouble()
            assert trouble is not None and trouble.code == "solver_failing"
            assert "plans" in str(trouble.params["error"])
            assert len(said_failing(kept)) == 1, [r.getMessage() for r in kept.records]
            assert tracebacks(kept) == []
            with engine.begin() as db:
                db.execute(text("ALTER TABLE plans_gone RENAME TO plans"))
            renamed = False
            wait_for(lambda: runner.trouble() is None, timeout=STATE_WAIT)
            assert len(said_again(kept)) == 1
            ident = solved(client, headers)
            assert client.get(f"/plans/{ident}", headers=headers).json()["cannot_solve_now"] is None
            assert len(said_failing(kept)) == 1 and len(said_again(kept)) == 1
        finally:
            if renamed:
                with engine.begin() as db:
                    db.execute(text("ALTER TABLE plans_gone RENAME TO plans"))


def test_a_failing_runner_is_shown_to_the_coordinator_at_once_and_solves_resume(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = counted_steps(monkeypatch)
    with served(settings) as (client, headers, secret, kept):
        runner = infra(client).runner
        assert isinstance(runner, InProcessJobRunner)
        own = runner.new_uow

        def gone() -> Any:
            raise OperationalError("SELECT plans", {}, Exception("server closed the connection"))

        runner.new_uow = gone  # only the runner's store fails: the API still answers
        made = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=headers)
        assert made.status_code == 202, made.text
        ident = made.json()["id"]

        def plan(lang: str = "en") -> dict[str, Any]:
            answer = client.get(f"/plans/{ident}", headers={**headers, "Accept-Language": lang})
            assert answer.status_code == 200, answer.text
            found: dict[str, Any] = answer.json()
            return found

        said = wait_for(lambda: plan()["cannot_solve_now"], timeout=STATE_WAIT)
        assert "cannot be solved now" in said and "server closed the connection" in said
        assert plan()["status"] == "queued"
        assert "目前无法求解计划" in plan("zh")["cannot_solve_now"]
        at = steps[0]
        wait_for(lambda: steps[0] >= at + 10, timeout=STATE_WAIT)
        assert len(said_failing(kept)) == 1 and tracebacks(kept) == []
        # the pages say it at their first render (no script: one GET, no reload)
        client.post("/", data={"token": secret, "_csrf_token": csrf(client)})
        page = client.get(f"/desk/{AREA}/weeks/{WEEK}/plans/{ident}").text
        box = page.split('id="progress-trouble"')[1].split("</p>")[0]
        assert "hidden" not in box.split(">")[0] and "server closed the connection" in box
        week = client.get(f"/desk/{AREA}/weeks/{WEEK}").text
        assert 'id="week-trouble"' in week
        assert "server closed the connection" in week.split('id="week-trouble"')[1].split("</p>")[0]
        week_zh = client.get(f"/desk/{AREA}/weeks/{WEEK}", headers={"Accept-Language": "zh"}).text
        assert "目前无法求解计划" in week_zh
        # it clears: the queued plan is solved without anyone asking, and no one is told more
        runner.new_uow = own
        wait_for(lambda: plan()["status"] in DONE, timeout=STATE_WAIT)
        assert plan()["cannot_solve_now"] is None
        assert 'id="week-trouble"' not in client.get(f"/desk/{AREA}/weeks/{WEEK}").text
        assert len(said_again(kept)) == 1
