# distributed's Client, LocalCluster and Future are only partly annotated.
# mypy: disable-error-code="no-untyped-call"
"""Solves on Dask distributed: a dispatcher thread in the server claims queued plans and
submits each solve as a Dask task, on an in-process cluster or on a real one at a scheduler
address (`MUTUALAID_DASK_SCHEDULER`). A solve whose week falls into independent parts
launches each part as a Dask task of its own from within its task (`map_on_cluster`), so the
parts are solved side by side on whichever workers are free.

The database stays the queue and the durable record. A task opens its own engine from the
database URL (it may run in another process or on another machine), heartbeats progress into
the plan's row and finishes or fails it, through the same use case as the in-process runner
(`mutualaid.services.jobs.run_plan`). While its parts run, a task still reports progress every
`heartbeat_seconds` (a tick), and a cancel or a worker shutting down is noticed within about
that time, not when the largest part finishes: the running parts are told to stop through a
Dask Event. A task whose worker dies fails; the dispatcher sees it and releases the plan's
lease, so its next claim takes the plan again and resubmits it.
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from distributed import Client, Event, Future, LocalCluster, get_worker, wait, worker_client
from distributed.core import Status

from api.jobs import Dispatcher
from api.settings import JobSettings
from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.domain.plan import Reason, reason
from mutualaid.services.jobs import RunOptions, UowFactory, claim_plan, release_plan, run_plan
from mutualaid.services.ports import Planner
from solver.service import rescored

log = logging.getLogger(__name__)

_RUNNING = (Status.running, Status.paused)

STOP_POLL_SECONDS = 0.5
"""How often a part running on the cluster asks the scheduler whether to stop."""

Shared = TypeVar("Shared")
Job = TypeVar("Job")
Result = TypeVar("Result")


class _StopFlag:
    """A part's `stop()` on a worker: whether the Dask Event `name` is set, asked of the
    scheduler at most every STOP_POLL_SECONDS (the solver polls more often)."""

    def __init__(self, name: str) -> None:
        self.event = Event(name)
        self.lock = threading.Lock()
        self.asked_at = float("-inf")
        self.set = False

    def __call__(self) -> bool:
        with self.lock:
            if not self.set and time.monotonic() - self.asked_at >= STOP_POLL_SECONDS:
                self.asked_at = time.monotonic()
                self.set = bool(self.event.is_set())
            return self.set


def _stoppable_part(solve: Callable[..., Result], stop_event: str, shared: Any, job: Any) -> Result:
    """One part on a worker, told to stop when the Event `stop_event` is set."""
    return solve(shared, job, stop=_StopFlag(stop_event))


def map_on_cluster(
    solve: Callable[..., Result],
    shared: Shared,
    jobs: Sequence[Job],
    tick: float | None = 1.0,
) -> Iterator[tuple[int, Result] | None]:
    """The planner's `map_parts` inside a Dask task: `solve(shared, job)` for each job as a
    Dask task of its own (keyed `<this task's key>-part-<index>`), launched from this task
    through `worker_client`, which secedes it from its worker's thread pool while it waits.
    `shared` (the scenario) is scattered once, not pickled into every part.

    Yields (index, result) as each part finishes (a part that raises, raises here as soon as
    it is done), and None (a tick) after each `tick` seconds in which none finished, so the
    solve can report progress, heartbeat and notice a cancel while its parts run; no ticks
    when `tick` is None. Closed early (the plan was cancelled, the worker is stopping), it
    cancels the parts not yet begun and sets a Dask Event (`<this task's key>-stop`) that the
    running ones poll as their `solve(shared, job, stop=...)`, so they stop within a poll or
    so rather than at the end of their share (Dask cannot stop a running task). The solver
    calls it only for weeks of two or more parts: one part is solved in this task, reporting
    progress as it goes."""
    parent = get_worker().get_current_task()
    with worker_client() as client:
        stop = Event(f"{parent}-stop", client=client)
        scattered = client.scatter(shared, hash=False)
        futures = [
            client.submit(
                _stoppable_part,
                solve,
                stop.name,
                scattered,
                job,
                key=f"{parent}-part-{i}",
                pure=False,
            )
            for i, job in enumerate(jobs)
        ]
        index = {future.key: i for i, future in enumerate(futures)}
        pending = set(futures)
        try:
            while pending:
                try:
                    with client.as_current():  # `wait` runs on the current client
                        done = wait(pending, timeout=tick, return_when="FIRST_COMPLETED").done
                except TimeoutError:
                    done = set()
                if not done:
                    yield None
                for future in sorted(done, key=lambda f: index[f.key]):
                    pending.discard(future)
                    yield index[future.key], future.result()
        finally:
            if pending:
                stop.set()
            client.cancel(futures)


def solve_plan(
    database_url: str, plan_id: str, worker: str, planner: Planner, job_settings: JobSettings
) -> str:
    """The Dask task: run the plan `worker` claimed, on an engine of its own, its independent
    parts as tasks of their own (`map_on_cluster`); the plan's final (or current) status.
    Stops at the next progress report when its Dask worker shuts down, leaving the plan to be
    taken again. While parts run on the cluster, a report comes at least every
    `heartbeat_seconds` (the map's tick), however long the largest part takes."""
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
        except ValueError:  # run outside Dask (in a test, or by hand): the parts in turn
            dask_worker = None
        options = RunOptions(
            worker=worker,
            lease_seconds=job_settings.lease_seconds,
            heartbeat_seconds=job_settings.heartbeat_seconds,
            stopping=lambda: dask_worker is not None and dask_worker.status not in _RUNNING,
            rescore=rescored,
            map_parts=(
                functools.partial(map_on_cluster, tick=job_settings.heartbeat_seconds)
                if dask_worker is not None
                else None
            ),
        )
        return run_plan(new_uow, planner, plan, options).status
    finally:
        engine.dispose()


class DaskJobRunner(Dispatcher):
    """The dispatcher: claims queued plans (and running ones whose lease ran out) while the
    cluster has a free thread, and submits each as a `solve_plan` task. Idle, it waits to be
    told of a new plan (`submit`) or polls.

    Plans are claimed only for free threads, so a claimed plan does not wait in Dask's queue:
    the claim's lease (`lease_seconds`) need only cover the task's start; its heartbeats then
    extend it. (A solve task waiting for its parts has left its thread to them, and still
    heartbeats every `heartbeat_seconds`.) Without a scheduler address it starts (and on
    `stop` closes) an in-process cluster, whose running solves stop at their next progress
    report (a solve whose parts run stops within a tick); an unreachable scheduler is tried
    again at each poll, said once in the log and to coordinators (`trouble`) until it
    answers. The cluster and client are made, used and closed in the dispatcher
    thread only, never on the server's event loop.
    """

    thread_name = "mutualaid-dask"
    stop_seconds = 60.0

    def __init__(
        self, new_uow: UowFactory, planner: Planner, settings: JobSettings, database_url: str
    ) -> None:
        super().__init__(settings.poll_seconds)
        self.new_uow = new_uow
        self.planner = planner
        """Pickled into each task (SolverPlanner is: it holds only its settings)."""
        self.settings = settings
        self.database_url = database_url
        self.connect_seconds = settings.dask_connect_seconds
        """How long a poll waits for the scheduler to answer before it says it does not."""
        self.name = f"dask-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._running: dict[str, tuple[Future[Any], str, str]] = {}
        """The submitted tasks not yet seen done, by Dask key: the future, the plan's id and
        the worker name it was claimed for."""

    def step(self) -> bool:
        try:
            return self._dispatch(self._connected())
        except OSError:  # refused, timed out, or the connection closed (CommClosedError):
            self._drop_client()  # made again at the next poll
            raise  # said once (`_said`) until a step works again

    def _address(self) -> str:
        return self.settings.dask_scheduler or "(in-process cluster)"

    def _connected(self) -> Client:
        """The client, made (again) until the scheduler answers; one whose scheduler went
        away is closed and made again."""
        if self._client is not None and self._client.status not in ("running", "connecting"):
            self._drop_client()
        if self._client is None:
            if self._cluster is None and self.settings.dask_scheduler is None:
                self._cluster = LocalCluster(
                    processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
                )
            target = self._cluster or self.settings.dask_scheduler
            self._client = self._client_within(target)
        return self._client

    def _client_within(self, target: Any) -> Client:
        """A client of `target`, made in a thread of its own and waited for at most twice
        `connect_seconds` (Dask's own timeout first): a TCP peer answering garbage can hang
        `Client()` for good (its loop thread never starts), which would stop this
        dispatcher until a restart. Then TimeoutError, said as a scheduler that does not
        answer; the hung thread is left (a daemon), and a client it makes late is closed."""
        made: queue.Queue[tuple[Client | None, BaseException | None]] = queue.Queue(1)
        late = threading.Event()

        def make() -> None:
            try:
                client = Client(target, set_as_default=False, timeout=self.connect_seconds)
            except BaseException as exc:  # MemoryError, AssertionError from garbage, OSError
                made.put((None, exc))
                return
            made.put((client, None))
            if late.is_set():
                client.close(timeout=self.connect_seconds)

        threading.Thread(target=make, name="mutualaid-dask-connect", daemon=True).start()
        try:
            client, exc = made.get(timeout=2 * self.connect_seconds)
        except queue.Empty:
            late.set()
            if not made.empty():  # made just now, after all
                client, exc = made.get()
            else:
                raise TimeoutError(
                    f"no Dask client within {2 * self.connect_seconds:g} s"
                ) from None
        if exc is not None:
            raise exc
        assert client is not None
        return client

    def _said(self, exc: Exception) -> tuple[Reason, str]:
        """The scheduler does not answer (refused, timed out, the connection closed): said
        once in the log (one line, no traceback) and to coordinators (`trouble`) until it
        answers again. Runs it had are taken again when their leases run out. Any other
        failure (the database gone, a scheduler answering garbage) as every dispatcher's."""
        if not isinstance(exc, OSError):
            return super()._said(exc)
        line = (
            f"dask runner: the scheduler at {self._address()} does not answer ({exc}); queued "
            f"plans wait and it is tried again every {self.poll_seconds} s"
        )
        said = reason(
            "solver_unreachable", address=self._address(), error=str(exc) or type(exc).__name__
        )
        return said, line

    def _works_again(self, failure: Reason) -> str:
        if failure.code == "solver_unreachable":
            return f"dask runner: the scheduler at {self._address()} answers again"
        return super()._works_again(failure)

    def _drop_client(self) -> None:
        self._running.clear()
        if self._client is not None:
            client, self._client = self._client, None
            try:
                client.close(timeout=self.connect_seconds)
            except Exception:  # a client whose scheduler is gone may not close cleanly
                log.debug("dask runner: closing a lost client failed", exc_info=True)

    def close(self) -> None:
        self._running.clear()
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _dispatch(self, client: Client) -> bool:
        """Submit one claimed plan when a thread is free; whether one was submitted."""
        for key, (running, plan_id, worker) in list(self._running.items()):
            if running.done():
                del self._running[key]
                if running.status == "error":  # e.g. KilledWorker: the run died with its
                    # worker; its plan is taken again now rather than when its lease runs out
                    log.warning("dask runner: %s: %r", key, running.exception())
                    release_plan(self.new_uow(), plan_id, worker)
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
        self._running[key] = (future, plan.id, worker)
        return True
