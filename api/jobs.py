"""Where solves run: the solver behind the Planner port, and the in-process job runner (a
dispatcher thread that claims queued plans and solves them off the event loop).

A Dask runner can replace `InProcessJobRunner` behind the same JobRunner port: the use cases
in `mutualaid.services.jobs` (claim, run with heartbeats, validate, finish) stay as they are.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

import solver
from api.settings import JobSettings, SolverSettings
from mutualaid.domain.model import Scenario
from mutualaid.services.jobs import RunOptions, UowFactory, run_next_plan
from mutualaid.services.ports import Json, Planner, Progress

log = logging.getLogger(__name__)


class SolverPlanner:
    """CP-SAT (`solver.solve`) as the services' Planner."""

    def __init__(self, settings: SolverSettings) -> None:
        self.settings = settings

    def budget(self, scenario: Scenario) -> float:
        return self.settings.time_limit_seconds or scenario.settings.time_limit_seconds

    def plan(self, scenario: Scenario, progress: Progress) -> Json:
        options = solver.SolveOptions(
            time_limit=self.settings.time_limit_seconds, workers=self.settings.workers
        )

        def report(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
            progress({"served": dict(served), "bound": dict(bound), "elapsed": round(elapsed, 2)})

        return solver.solve(scenario, options, report).to_json(scenario)


class InProcessJobRunner:
    """One dispatcher thread: claim a plan, solve it, repeat; idle, it waits to be told of a
    new plan (`submit`) or polls for plans it was not told about."""

    def __init__(self, new_uow: UowFactory, planner: Planner, settings: JobSettings) -> None:
        self.new_uow = new_uow
        self.planner = planner
        self.settings = settings
        self.worker = f"inprocess-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name="mutualaid-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current solve's next progress report (its plan is taken again
        when its lease runs out)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def submit(self, plan_id: str) -> None:
        self._wake.set()

    def _loop(self) -> None:
        options = RunOptions(
            worker=self.worker,
            lease_seconds=self.settings.lease_seconds,
            heartbeat_seconds=self.settings.heartbeat_seconds,
            stopping=self._stopping.is_set,
        )
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                ran = run_next_plan(self.new_uow, self.planner, options)
            except Exception:  # the database went away for a moment: keep the runner alive
                log.exception("job runner: running the next plan failed")
                ran = None
            if ran is None:
                self._wake.wait(self.settings.poll_seconds)
