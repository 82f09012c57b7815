"""Drawing a week from the backlog, against storing the same tasks in one batch (the baseline,
`submit_tasks`) in the same run, on a fresh SQLite file; then the ledger's balances over many
entries. Prints figures and the command that reproduces them; asserts nothing.

    .venv/bin/python bench/books.py --requests 200 --entries 20000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mutualaid.adapters.db import make_engine, make_session_factory  # noqa: E402
from mutualaid.adapters.migrate import upgrade  # noqa: E402
from mutualaid.adapters.uow import SqlUnitOfWork  # noqa: E402
from mutualaid.contract.requests import read_request, task_of  # noqa: E402
from mutualaid.domain.ledger import CREDIT, NewEntry  # noqa: E402
from mutualaid.domain.tasks import SentTask  # noqa: E402
from mutualaid.services import backlog, ledger, weeks  # noqa: E402
from mutualaid.services.access import CLI  # noqa: E402
from tests.adapters import world  # noqa: E402

WEEK = pendulum.Date(2026, 11, 30)


def request(i: int) -> dict[str, object]:
    return {
        "id": f"r-{i:04d}", "title": f"visit {i}", "resident": ("r-zhang", "r-liu")[i % 2],
        "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
        "windows": [{"days": ["mon", "tue", "wed"], "from": "09:00", "to": "12:00"}],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'books.db'}")
        upgrade(engine)
        sessions = make_session_factory(engine)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        weeks.import_scenario(uow(), CLI, world.AREA, WEEK.isoformat(), world.scenario())
        base = [t for t in world.scenario()["tasks"]]
        for i in range(args.requests):
            backlog.save_request(uow(), CLI, world.AREA, request(i))
        drawn_tasks = [
            task_of(read_request(request(i), world.AREA, WEEK), 0, ("mon", "tue", "wed"))
            for i in range(args.requests)
        ]
        began = time.perf_counter()
        weeks.submit_tasks(
            uow(), CLI, world.AREA, WEEK.isoformat(), [SentTask(t) for t in base + drawn_tasks]
        )
        batch = time.perf_counter() - began
        weeks.submit_tasks(uow(), CLI, world.AREA, WEEK.isoformat(), [SentTask(t) for t in base])
        began = time.perf_counter()
        done = backlog.draw_week(uow(), CLI, world.AREA, WEEK.isoformat())
        draw = time.perf_counter() - began
        assert len(done.drawn) == args.requests
        with uow() as books:
            for i in range(args.entries):
                volunteer = ("v-wang", "v-li", "v-zhao")[i % 3]
                books.ledger.append(world.AREA, NewEntry(volunteer, CREDIT, 30, "2026-11"))
            books.commit()
        began = time.perf_counter()
        sums = ledger.balances(uow(), CLI, world.AREA)
        summed = time.perf_counter() - began
        began = time.perf_counter()
        text = ledger.ledger_csv(uow(), CLI, world.AREA)
        exported = time.perf_counter() - began
        engine.dispose()
    print(f"draw of {args.requests} requests: {draw:.2f} s; the same tasks in one batch "
          f"(submit_tasks): {batch:.2f} s; ratio {draw / batch:.1f}x")  # fmt: skip
    print(f"balances over {args.entries} entries: {summed * 1000:.0f} ms "
          f"(total {sums.total} minutes); CSV export: {exported * 1000:.0f} ms, "
          f"{len(text) // 1024} KiB")  # fmt: skip
    print(f"reproduce: .venv/bin/python bench/books.py --requests {args.requests} "
          f"--entries {args.entries}")  # fmt: skip


if __name__ == "__main__":
    main()
