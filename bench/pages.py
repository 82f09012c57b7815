"""Benchmark of the pages on generated weeks: how long the coordinator's week page (the tasks
table) and the plan page (timeline, map, unserved) take to render at 200 and 2,000 tasks,
through the app (Litestar's TestClient, SQLite), each against the sample week in the same run.
The plan shown is the greedy planner's (a solve of 2,000 tasks takes minutes). Not a test.

    .venv/bin/python bench/pages.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from litestar.testing import TestClient  # noqa: E402

import solver  # noqa: E402
from api.app import create_app  # noqa: E402
from api.settings import DatabaseSettings, JobSettings, Settings  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.services import access, roster, weeks  # noqa: E402
from worldgen import generate_world  # noqa: E402

SAMPLE = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"


def timed(client: TestClient[Any], path: str, repeat: int) -> tuple[float, int]:
    """Median seconds of `repeat` GETs of `path`, and the page's size in bytes."""
    times, size = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - began)
        assert answer.status_code == 200, (path, answer.status_code)
        size = len(answer.content)
    return statistics.median(times), size


def measure(name: str, data: dict[str, Any], repeat: int) -> dict[str, Any]:
    folder = tempfile.mkdtemp(prefix="bench-pages-")
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{folder}/bench.db"),
        jobs=JobSettings(runner="inprocess", poll_seconds=3600),  # nothing solves by itself
    )
    week = str(data["week_start"])
    with TestClient(create_app(settings)) as client:
        infra = client.app.state.infra
        roster.create_area(infra.uow(), access.CLI, "bench", "bench", str(data["timezone"]))
        weeks.import_scenario(infra.uow(), access.CLI, "bench", week, data)
        scenario = build_scenario(data)
        plan = solver.greedy(scenario)
        with infra.uow() as uow:
            record = uow.plans.create("bench", scenario.week_start)
            uow.plans.finish(record.id, plan)
            uow.commit()
        _, secret = access.create_token(infra.uow(), access.CLI, "coordinator", ["bench"])
        token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/").text)
        assert token
        client.post("/", data={"token": secret, "_csrf_token": token.group(1)})
        week_s, week_b = timed(client, f"/desk/bench/weeks/{week}", repeat)
        plan_s, plan_b = timed(client, f"/desk/bench/weeks/{week}/plans/{record.id}", repeat)
    return {
        "world": name, "tasks": len(data.get("tasks") or []), "week_s": week_s,
        "week_kb": week_b / 1024, "plan_s": plan_s, "plan_kb": plan_b / 1024,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"$ .venv/bin/python bench/pages.py --repeat {args.repeat}")
    worlds = [
        ("sample", yaml.safe_load(SAMPLE.read_text("utf-8"))),
        ("subdistrict", generate_world(200, 80, 1, seed=1)),
        ("district", generate_world(2000, 800, 10, seed=1)),
    ]
    rows = [measure(name, data, args.repeat) for name, data in worlds]
    base = rows[0]
    print(f"{'world':12} {'tasks':>6} {'week page':>10} {'x sample':>9} {'KiB':>7} "
          f"{'plan page':>10} {'x sample':>9} {'KiB':>7}")  # fmt: skip
    for r in rows:
        print(
            f"{r['world']:12} {r['tasks']:>6} {r['week_s']:>9.3f}s "
            f"{r['week_s'] / base['week_s']:>8.1f}x {r['week_kb']:>7.0f} "
            f"{r['plan_s']:>9.3f}s {r['plan_s'] / base['plan_s']:>8.1f}x {r['plan_kb']:>7.0f}"
        )


if __name__ == "__main__":
    main()
