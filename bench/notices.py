"""Notices benchmark on a generated district week (SQLite file): what writing the outbox adds
to a publish, as a ratio against the same publish without it in the same run, and how fast
the sender drains the outbox (claim, deliver to a webhook that takes everything at once,
settle). Prints medians and the command; asserts nothing.

    .venv/bin/python bench/notices.py                  # 2,000 tasks, 800 volunteers
    .venv/bin/python bench/notices.py --tasks 400 --volunteers 160 --subdistricts 2
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WEEK = "2026-11-30"
AREA = "district"


class Swallow:
    """A webhook that takes every notice at once (the outbox's own cost, no network)."""

    email_enabled = False

    def __init__(self) -> None:
        self.posts = 0

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        self.posts += 1

    def email(self, to: str, subject: str, text: str, key: str) -> None:
        raise AssertionError("no email in this bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=800)
    parser.add_argument("--subdistricts", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver seconds")
    parser.add_argument("--rounds", type=int, default=7, help="publishes of each kind")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print("$ " + " ".join([".venv/bin/python", "bench/notices.py", *sys.argv[1:]]))

    import pendulum

    import solver
    from mutualaid.adapters.db import make_engine, make_session_factory
    from mutualaid.adapters.migrate import upgrade
    from mutualaid.adapters.uow import SqlUnitOfWork
    from mutualaid.services import access, notices, plans, weeks
    from worldgen import generate_world

    world = generate_world(args.tasks, args.volunteers, args.subdistricts, 1)
    world["week_start"] = WEEK
    world.pop("expect", None)
    week = pendulum.Date(2026, 11, 30)
    with tempfile.TemporaryDirectory(prefix="bench-notices-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp, 'n.db')}")
        upgrade(engine)
        sessions = make_session_factory(engine)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        weeks.import_scenario(uow(), access.CLI, AREA, WEEK, world)
        with uow() as u:
            scenario = u.weeks.load_scenario(AREA, week)
            basis = u.weeks.basis(AREA, week)
        options = solver.SolveOptions(time_limit=args.time_limit, workers=1)
        result = solver.solve(scenario, options)
        result.extra["basis"] = basis.to_json()
        visits = sum(len(a.volunteers) for a in result.assignments)
        print(f"world: {args.tasks} tasks, {args.volunteers} volunteers; {visits} visits")

        def finished() -> str:
            with uow() as u:
                plan = u.plans.create(AREA, week)
                u.plans.finish(plan.id, result)
                u.commit()
            return plan.id

        class NoRepair:
            def rescore(self, scenario: Any, plan: Any) -> Any:
                raise AssertionError("the plan is fresh")

        def publish_once(silent: bool) -> float:
            ident = finished()
            saved = (notices.before_change, notices.note_changes)
            if silent:  # the publish as it was before notices
                plans.before_change = lambda *a, **k: None  # type: ignore[assignment]
                plans.note_changes = lambda *a, **k: []  # type: ignore[assignment]
            try:
                began = time.perf_counter()
                plans.publish_plan(uow(), NoRepair(), access.CLI, ident)  # type: ignore[arg-type]
                return time.perf_counter() - began
            finally:
                plans.before_change, plans.note_changes = saved

        def told() -> int:
            with uow() as u:
                return sum(u.notices.counts(AREA).values())

        # the first publish tells every visit (given); later ones of the same plan tell nothing
        first = publish_once(silent=False)
        written = told()
        same: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.rounds):
            for silent in (True, False):
                same[silent].append(publish_once(silent))
        with_n, without = statistics.median(same[False]), statistics.median(same[True])
        print(f"first publish, {written} notices written in its transaction: {first:.2f} s")
        print(f"publish of an unchanged plan: {with_n:.2f} s with the diff, {without:.2f} s "
              f"without (ratio {with_n / without:.2f})")  # fmt: skip

        with uow() as u:
            u.notices.set_channel(AREA, "http://127.0.0.1:9/none", "x" * 32)
            u.commit()
        sink = Swallow()
        began = time.perf_counter()
        rounds = drain(lambda: notices.send_due(uow(), sink, "bench"))
        took = time.perf_counter() - began
        print(f"sender: {sink.posts} notices delivered in {took:.2f} s "
              f"({sink.posts / took:.0f} a second, {rounds} claims of 50)")  # fmt: skip
        engine.dispose()
    return 0


def drain(step: Callable[[], Any]) -> int:
    rounds = 0
    while step().sent:
        rounds += 1
    return rounds


if __name__ == "__main__":
    sys.exit(main())
