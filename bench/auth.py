"""Sign-in abuse benchmark: a coordinator's requests alone, then while guessers hammer wrong
tokens from the same address, with the failed sign-in throttle on and (in the same run) off.
Prints figures and the command that reproduces them; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))
from service import free_port, wait_up  # noqa: E402


def serve(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str, str]:
    """`mutualaid serve --admin-token` on a fresh SQLite file; the process, URL and secret."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'auth.db'}",
           "MUTUALAID_PORT": str(port), "MUTUALAID_JOB_RUNNER": "inprocess", **env}  # fmt: skip
    token = folder / "auth.token"
    proc = subprocess.Popen(
        [str(BIN / "mutualaid"), "serve", "--admin-token", "--token-file", str(token)],
        env=env, stdout=(folder / "auth.log").open("w"), stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/schema/openapi.json", proc)
    return proc, base, token.read_text().strip()


def good_requests(base: str, secret: str, n: int) -> tuple[list[float], Counter[int]]:
    """n GET /areas one after the other with a valid token: latencies (s), statuses."""
    times, codes = [], Counter[int]()
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}) as http:
        for _ in range(n):
            t0 = time.perf_counter()
            codes[http.get("/areas").status_code] += 1
            times.append(time.perf_counter() - t0)
    return times, codes


def guesser(base: str, i: int, stop: Any, codes: Any) -> None:
    """One process sending wrong tokens until `stop` is set; adds its statuses to `codes`."""
    seen = Counter[int]()
    with httpx.Client(base_url=base) as http:
        k = 0
        while not stop.is_set():
            k += 1
            seen[
                http.get(
                    "/areas", headers={"Authorization": f"Bearer ma_guess-{i}-{k}"}
                ).status_code
            ] += 1
    for code, n in seen.items():
        codes[code] = codes.get(code, 0) + n


def phase(
    base: str, secret: str, n: int, processes: int
) -> tuple[list[float], Counter[int], dict[int, int], float]:
    """The good requests while `processes` guessers run (in processes of their own, so they
    do not share this one's interpreter lock)."""
    with multiprocessing.Manager() as manager:
        stop, codes = manager.Event(), manager.dict()
        pool = [
            multiprocessing.Process(target=guesser, args=(base, i, stop, codes))
            for i in range(processes)
        ]
        for p in pool:
            p.start()
        time.sleep(1.0)  # the guessers spend the burst first
        t0 = time.perf_counter()
        times, good = good_requests(base, secret, n)
        seconds = time.perf_counter() - t0
        stop.set()
        for p in pool:
            p.join()
        return times, good, dict(codes), seconds + 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="good requests per phase")
    parser.add_argument("--guessers", type=int, default=4, help="processes sending wrong tokens")
    args = parser.parse_args()
    print(f"$ .venv/bin/python bench/auth.py --requests {args.requests} --guessers {args.guessers}")
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, env in (
            ("throttled", {}),
            ("unthrottled", {"MUTUALAID_AUTH_FAILURE_BURST": "1000000000"}),
        ):
            folder = Path(tmp) / label
            folder.mkdir()
            proc, base, secret = serve(folder, env)
            try:
                good_requests(base, secret, 50)  # warm up
                alone, _ = good_requests(base, secret, args.requests)
                attacked, codes, guessed, seconds = phase(
                    base, secret, args.requests, args.guessers
                )
            finally:
                proc.terminate()
                proc.wait(30)
            figures[label] = (alone, attacked, codes, guessed, seconds)
    for label, (alone, attacked, codes, guessed, seconds) in figures.items():
        base_ms, under_ms = statistics.median(alone) * 1e3, statistics.median(attacked) * 1e3
        total = sum(guessed.values())  # over the good requests' time and the second before
        print(
            f"{label:12} good GET /areas median {base_ms:6.2f} ms alone, {under_ms:6.2f} ms "
            f"under attack (x{under_ms / base_ms:.2f}); good answers {dict(codes)}; "
            f"guesses {total} in {seconds:.1f} s ({total / seconds:.0f}/s) {dict(guessed)}"
        )
    rates = {k: sum(v[3].values()) / v[4] for k, v in figures.items()}
    share = rates["throttled"] / rates["unthrottled"]
    print(f"guesses answered per second, throttled / unthrottled: x{share:.3f}")


if __name__ == "__main__":
    main()
