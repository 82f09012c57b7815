"""Recommendations over HTTP: `POST /weeks/{w}/recommendations` through the whole stack
(Litestar's TestClient, in this process, on a SQLite file): reading the week and its published
plan, building the week with the request in it, the options, their views. Per world (the shared
subdistrict-a, a generated subdistrict week, the district week) a published plan, then requests
made from the week's own one-visit tasks given new ids (the same resident, needs and windows:
a second request like one already served, so options compete with it). Beside each, in the same
run, `solver.recommend.recommend` alone on the same scenario and plan (what `bench/recommend.py`
measures), so the HTTP stack's share is a ratio, not a figure from another run. Prints medians
and worst; asserts nothing.

    .venv/bin/python bench/recommend_http.py                    # ~4 minutes, 20 s solves
    .venv/bin/python bench/recommend_http.py --no-district --requests 5
"""

from __future__ import annotations

import argparse
import copy
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"subdistrict": 1.0, "district": 3.0}
"""The issue's targets, seconds per recommendation."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=20.0, help="solver seconds")
    parser.add_argument("--requests", type=int, default=8, help="requests per world")
    parser.add_argument("--no-district", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print("$ " + " ".join([".venv/bin/python", "bench/recommend_http.py", *sys.argv[1:]]))
    print(f"load (1 min) at start: {os.getloadavg()[0]:.1f}")
    import yaml

    from worldgen import generate_world

    worlds: list[tuple[str, str, dict[str, Any]]] = []
    shared = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"
    if shared.exists():
        worlds.append(("subdistrict-a", "subdistrict", yaml.safe_load(shared.read_text())))
    worlds.append(("generated 200/80/1 seed 101", "subdistrict", generate_world(200, 80, 1, 101)))
    if not args.no_district:
        district = generate_world(2000, 800, 10, 1)
        worlds.append(("generated 2000/800/10 seed 1", "district", district))
    rows = []
    for name, size, world in worlds:
        http, alone = measure(world, args)
        rows.append((name, size, http, alone))
    print()
    print("| world | requests | HTTP median / worst | solver.recommend alone median / worst |"
          " HTTP / alone (median) | target |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, size, http, alone in rows:
        ratio = statistics.median(http) / max(1e-9, statistics.median(alone))
        print(
            f"| {name} | {len(http)} | {secs(http)} | {secs(alone)} | {ratio:.2f} "
            f"| {TARGETS[size]:.0f} s |"
        )
    print(f"load (1 min) at end: {os.getloadavg()[0]:.1f}")
    return 0


def measure(world: dict[str, Any], args: argparse.Namespace) -> tuple[list[float], list[float]]:
    from decline import WEEK, published_week

    from mutualaid.contract import plan_json
    from mutualaid.contract.scenario import build_scenario
    from solver.recommend import recommend

    area = "bench"
    with published_week(world, args.time_limit, area) as (client, _, admin, plan):
        # the week as stored (ids and defaults as the service keeps them)
        got = client.get(f"/weeks/{WEEK}/scenario", params={"area": area}, headers=admin)
        got.raise_for_status()
        stored = got.json()
        http: list[float] = []
        alone: list[float] = []
        for task in requests(stored, args.requests):
            t0 = time.perf_counter()
            answer = client.post(
                f"/weeks/{WEEK}/recommendations", params={"area": area}, json=task,
                headers=admin,
            )  # fmt: skip
            http.append(time.perf_counter() - t0)
            answer.raise_for_status()
            doc = copy.deepcopy(stored)
            doc["tasks"] = [*doc["tasks"], task]
            scenario = build_scenario(doc)
            published = plan_json.load(plan["plan"], scenario)
            t0 = time.perf_counter()
            recommend(scenario, published, task["id"])
            alone.append(time.perf_counter() - t0)
    return http, alone


def requests(stored: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """New one-visit requests like the week's own (every few-th one-visit task, a new id)."""
    singles = [t for t in stored["tasks"] if "every" not in t and not t.get("pinned")]
    step = max(1, len(singles) // n)
    made = []
    for t in singles[::step][:n]:
        new = copy.deepcopy(t)
        new["id"] = f"{t['id']}-again"
        made.append(new)
    return made


def secs(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s / {max(values):.2f} s"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
