"""Before re-recording the golden plans for a change meant to move them: each plan the house
gives now, against the one stored, serves at least as many tasks at every priority, and
figures the later goals side by side (to be read, and said in the commit).

    .venv/bin/python -m tests.golden.no_worse        # exit 1 if any plan serves fewer
"""

from __future__ import annotations

import json

from mutualaid.domain.model import PRIORITIES
from tests.golden.record import PLANS, plan_of, sources


def main() -> int:
    worse = 0
    for path in sources():
        stored = json.loads((PLANS / f"{path.stem}.json").read_text(encoding="utf-8"))
        now = plan_of(path)
        if now == stored:
            continue
        old, new = stored.get("objective") or {}, now.get("objective") or {}
        served_old, served_new = old.get("served", {}), new.get("served", {})
        fewer = [p for p in PRIORITIES if served_new.get(p, 0) < served_old.get(p, 0)]
        worse += bool(fewer)
        figures = ", ".join(
            f"{k} {old.get(k)} -> {new.get(k)}"
            for k in ("served", "waited", "continuity", "travel_minutes", "max_load")
            if old.get(k) != new.get(k)
        )
        verdict = f"FEWER {fewer}" if fewer else "no worse"
        print(f"{path.stem}: {verdict}; {figures or 'same objective, other plan'}")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
