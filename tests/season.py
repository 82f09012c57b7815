"""A generated season (`worldgen.season`) replayed through the service's use cases on a database (a
SQLite file, or PostgreSQL): each week the new requests are recorded and some withdrawn, the
week drawn, solved (the in-process planner, one worker), published; some visits declined (each
repaired), the rest marked done or missed (a few done then corrected), and the notices sent to a
local HTTP receiver. `check` then says what does not add up: a request unaccounted for, a ledger
that does not balance to the done visits' minutes, a notice not delivered exactly once.

Used by `tests/adapters/test_season.py` and `bench/season.py`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pendulum
from sqlalchemy.engine import Engine

from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.delivery import NetworkTransport
from mutualaid.adapters.migrate import upgrade
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.config import NoticeSettings
from mutualaid.domain.backlog import OPEN, OVERDUE, SERVED, WITHDRAWN
from mutualaid.domain.ledger import DONE, MISSED
from mutualaid.domain.notices import Backoff
from mutualaid.services import backlog, jobs, ledger, notices, plans, volunteers, weeks
from mutualaid.services.access import CLI
from solver.service import PlannerSettings, RepairSettings, SolverPlanner, SolverRepairer


class Receiver:
    """A webhook on 127.0.0.1 that counts the idempotency keys of the notices it takes, and
    refuses every `refuse_every`-th POST (503), so the sender has to try those again."""

    def __init__(self, refuse_every: int = 7) -> None:
        self.keys: Counter[str] = Counter()
        self.refused = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    posts = sum(receiver.keys.values()) + receiver.refused + 1
                    refuse = refuse_every > 0 and posts % refuse_every == 0
                    if refuse:
                        receiver.refused += 1
                    else:
                        receiver.keys[self.headers.get("Idempotency-Key") or ""] += 1
                self.send_response(503 if refuse else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notices"

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


@dataclass
class Figures:
    """What the replay did, and how long its parts took (seconds)."""

    requests: int = 0
    drawn: int = 0
    visits: int = 0
    declined: int = 0
    repairs: int = 0
    done: int = 0
    missed: int = 0
    corrected: int = 0
    withdrawn: int = 0
    notices: int = 0
    retried: int = 0
    """Notices the receiver refused once and the sender delivered again."""
    done_minutes: int = 0
    served_late: int = 0
    """Requests served after waiting a week or more."""
    statuses: dict[str, int] = field(default_factory=dict)
    timing: Counter[str] = field(default_factory=Counter)


@dataclass
class Replay:
    season: dict[str, Any]
    engine: Engine
    """A migrated, empty database."""
    time_limit: float = 1.0
    figures: Figures = field(default_factory=Figures)
    given: dict[pendulum.Date, set[str]] = field(default_factory=dict)
    """Per week, the tasks that had a visit not marked missed (served, as the draw reads it)."""
    minutes: Counter[str] = field(default_factory=Counter)
    """Per volunteer, the minutes of their visits left marked done."""

    def run(self, receiver: Receiver) -> Figures:
        s, f = self.season, self.figures
        sessions = make_session_factory(self.engine)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        self.uow = uow
        area = s["area"]
        rng = random.Random(s["seed"])
        first = pendulum.Date.fromisoformat(s["first_week"])
        roster = {"name": s["name"], "timezone": s["timezone"],
                  "week_start": first.isoformat(), **s["roster"], "tasks": []}  # fmt: skip
        weeks.import_scenario(uow(), CLI, area, first.isoformat(), roster)
        notices.set_webhook(
            uow(), CLI, area, receiver.url, "season-secret-" + "x" * 16, allow_loopback=True
        )  # the receiver is on this host
        planner = SolverPlanner(PlannerSettings(self.time_limit, 1, True, 0))
        repairer = SolverRepairer(RepairSettings())
        options = jobs.RunOptions("season")
        for n in range(s["weeks"]):
            self._week(uow, area, first.add(weeks=n), n, rng, planner, repairer, options)
        end = first.add(weeks=s["weeks"])  # its draw settles the last week's
        self._timed("draw", lambda: backlog.draw_week(uow(), CLI, area, end.isoformat(), today=end))
        return f

    def _timed(self, part: str, call: Any) -> Any:
        began = time.perf_counter()
        try:
            return call()
        finally:
            self.figures.timing[part] += time.perf_counter() - began  # type: ignore[assignment]

    def _week(
        self, uow: Any, area: str, week: pendulum.Date, n: int, rng: random.Random,
        planner: SolverPlanner, repairer: SolverRepairer, options: jobs.RunOptions,
    ) -> None:  # fmt: skip
        s, f, t = self.season, self.figures, self._timed
        for body in s["arrivals"][n]:
            t("record", lambda b=body: backlog.save_request(uow(), CLI, area, b))
            f.requests += 1
        for ident in s["withdrawals"][n]:
            if backlog.get_request(uow(), CLI, area, ident).status == OPEN:
                t("record", lambda i=ident: backlog.withdraw_request(uow(), CLI, area, i))
                f.withdrawn += 1
        # the replay's today is the Monday of the week it draws, whatever today's date
        drawn = t("draw", lambda: backlog.draw_week(uow(), CLI, area, week.isoformat(), today=week))
        assert not drawn.skipped, drawn.skipped
        f.drawn += len(drawn.drawn)
        if not drawn.drawn:
            return
        plan = plans.request_plan(uow(), None, CLI, area, week.isoformat())
        done = t("solve", lambda: jobs.run_next_plan(uow, planner, options))
        assert done is not None and done.id == plan.id and done.status in ("optimal", "feasible")
        t("publish", lambda: plans.publish_plan(uow(), repairer, CLI, plan.id))
        self._send()
        answers = s["answers"]
        visits = ledger.week_visits(uow(), CLI, area, week.isoformat())
        f.visits += len(visits)
        for v in visits:  # a few decline, each repaired and published at once
            if rng.random() < answers["decline"]:
                out = t("repair", lambda i=v.visit.id: volunteers.decline_assignment(
                    uow(), repairer, CLI, i, "season: cannot that day"))  # fmt: skip
                f.declined += 1
                f.repairs += out.repair is not None
                self._send()
        given: set[str] = set()
        for v in ledger.week_visits(uow(), CLI, area, week.isoformat()):
            a, roll = v.visit, rng.random()
            mark = "mark"
            if roll < answers["missed"]:
                t(mark, lambda i=a.id, e=a.end: ledger.mark_visit(uow(), CLI, i, MISSED, now=e))
                f.missed += 1
                continue
            t(mark, lambda i=a.id, e=a.end: ledger.mark_visit(uow(), CLI, i, DONE, now=e))
            if roll < answers["missed"] + answers["corrected"]:  # done, then put right
                t(mark, lambda i=a.id, e=a.end: ledger.mark_visit(uow(), CLI, i, MISSED, now=e))
                f.corrected += 1
                continue
            f.done += 1
            given.add(a.task)
            minutes = int((a.end - a.start).total_seconds() // 60)
            self.minutes[a.volunteer] += minutes
            f.done_minutes += minutes
        self.given[week] = given

    def _send(self) -> None:
        """Send until nothing is due; a refused notice is due again at once (no backoff)."""
        transport = NetworkTransport(NoticeSettings(timeout_seconds=5.0, allow_loopback=True))
        settings = notices.SendSettings(backoff=Backoff(0.0, 0.0, 8))
        while True:
            sent = self._timed(
                "notices", lambda: notices.send_due(self.uow(), transport, "season", settings)
            )
            self.figures.notices += sent.sent
            self.figures.retried += sent.retried
            if not (sent.sent or sent.retried or sent.lost):
                return

    def check(self, receiver: Receiver) -> list[str]:
        """What does not add up (nothing, when the season is sound)."""
        s, f = self.season, self.figures
        area, wrong = s["area"], []
        last = pendulum.Date.fromisoformat(s["first_week"]).add(weeks=s["weeks"])
        with self.uow() as uow:
            requests = {r.id: r for r in uow.requests.all(area, None)}
            draws = {i: uow.requests.draws(area, i) for i in requests}
            stored = uow.notices.for_area(area, limit=100_000)
        f.statuses = dict(Counter(r.status for r in requests.values()))
        arrived = {b["id"] for week in s["arrivals"] for b in week}
        if set(requests) != arrived:
            wrong.append(f"requests recorded {len(arrived)}, stored {len(requests)}")
        for ident, r in sorted(requests.items()):
            weeks_served = [
                d.week_start for d in draws[ident] if d.task in self.given.get(d.week_start, ())
            ]
            served = bool(weeks_served)
            f.served_late += served and min(weeks_served) > min(d.week_start for d in draws[ident])
            expected = {
                WITHDRAWN: r.status == WITHDRAWN,
                SERVED: served and not r.standing,
                OVERDUE: not served and r.deadline is not None and r.deadline < last,
            }
            if r.status == WITHDRAWN:
                continue
            if (r.status == SERVED) != expected[SERVED]:
                wrong.append(f"{ident}: {r.status}, served by the replay: {served}")
            elif r.status == OVERDUE and not expected[OVERDUE]:
                wrong.append(f"{ident}: overdue, deadline {r.deadline}")
            elif r.status == OPEN and not r.standing and expected[OVERDUE] and not served:
                wrong.append(f"{ident}: still open past its deadline {r.deadline}")
            elif r.status not in (OPEN, SERVED, OVERDUE):
                wrong.append(f"{ident}: status {r.status}")
        sums = ledger.balances(self.uow(), CLI, area)
        if sums.total != f.done_minutes:
            wrong.append(f"ledger {sums.total} minutes, done visits {f.done_minutes}")
        mine = {v: m for v, m in sums.volunteers.items() if m}
        if mine != {v: m for v, m in self.minutes.items() if m}:
            wrong.append(f"per volunteer: ledger {mine}, done visits {dict(self.minutes)}")
        states = Counter(n.state for n in stored)
        if set(states) - {"sent"}:
            wrong.append(f"notices not all sent: {dict(states)}")
        ids = {n.id for n in stored}
        if set(receiver.keys) != ids or any(c != 1 for c in receiver.keys.values()):
            twice = {k: c for k, c in receiver.keys.items() if c != 1}
            wrong.append(f"notices {len(ids)}, received {len(receiver.keys)}, twice: {twice}")
        return wrong


def sqlite_engine(folder: Path) -> Engine:
    """A new SQLite file in `folder`, migrated."""
    engine = make_engine(f"sqlite:///{folder / 'season.db'}")
    upgrade(engine)
    return engine


def replay(
    season: dict[str, Any], engine: Engine, time_limit: float = 1.0
) -> tuple[Replay, list[str]]:
    """Replay the season on `engine` (migrated, empty); the replay and what does not add up."""
    receiver = Receiver()
    run = Replay(season, engine, time_limit)
    with receiver.running():
        run.run(receiver)
        wrong = run.check(receiver)
    return run, wrong
