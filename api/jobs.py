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
from mutualaid.domain.plan import Reason, reason
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
        self._failure: Reason | None = None
        """While steps fail with something other than a lost scheduler (the database gone,
        a scheduler answering what we cannot read): what coordinators are told; None while
        steps work."""

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
        """Why queued plans cannot be solved now, or None: the steps fail (`_failed`); the
        Dask runner also says when its scheduler does not answer."""
        return self._failure

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
                except Exception as exc:  # the database (or scheduler) went away for a moment
                    self._failed(exc)
                    busy = False
                else:
                    self._works()
                if not busy:
                    self._wake.wait(self.poll_seconds)
        finally:
            self.close()

    def _failed(self, exc: Exception) -> None:
        """A step failed: one log line when steps begin to fail (its traceback at debug level
        only), never one per poll, even when the failures differ (a scheduler answering
        garbage fails one way, then another), and coordinators told the latest (`trouble`)
        until a step works again."""
        said, line = self._said(exc)
        if self._failure is None:
            log.warning("%s", line)
            log.debug("%s: the failed step", self.thread_name, exc_info=exc)
        self._failure = said

    def _said(self, exc: Exception) -> tuple[Reason, str]:
        """What coordinators are told of a failed step, and the log's line for it."""
        driver = getattr(exc, "orig", None) or exc  # a driver's own words, not the SQL sent
        error = " ".join(str(driver).split())[:300] or type(exc).__name__
        line = (
            f"{self.thread_name}: a dispatcher step failed ({type(exc).__name__}: {error}); "
            f"its work waits and it is tried again every {self.poll_seconds} s"
        )
        return reason("solver_failing", error=error, seconds=self.poll_seconds), line

    def _works(self) -> None:
        """A step worked: a failure said before is over (one line)."""
        if self._failure is not None:
            log.warning("%s", self._works_again(self._failure))
            self._failure = None

    def _works_again(self, failure: Reason) -> str:
        """The log's line when steps work again after `failure`."""
        return f"{self.thread_name}: dispatcher steps work again"


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
