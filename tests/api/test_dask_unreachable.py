# distributed's LocalCluster is only partly annotated.
# mypy: disable-error-code="no-untyped-call"
"""A well-formed Dask scheduler address where nothing answers (or a scheduler that dies): the
coordinator is told, in the plan's status over HTTP and on the plan page, in their language,
that plans cannot be solved now and why; the log says it in one line (no traceback at each
poll); and solves resume by themselves once a scheduler answers there. States are waited for;
no time is asserted."""

from __future__ import annotations

import dataclasses
import logging
import socket
from typing import Any

import pytest
import yaml
from distributed import LocalCluster
from litestar.testing import TestClient

from api.app import create_app
from api.dask_jobs import DaskJobRunner
from api.settings import Settings
from mutualaid.services import access, roster, weeks

from .conftest import bearer, infra, wait_for
from .test_dask import AREA, DONE, SCENARIO, STATE_WAIT, WEEK
from .test_pages import csrf

LOGGERS = ("api.dask_jobs", "api.jobs")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Kept(logging.Handler):
    """The runner's log records (the app configures logging as it starts: pytest's caplog
    is not among its handlers)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def said_lost(kept: Kept) -> list[logging.LogRecord]:
    return [r for r in kept.records if "does not answer" in r.getMessage()]


def tracebacks(kept: Kept) -> list[logging.LogRecord]:
    return [r for r in kept.records if r.exc_info and r.levelno >= logging.WARNING]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_said_once_shown_to_the_coordinator_and_solves_resume(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    jobs = dataclasses.replace(
        settings.jobs, runner="dask", dask_scheduler=address, poll_seconds=0.2,
        dask_connect_seconds=1.0,
    )  # fmt: skip
    steps = [0]
    step = DaskJobRunner.step

    def counted(self: DaskJobRunner) -> bool:
        steps[0] += 1
        return step(self)

    monkeypatch.setattr(DaskJobRunner, "step", counted)
    kept = Kept()
    with TestClient(create_app(dataclasses.replace(settings, jobs=jobs))) as client:
        for name in LOGGERS:  # before the first poll can fail (it waits connect_seconds)
            logging.getLogger(name).addHandler(kept)
        uow = infra(client).uow
        roster.create_area(uow(), access.CLI, AREA, "建中街", "Asia/Shanghai")
        data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
        weeks.import_scenario(uow(), access.CLI, AREA, WEEK, data)
        _, secret = access.create_token(uow(), access.CLI, "coordinator", [AREA], name="李主任")
        headers = bearer(secret)

        def status(ident: str, lang: str = "en") -> dict[str, Any]:
            answer = client.get(f"/plans/{ident}", headers={**headers, "Accept-Language": lang})
            assert answer.status_code == 200, answer.text
            found: dict[str, Any] = answer.json()
            return found

        def request() -> str:
            made = client.post(f"/weeks/{WEEK}/plans?area={AREA}", headers=headers)
            assert made.status_code == 202, made.text
            ident: str = made.json()["id"]
            return ident

        # nothing listens: the plan waits, and says why
        first = request()
        waiting = wait_for(lambda: status(first)["cannot_solve_now"], timeout=STATE_WAIT)
        assert address in waiting and "cannot be solved now" in waiting
        assert status(first)["status"] == "queued"
        zh = status(first, "zh")["cannot_solve_now"]
        assert "调度器" in zh and address in zh
        # the page says it too, in the coordinator's language
        client.post("/", data={"token": secret, "_csrf_token": csrf(client)})
        page = client.get(f"/desk/{AREA}/weeks/{WEEK}/plans/{first}").text
        assert 'id="progress-trouble"' in page and "调度器" not in page
        assert address in page.split('id="progress-trouble"')[1].split("</p>")[0]
        progress = client.get(f"/desk/plans/{first}/progress").json()
        assert progress["trouble"] and address in progress["trouble"]
        # many polls later: one line in the log, no traceback
        polled = steps[0]
        wait_for(lambda: steps[0] >= polled + 3, timeout=STATE_WAIT)
        assert len(said_lost(kept)) == 1, [r.getMessage() for r in said_lost(kept)]
        assert not tracebacks(kept)

        # a scheduler comes up at the address: the plan is solved without anyone asking
        cluster = LocalCluster(
            scheduler_port=port, processes=False, n_workers=1, threads_per_worker=2,
            dashboard_address=":0",
        )  # fmt: skip
        try:
            done = wait_for(
                lambda: (p := status(first))["status"] in DONE and p, timeout=STATE_WAIT
            )  # fmt: skip
            assert done["status"] in ("optimal", "feasible"), done["error"]
            assert infra(client).runner.trouble() is None
            assert any("answers again" in r.getMessage() for r in kept.records)
        finally:
            cluster.close()

        # the scheduler dies: said again (once), and the next plan waits saying why
        second = request()
        waiting = wait_for(lambda: status(second)["cannot_solve_now"], timeout=STATE_WAIT)
        assert address in waiting
        polled = steps[0]
        wait_for(lambda: steps[0] >= polled + 3, timeout=STATE_WAIT)
        assert len(said_lost(kept)) == 2, [r.getMessage() for r in said_lost(kept)]
        assert not tracebacks(kept)
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(kept)
