"""A generated season replayed through the service (`tests/season.py`): 12 weeks of one area on
a SQLite file, each week drawn, solved (one worker), published, declines repaired, visits
marked, notices sent to a local HTTP receiver; then checked (nothing lost, the ledger balances,
every notice once). Prints what the season did, the time of each part and its ratio to the
solves' time in the same run, and the command; exits 1 when a check fails.

    .venv/bin/python bench/season.py                        # 12 weeks, ~20 tasks, 20 volunteers
    .venv/bin/python bench/season.py --weeks 12 --tasks 60 --volunteers 50 --time-limit 2
    .venv/bin/python bench/season.py --file season.yaml     # from `mutualaid generate season`
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--tasks", type=int, default=20, help="about this many a week")
    parser.add_argument("--volunteers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=1.0, help="solver seconds a week")
    parser.add_argument("--file", type=Path, help="a season written by `mutualaid generate season`")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    print("$ " + " ".join([".venv/bin/python", "bench/season.py", *sys.argv[1:]]))

    import yaml

    from tests.season import replay, sqlite_engine
    from worldgen.season import generate_season

    if args.file is not None:
        season = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    else:
        season = generate_season(args.weeks, args.tasks, args.volunteers, args.seed)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-season-") as folder:
        engine = sqlite_engine(Path(folder))
        try:
            run, wrong = replay(season, engine, args.time_limit)
        finally:
            engine.dispose()
    took = time.perf_counter() - began
    f = run.figures
    print(f"{season['weeks']} weeks: {f.requests} requests ({f.withdrawn} withdrawn), "
          f"{f.drawn} tasks drawn, {f.visits} visits given, {f.declined} declined "
          f"({f.repairs} repaired), {f.done} done, {f.missed} missed, "
          f"{f.corrected} corrected")  # fmt: skip
    print("requests at the end: " + ", ".join(f"{k} {v}" for k, v in sorted(f.statuses.items()))
          + f"; served after waiting: {f.served_late}")  # fmt: skip
    print(
        f"ledger: {f.done_minutes} minutes done = the balance; notices delivered: {f.notices} "
        f"({f.retried} deliveries refused by the receiver, tried again)"
    )
    solve = f.timing.get("solve", 0.0) or 1e-9
    for part, seconds in sorted(f.timing.items(), key=lambda kv: -kv[1]):
        print(f"  {part:8} {seconds:6.2f} s  ({seconds / solve:.2f}x the solves)")
    print(f"total {took:.1f} s; checks: " + ("all hold" if not wrong else f"{len(wrong)} FAIL"))
    for line in wrong[:20]:
        print("  " + line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
