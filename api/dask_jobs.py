# distributed's Client, LocalCluster and Future are only partly annotated.
# mypy: disable-error-code="no-untyped-call"
"""Solves on Dask distributed: a dispatcher thread in the server claims queued plans and
submits each solve as a Dask task, on an in-process cluster or on a real one at a scheduler
address (`MUTUALAID_DASK_SCHEDULER`).

The database stays the queue and the durable record. A task opens its own engine from the
database URL (it may run in another process or on another machine), heartbeats progress into
the plan's row and finishes or fails it, through the same use case as the in-process runner
(`mutualaid.services.jobs.run_plan`). A task whose worker dies leaves its plan `running` with
a lease that runs out; the dispatcher's next claim takes the plan again and resubmits it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

from distributed import Client, Future, LocalCluster, get_worker
from distributed.core import Status

from api.settings import JobSettings
from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.services.jobs import RunOptions, UowFactory, claim_plan, run_plan
from mutualaid.services.ports import Planner

log = logging.getLogger(__name__)

_RUNNING = (Status.running, Status.paused)


def solve_plan(
    database_url: str, plan_id: str, worker: str, planner: Planner, job_settings: JobSettings
) -> str:
    """The Dask task: run the plan `worker` claimed, on an engine of its own; the plan's
    final (or current) status. Stops at the next progress report when its Dask worker
    shuts down, leaving the plan to be taken again."""
    engine = make_engine(database_url)
    try:
        sessions = make_session_factory(engine)

        def new_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        with new_uow() as uow:
            plan = uow.plans.get(plan_id)
        if plan.worker != worker or plan.status != "running":
            return plan.status  # another claim took it meanwhile (this task was a retry)
        try:
            dask_worker = get_worker()
        except ValueError:  # run outside Dask (in a test, or by hand)
            dask_worker = None
        options = RunOptions(
            worker=worker,
            lease_seconds=job_settings.lease_seconds,
            heartbeat_seconds=job_settings.heartbeat_seconds,
            stopping=lambda: dask_worker is not None and dask_worker.status not in _RUNNING,
        )
        return run_plan(new_uow, planner, plan, options).status
    finally:
        engine.dispose()


class DaskJobRunner:
    """The dispatcher: claims queued plans (and running ones whose lease ran out) while the
    cluster has a free thread, and submits each as a `solve_plan` task. Idle, it waits to be
    told of a new plan (`submit`) or polls.

    Plans are claimed only for free threads, so a claimed plan does not wait in Dask's queue:
    the claim's lease (`lease_seconds`) need only cover the task's start; its heartbeats then
    extend it. Without a scheduler address it starts (and on `stop` closes) an in-process
    cluster; an unreachable scheduler is tried again at each poll.
    """

    def __init__(
        self, new_uow: UowFactory, planner: Planner, settings: JobSettings, database_url: str
    ) -> None:
        self.new_uow = new_uow
        self.planner = planner
        """Pickled into each task (SolverPlanner is: it holds only its settings)."""
        self.settings = settings
        self.database_url = database_url
        self.name = f"dask-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._running: dict[str, Future[Any]] = {}
        """The submitted tasks not yet seen done, by Dask key."""

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        # The cluster and client are made, used and closed in the dispatcher thread only,
        # never on the server's event loop.
        self._thread = threading.Thread(target=self._loop, name="mutualaid-dask", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop dispatching and close the client (and the in-process cluster, whose running
        solves stop at their next progress report; their plans are taken again later)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def submit(self, plan_id: str) -> None:
        self._wake.set()

    def _loop(self) -> None:
        cluster: LocalCluster | None = None
        client: Client | None = None
        try:
            while not self._stopping.is_set():
                self._wake.clear()
                dispatched = False
                try:
                    if client is None:  # (again) until the scheduler answers
                        if cluster is None and self.settings.dask_scheduler is None:
                            cluster = LocalCluster(
                                processes=False,
                                n_workers=1,
                                threads_per_worker=2,
                                dashboard_address=":0",
                            )
                        target = cluster or self.settings.dask_scheduler
                        client = Client(target, set_as_default=False)
                    dispatched = self._dispatch(client)
                except Exception:  # the database or the scheduler went away for a moment
                    log.exception("dask runner: dispatching failed")
                if not dispatched:
                    self._wake.wait(self.settings.poll_seconds)
        finally:
            self._running.clear()
            if client is not None:
                client.close()
            if cluster is not None:
                cluster.close()

    def _dispatch(self, client: Client) -> bool:
        """Submit one claimed plan when a thread is free; whether one was submitted."""
        for key, running in list(self._running.items()):
            if running.done():
                del self._running[key]
                if running.status == "error":  # e.g. KilledWorker: the lease will run out
                    log.warning("dask runner: %s: %r", key, running.exception())
        threads = sum(client.nthreads().values())
        if len(self._running) >= threads:
            return False
        worker = f"{self.name}-{uuid.uuid4().hex[:6]}"
        options = RunOptions(worker=worker, lease_seconds=self.settings.lease_seconds)
        plan = claim_plan(self.new_uow(), options)
        if plan is None:
            return False
        key = f"solve-{plan.id}-{plan.attempts}"
        future: Future[Any] = client.submit(
            solve_plan,
            self.database_url,
            plan.id,
            worker,
            self.planner,
            self.settings,
            key=key,
            pure=False,
        )
        future.add_done_callback(lambda _: self._wake.set())  # a thread is free again
        self._running[key] = future
        return True
