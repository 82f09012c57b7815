"""Where solves run: the in-process job runner (a dispatcher thread that claims queued plans and
solves them off the event loop with the Planner, `solver.service.SolverPlanner`).

A Dask runner (`api.dask_jobs`) replaces `InProcessJobRunner` behind the same JobRunner port,
on the same dispatcher thread (`Dispatcher`): the use cases in `mutualaid.services.jobs`
(claim, run with heartbeats, validate, finish) stay as they are.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from api.settings import JobSettings
from mutualaid.domain.plan import Reason
from mutualaid.services.jobs import RunOptions, UowFactory, run_next_plan
from mutualaid.services.ports import Planner
from solver.service import rescored

log = logging.getLogger(__name__)


class Dispatcher:
    """A job runner's dispatcher thread: `start` runs `step` in it until `stop`; a step that
    did nothing waits to be told of a new plan (`submit`) or `poll_seconds` at most."""

    thread_name = "mutualaid-jobs"
    stop_seconds = 30.0
    """How long `stop` waits for the thread by default."""

    def __init__(self, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the current step (a solve stops at its next progress report; its plan
        is taken again when its lease runs out)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.stop_seconds if timeout is None else timeout)
            self._thread = None

    def submit(self, plan_id: str) -> None:
        self._wake.set()

    def trouble(self) -> Reason | None:
        """Why queued plans cannot be solved now, or None (a thread in this process always
        can; the Dask runner says when its scheduler does not answer)."""
        return None

    def step(self) -> bool:
        """Do one piece of work in the thread; whether there was any."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the steps opened, in the thread, as it ends."""

    def _loop(self) -> None:
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                try:
                    busy = self.step()
                except Exception:  # the database (or scheduler) went away for a moment
                    log.exception("%s: a dispatcher step failed", self.thread_name)
                    busy = False
                if not busy:
                    self._wake.wait(self.poll_seconds)
        finally:
            self.close()


class InProcessJobRunner(Dispatcher):
    """Claims a plan and solves it in the dispatcher thread, one plan at a time."""

    def __init__(self, new_uow: UowFactory, planner: Planner, settings: JobSettings) -> None:
        super().__init__(settings.poll_seconds)
        self.new_uow = new_uow
        self.planner = planner
        self.settings = settings
        self.worker = f"inprocess-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.options = RunOptions(
            worker=self.worker,
            lease_seconds=settings.lease_seconds,
            heartbeat_seconds=settings.heartbeat_seconds,
            stopping=self._stopping.is_set,
            rescore=rescored,
        )

    def step(self) -> bool:
        return run_next_plan(self.new_uow, self.planner, self.options) is not None
