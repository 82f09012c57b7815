"""Decline benchmark on the district week: `POST /assignments/{id}/decline` through the whole
HTTP stack (Litestar's TestClient, in this process, on a SQLite file), repair and publish
included, with the built week kept per published plan (`mutualaid.services.built`) and, in the
same run, with it forgotten before each decline (what every decline paid before: rebuilding
the week from its rows and fingerprinting it). Also the parts alone: reading the week's
version, and rebuilding it. Prints medians and the command; asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pendulum

ROOT = Path(__file__).resolve().parent.parent
WEEK = "2026-11-30"
AREA = "district"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=800)
    parser.add_argument("--subdistricts", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=20.0, help="solver seconds")
    parser.add_argument("--declines", type=int, default=4, help="declines of each kind")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the app's and httpx's request lines
    print("$ " + " ".join([".venv/bin/python", "bench/decline.py", *sys.argv[1:]]))

    from mutualaid.services import access, built
    from worldgen import generate_world

    world = generate_world(args.tasks, args.volunteers, args.subdistricts, 1)
    with published_week(world, args.time_limit) as (client, infra, _, plan):
        visits = [(a["volunteers"][0]["id"], a["task"]) for a in plan["plan"]["assignments"]]
        volunteers = list(dict.fromkeys(v for v, _ in visits))
        kept: list[float] = []
        cold: list[float] = []
        changed: list[int] = []
        for i, vid in enumerate(volunteers[: 2 * args.declines]):
            _, vsecret = access.create_token(
                infra.uow(), access.CLI, "volunteer", [AREA], vid, name=vid
            )
            vauth = {"Authorization": f"Bearer {vsecret}"}
            mine = client.get(
                f"/volunteers/{vid}/assignments", params={"week": WEEK, "area": AREA},
                headers=vauth,
            ).json()  # fmt: skip
            items = mine if isinstance(mine, list) else mine.get("assignments", [])
            if not items:
                continue
            forget = i % 2 == 1  # alternate, so both meet the same week as it grows
            if forget:
                built.BUILT.clear()
            t0 = time.perf_counter()
            answer = client.post(
                f"/assignments/{items[0]['id']}/decline", json={"reason": "bench"},
                headers=vauth,
            )  # fmt: skip
            seconds = time.perf_counter() - t0
            answer.raise_for_status()
            repair: dict[str, Any] = answer.json().get("repair") or {}
            changed.append(int(repair.get("changed") or 0))
            (cold if forget else kept).append(seconds)
        parts = measure_parts(infra, built)
    rows = [
        ("district week", f"{args.tasks} tasks, {args.volunteers} volunteers"),
        ("decline over HTTP, built week kept (after)", ms(kept)),
        ("decline over HTTP, built week forgotten (before)", ms(cold)),
        ("  of which reading the week's version", parts[0]),
        ("  of which rebuilding + fingerprinting the week", parts[1]),
        ("assignments changed per repair", str(changed)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


@contextmanager
def published_week(
    world: dict[str, Any], time_limit: float, area: str = AREA
) -> Iterator[tuple[Any, Any, dict[str, str], dict[str, Any]]]:
    """The app on a fresh SQLite file (Litestar's TestClient, in this process) with `world`
    stored in `area` as the week of WEEK, solved through the API (2 workers, `time_limit`)
    and published: the client, the app's infrastructure, admin headers and the plan."""
    from litestar.testing import TestClient

    from api.app import create_app
    from api.settings import DatabaseSettings, JobSettings, Settings, SolverSettings
    from mutualaid.services import access, weeks

    world = {**world, "week_start": WEEK}
    world.pop("expect", None)
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        settings = Settings(
            database=DatabaseSettings(url=f"sqlite:///{Path(tmp, 'd.db')}"),
            solver=SolverSettings(time_limit_seconds=time_limit, workers=2),
            jobs=JobSettings(runner="inprocess", heartbeat_seconds=1.0, poll_seconds=0.2),
        )
        with TestClient(create_app(settings), timeout=600) as client:
            infra = client.app.state.infra
            _, secret = access.create_token(infra.uow(), access.CLI, "admin", name="bench")
            admin = {"Authorization": f"Bearer {secret}"}
            weeks.import_scenario(infra.uow(), access.CLI, area, WEEK, world)
            plan = solve(client, admin, area)
            client.post(f"/plans/{plan['id']}/publish", headers=admin).raise_for_status()
            yield client, infra, admin, plan


def solve(client: Any, admin: dict[str, str], area: str = AREA) -> dict[str, Any]:
    made = client.post(f"/weeks/{WEEK}/plans", params={"area": area}, headers=admin)
    made.raise_for_status()
    while True:
        got: dict[str, Any] = client.get(f"/plans/{made.json()['id']}", headers=admin).json()
        if got["status"] in ("optimal", "feasible", "error"):
            if got["status"] == "error":
                raise SystemExit(f"the solve failed: {got.get('error')}")
            return got
        time.sleep(0.5)


def measure_parts(infra: Any, built: Any) -> tuple[str, str]:
    week = pendulum.Date.fromisoformat(WEEK)
    version: list[float] = []
    rebuild: list[float] = []
    for _ in range(3):
        with infra.uow() as uow:
            t0 = time.perf_counter()
            uow.weeks.version(AREA, week)
            version.append(time.perf_counter() - t0)
        with infra.uow() as uow:
            t0 = time.perf_counter()
            uow.weeks.load_scenario(AREA, week)
            uow.weeks.basis(AREA, week)
            rebuild.append(time.perf_counter() - t0)
    return ms(version), ms(rebuild)


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    shown = ", ".join(f"{v * 1000:.0f}" for v in values)
    return f"median {statistics.median(values) * 1000:.0f} ms ({shown})"


if __name__ == "__main__":
    raise SystemExit(main())
