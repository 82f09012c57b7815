"""The energetic LP's bound (`solver.energy_bound`) on a generated week's largest part, given
the counts a plan serves above each priority (`--held urgent high`): normal's bound round by
round (each round's optimum, its seconds, the cuts it adds), then high's, with the time to
build it. Not a test; prints the load beside each figure.

    .venv/bin/python bench/energy_bound.py --seed 7004 --held 88 354
    .venv/bin/python bench/energy_bound.py --seed 7010 --held 75 386 --rounds 4
    .venv/bin/python bench/energy_bound.py --seed 7004 --held 88 354 --no-seeds
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from week_part import largest_part  # noqa: E402

from solver import energy_bound as eb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="district")
    ap.add_argument("--seed", type=int, default=7004)
    ap.add_argument("--held", type=int, nargs=2, default=[88, 354], help="urgent and high")
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=120.0, help="per priority")
    ap.add_argument("--no-seeds", action="store_true", help="no stretches before the first LP")
    args = ap.parse_args()
    said = " ".join(sys.argv[1:])
    print(f"$ .venv/bin/python bench/energy_bound.py {said}")
    wp = largest_part(args.size, args.seed)
    scenario, travel, analyses, part = wp.scenario, wp.travel, wp.analyses, wp.part
    part = sorted(t for t in part if analyses[t].reason is None)
    t0 = time.monotonic()
    persons = eb.people(scenario, analyses, part, travel)
    lp = eb.EnergyLp(scenario, analyses, part, persons)
    if not args.no_seeds:
        lp.seed()
    print(
        f"part of {len(part)} tasks, one day: {eb.one_day(analyses, part)}; built with "
        f"{len(lp.cuts)} stretches in {time.monotonic() - t0:.2f} s "
        f"(load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    urgent, high = args.held
    eb.ROUNDS = args.rounds
    for p, above in (("normal", {"urgent": urgent, "high": high}), ("high", {"urgent": urgent})):
        last = [time.monotonic()]

        def each(
            optimum: float,
            added: int,
            p: str = p,
            above: dict[str, int] = above,
            last: list[float] = last,
        ) -> None:
            now = time.monotonic()
            print(
                f"{p} given {above}: {optimum:.2f} after {now - last[0]:.2f} s, "
                f"{added} stretches added (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            last[0] = now

        lp.bound(p, above, time.monotonic() + args.seconds, each)


if __name__ == "__main__":
    main()
