"""Service benchmark: reading a volunteer's assignments under 100 concurrent clients against a
bare Litestar handler in the same run, POST /plans to a finished plan on the district world
(in-process and on a 2-worker Dask cluster), and the repair of one decline. Prints figures and
the command that reproduces them; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEEK = "2026-11-30"
AREA = "district"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[str], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited early; see its log next to the database")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not come up")


def serve(
    db: Path, scenario: Path, port: int, env: dict[str, str]
) -> tuple[subprocess.Popen[str], str]:
    """`mutualaid serve` loading the scenario; returns the process and the admin secret."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "MUTUALAID_PORT": str(port), **env}
    log = db.with_suffix(".log")
    # the server's output goes to a file: a pipe nobody reads fills up and blocks the server
    proc = subprocess.Popen(
        [str(BIN / "mutualaid"), "serve", "--load", str(scenario), "--area", AREA, "--admin-token",
         "--token-file", str(db.with_suffix(".token")), "--port", str(port)],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    wait_up(f"http://127.0.0.1:{port}/schema/openapi.json", proc)
    found = re.search(r"\bma_[A-Za-z0-9_-]+", log.read_text())
    secret = found[0] if found else ""
    return proc, secret


def solve(base: str, auth: dict[str, str]) -> tuple[float, dict[str, Any]]:
    """Seconds from POST /plans to a finished plan, and the plan resource."""
    t0 = time.monotonic()
    made = httpx.post(f"{base}/weeks/{WEEK}/plans", params={"area": AREA}, headers=auth, timeout=30)
    made.raise_for_status()
    ident = made.json()["id"]
    while True:
        got = httpx.get(f"{base}/plans/{ident}", headers=auth, timeout=30).json()
        if got["status"] in ("optimal", "feasible", "error"):
            return time.monotonic() - t0, got
        time.sleep(0.2)


async def load(url: str, headers: dict[str, str], clients: int, requests: int) -> dict[str, float]:
    """`requests` GETs from `clients` concurrent clients: throughput and latency percentiles."""
    latencies: list[float] = []
    per_client = requests // clients

    async def one(client: httpx.AsyncClient) -> None:
        for _ in range(per_client):
            t0 = time.perf_counter()
            r = await client.get(url, headers=headers)
            latencies.append(time.perf_counter() - t0)
            r.raise_for_status()

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(clients)))
        wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


BARE_APP = textwrap.dedent(
    """
    from litestar import Litestar, get

    BODY = {body!r}

    @get("/bare", sync_to_thread=False)
    def bare() -> object:
        return BODY

    app = Litestar([bare])
    """
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=800)
    parser.add_argument("--subdistricts", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=30.0, help="solver seconds per solve")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()
    print("$ " + " ".join([".venv/bin/python", "bench/service.py", *sys.argv[1:]]))
    from worldgen import generate_world

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        scenario = Path(tmp, "district.yaml")
        world = generate_world(args.tasks, args.volunteers, args.subdistricts, 1)
        scenario.write_text(yaml.safe_dump(world, allow_unicode=True, sort_keys=False))
        env = {"MUTUALAID_SOLVER_TIME_LIMIT": str(args.time_limit), "MUTUALAID_SOLVER_WORKERS": "2",
               "MUTUALAID_JOB_RUNNER": "inprocess"}  # fmt: skip

        # 1. in-process runner: solve, publish, read under load, decline and repair
        port = free_port()
        proc, secret = serve(Path(tmp, "a.db"), scenario, port, env)
        base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {secret}"}
        try:
            seconds, plan = solve(base, auth)
            served = plan["plan"]["objective"]["served"] if plan.get("plan") else plan["status"]
            rows.append(
                (
                    "POST /plans -> finished, in-process",
                    f"{seconds:.1f} s ({plan['status']}, served {served})",
                )
            )
            httpx.post(
                f"{base}/plans/{plan['id']}/publish", headers=auth, timeout=60
            ).raise_for_status()
            first = plan["plan"]["assignments"][0]
            vid = first["volunteers"][0]["id"]
            made = subprocess.run(
                [str(BIN / "mutualaid"), "token", "create", "--role", "volunteer", "--area", AREA,
                 "--volunteer", vid],
                env={**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp, 'a.db')}"},
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            vsecret = re.search(r"\bma_[A-Za-z0-9_-]+", made.stdout)
            assert vsecret, made.stdout
            vauth = {"Authorization": f"Bearer {vsecret[0]}"}
            url = f"{base}/volunteers/{vid}/assignments?week={WEEK}&area={AREA}"
            body = httpx.get(url, headers=vauth, timeout=30).json()
            ours = asyncio.run(load(url, vauth, args.clients, args.requests))

            mine = httpx.get(url, headers=vauth, timeout=30).json()
            items = mine if isinstance(mine, list) else mine.get("assignments", [])
            target = items[0]["id"]
            t0 = time.perf_counter()
            declined = httpx.post(f"{base}/assignments/{target}/decline", headers=vauth,
                                  json={"reason": "bench"}, timeout=120)  # fmt: skip
            repair_s = time.perf_counter() - t0
            declined.raise_for_status()
            repair = declined.json().get("repair") or {}
            changed = f"{repair_s * 1000:.0f} ms, {repair.get('changed')} assignments changed"
            rows.append(("decline + repair over HTTP (one assignment)", changed))
            if repair.get("plan_id"):
                made = httpx.get(f"{base}/plans/{repair['plan_id']}", headers=auth, timeout=60)
                inner = (made.json().get("plan") or {}).get("solve_seconds")
                rows.append(("  of which solver.repair (analysis + CP-SAT)", f"{inner} s"))
        finally:
            proc.terminate()
            proc.wait(timeout=30)

        # 2. a bare Litestar handler with a body of the same size, same load, same machine
        app_dir = Path(tmp, "bare")
        app_dir.mkdir()
        Path(app_dir, "bare_app.py").write_text(BARE_APP.format(body=body))
        port = free_port()
        bare = subprocess.Popen(
            [str(BIN / "uvicorn"), "bare_app:app", "--port", str(port), "--log-level", "warning"],
            cwd=app_dir, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            wait_up(f"http://127.0.0.1:{port}/bare", bare)
            theirs = asyncio.run(
                load(f"http://127.0.0.1:{port}/bare", {}, args.clients, args.requests)
            )
        finally:
            bare.terminate()
            bare.wait(timeout=30)
        for name, r in (
            ("GET assignments (mutualaid)", ours),
            ("GET bare Litestar handler", theirs),
        ):
            figures = f"{r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
            rows.append((f"{name}, {args.clients} clients", figures))
        rows.append(("ratio mutualaid / bare (req/s)", f"{ours['rps'] / theirs['rps']:.2f}"))

        # 3. the same solve on a 2-worker local Dask cluster
        if not args.skip_dask:
            from distributed import LocalCluster

            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
                port = free_port()
                denv = {**env, "MUTUALAID_JOB_RUNNER": "dask",
                        "MUTUALAID_DASK_SCHEDULER": cluster.scheduler_address}  # fmt: skip
                proc, secret = serve(Path(tmp, "b.db"), scenario, port, denv)
                try:
                    seconds, plan = solve(
                        f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {secret}"}
                    )
                    rows.append(("POST /plans -> finished, 2-worker Dask cluster",
                                 f"{seconds:.1f} s ({plan['status']})"))  # fmt: skip
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)

    width = max(len(k) for k, _ in rows)
    print(f"world: {args.tasks} tasks, {args.volunteers} volunteers, {args.subdistricts} "
          f"subdistricts; solver {args.time_limit:g} s, 2 workers; SQLite")  # fmt: skip
    for k, v in rows:
        print(f"  {k.ljust(width)}  {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
