"""Write benchmark on SQLite: one big `PUT /weeks/{w}/tasks` batch alone, then several at once
while a one-task PUT in another area is sent again and again; its latency is compared with the
same write on an idle server in the same run. Then a generated district's whole week POSTed as
a scenario (`mutualaid generate --tasks 6000 --volunteers 600 --subdistricts 3 --seed 5`) while
the one-task PUT goes on, and how long the import held SQLite's write lock, as another
connection waiting for it sees it. Prints figures and the command; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import yaml
from service import free_port, serve  # bench/service.py: `mutualaid serve` in a subprocess

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
AREA, OTHER = "district", "other"
WEEK = "2026-11-30"


def world_and_tasks(size: int, volunteers: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A generated district's roster (its week without tasks), and `size` tasks for it."""
    from worldgen import generate_world

    world = generate_world(size, volunteers, 10, 1)
    tasks: list[dict[str, Any]] = world["tasks"]
    padded = list(tasks)
    while len(padded) < size:  # a series is one written task: copy some under new ids
        source = tasks[len(padded) % len(tasks)]
        padded.append({**source, "id": f"{source['id']}-x{len(padded)}"})
    empty = {**world, "tasks": [], "pinned": [], "declined": [], "history": []}
    empty.pop("expect", None)
    return empty, padded[:size]


def put(base: str, auth: dict[str, str], path: str, body: Any) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    answer = httpx.put(f"{base}{path}", json=body, headers=auth, timeout=600)
    return time.perf_counter() - t0, answer


def split(db: Path, tasks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The same batch through the use case's two halves, in this process: the check and the
    rows (a read-only transaction) and the store (the write transaction, which holds SQLite's
    write lock). Medians of 3."""
    import pendulum

    from mutualaid.adapters.db import make_engine, make_session_factory
    from mutualaid.adapters.uow import SqlUnitOfWork
    from mutualaid.domain.tasks import SentTask

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_session_factory(engine)
    week = pendulum.Date.fromisoformat(WEEK)
    prepare: list[tuple[float, float]] = []
    store: list[tuple[float, float]] = []
    try:
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            with SqlUnitOfWork(sessions, read_only=True) as reader:
                prepared = reader.weeks.prepare_tasks(AREA, week, [SentTask(t) for t in tasks])
            t1, c1 = time.perf_counter(), time.process_time()
            with SqlUnitOfWork(sessions) as uow:
                uow.weeks.store_tasks(AREA, week, prepared)
                uow.commit()
            t2, c2 = time.perf_counter(), time.process_time()
            prepare.append((t1 - t0, c1 - c0))
            store.append((t2 - t1, c2 - c1))
    finally:
        engine.dispose()

    def figures(runs: list[tuple[float, float]]) -> str:
        wall = statistics.median(w for w, _ in runs)
        return f"{wall:.2f} s ({statistics.median(c for _, c in runs):.2f} s of CPU)"

    return [
        (f"  check + rows, read-only ({len(tasks)} tasks)", figures(prepare)),
        ("  store: the write transaction, lock held", figures(store)),
    ]


def scenario_import(
    base: str, auth: dict[str, str], db: Path, small_path: str, small: Any, size: int
) -> list[tuple[str, str]]:
    """A generated `size`-task district POSTed as a scenario into an area of its own while the
    one-task PUT is sent again and again, and a probe connection takes SQLite's write lock
    (BEGIN IMMEDIATE, then ROLLBACK) again and again: its longest wait is about the longest
    the import held the lock."""
    from worldgen import generate_world

    world = generate_world(size, size // 10, 3, 5)
    body = yaml.safe_dump(world, allow_unicode=True, sort_keys=False).encode("utf-8")
    running, done = threading.Event(), threading.Event()
    small_answers: list[tuple[float, int]] = []
    lock_waits: list[float] = []

    def small_writes() -> None:
        running.wait()
        while not done.is_set():
            seconds, answer = put(base, auth, small_path, small)
            small_answers.append((seconds, answer.status_code))

    def probe() -> None:
        conn = sqlite3.connect(str(db), timeout=600, isolation_level=None)
        try:
            running.wait()
            while not done.is_set():
                t0 = time.perf_counter()
                conn.execute("BEGIN IMMEDIATE")
                lock_waits.append(time.perf_counter() - t0)
                conn.execute("ROLLBACK")
                time.sleep(0.01)
        finally:
            conn.close()

    with ThreadPoolExecutor(2) as pool:
        writer, prober = pool.submit(small_writes), pool.submit(probe)
        running.set()
        t0 = time.perf_counter()
        answer = httpx.post(
            f"{base}/weeks/{world['week_start']}/scenario?area=imported", content=body,
            headers={**auth, "Content-Type": "application/yaml"}, timeout=600,
        )  # fmt: skip
        wall = time.perf_counter() - t0
        done.set()
        writer.result()
        prober.result()
    latencies = sorted(s for s, _ in small_answers) or [0.0]
    codes = sorted({c for _, c in small_answers})
    tasks, volunteers = len(world["tasks"]), len(world["volunteers"])
    return [
        (
            f"scenario import, {tasks} tasks, {volunteers} volunteers ({len(body) / 1e6:.1f} MB)",
            f"{wall:.1f} s, status {answer.status_code}",
        ),
        ("  write lock held (longest wait of another connection)", f"{max(lock_waits):.2f} s"),
        (
            "  one-task PUT in another area meanwhile",
            f"{len(small_answers)} sent, statuses {codes}, median "
            f"{statistics.median(latencies):.2f} s, max {latencies[-1]:.2f} s",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks in each batch")
    parser.add_argument("--batches", type=int, default=3, help="batches sent at once")
    parser.add_argument("--volunteers", type=int, default=800)
    parser.add_argument(
        "--scenario-tasks", type=int, default=6000, help="tasks of the imported scenario"
    )
    parser.add_argument(
        "--only-scenario", action="store_true", help="skip the batches, import the scenario"
    )
    args = parser.parse_args()
    print("$ " + " ".join([".venv/bin/python", "bench/writes.py", *sys.argv[1:]]))

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as tmp:
        roster, tasks = world_and_tasks(args.tasks, args.volunteers)
        scenario = Path(tmp, "district.yaml")
        scenario.write_text(yaml.safe_dump(roster, allow_unicode=True, sort_keys=False))
        size = len(json.dumps(tasks, ensure_ascii=False).encode()) / 1e6
        port = free_port()
        env = {"MUTUALAID_JOB_RUNNER": "inprocess"}
        proc, secret = serve(Path(tmp, "w.db"), scenario, port, env)
        base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {secret}"}
        try:
            httpx.post(
                f"{base}/weeks/{WEEK}/scenario?area={OTHER}", content=SAMPLE.read_bytes(),
                headers={**auth, "Content-Type": "application/yaml"}, timeout=120,
            ).raise_for_status()  # fmt: skip
            small = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["tasks"][:1]
            small_path = f"/weeks/{WEEK}/tasks?area={OTHER}"

            idle = []
            for _ in range(5):
                seconds, answer = put(base, auth, small_path, small)
                answer.raise_for_status()
                idle.append(seconds)
            idle_s = statistics.median(idle)
            rows.append(("one-task PUT, idle server (median of 5)", f"{idle_s * 1000:.0f} ms"))

            if args.scenario_tasks:
                rows += scenario_import(
                    base, auth, Path(tmp, "w.db"), small_path, small, args.scenario_tasks
                )
            if not args.only_scenario:
                for label, week in (("new week", WEEK), ("replacing it", WEEK)):
                    seconds, answer = put(base, auth, f"/weeks/{week}/tasks?area={AREA}", tasks)
                    answer.raise_for_status()
                    rows.append((f"{args.tasks}-task PUT alone, {label}", f"{seconds:.2f} s"))

                weeks = [WEEK] * args.batches  # the tasks' fixed starts are in this week
                running = threading.Event()
                done = threading.Event()
                small_answers: list[tuple[float, int]] = []

                def batch(week: str) -> tuple[float, int]:
                    running.set()
                    seconds, answer = put(base, auth, f"/weeks/{week}/tasks?area={AREA}", tasks)
                    return seconds, answer.status_code

                def small_writes() -> None:
                    running.wait()
                    while not done.is_set():
                        seconds, answer = put(base, auth, small_path, small)
                        small_answers.append((seconds, answer.status_code))

                with ThreadPoolExecutor(args.batches + 1) as pool:
                    writer = pool.submit(small_writes)
                    t0 = time.perf_counter()
                    big = list(pool.map(batch, weeks))
                    wall = time.perf_counter() - t0
                    done.set()
                    writer.result()
                statuses = sorted(s for _, s in big)
                rows.append(
                    (
                        f"{args.batches} x {args.tasks}-task PUTs at once",
                        f"all done in {wall:.1f} s; each {', '.join(f'{s:.1f}' for s, _ in big)} s;"
                        f" statuses {statuses}",
                    )
                )
                latencies = sorted(s for s, _ in small_answers)
                codes = sorted({c for _, c in small_answers})
                rows.append(
                    (
                        "one-task PUT in another area meanwhile",
                        f"{len(latencies)} sent, statuses {codes}, median "
                        f"{statistics.median(latencies):.2f} s, max {latencies[-1]:.2f} s",
                    )
                )
                rows.append(
                    (
                        "  ratio max latency under load / idle",
                        f"{latencies[-1] / idle_s:.0f}x",
                    )
                )
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.only_scenario:
            rows += split(Path(tmp, "w.db"), tasks)

    rows.append(("load average (1, 5, 15 min) at the end", str(os.getloadavg())))
    width = max(len(k) for k, _ in rows)
    print(f"batches of {args.tasks} tasks ({size:.1f} MB of JSON each) into a district of "
          f"{args.volunteers} volunteers; SQLite (WAL), one server process")  # fmt: skip
    for k, v in rows:
        print(f"  {k.ljust(width)}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
