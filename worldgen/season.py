"""A generated season: one area's roster once, then the requests arriving week after week
(some standing, some with a deadline, some withdrawn later), and how its volunteers answer
(the share of visits declined, missed, or marked done and then corrected). Seeded: the same
arguments give the same season.

`generate_season(weeks, tasks, volunteers, seed)` returns plain YAML-dumpable data; the replay
(`tests/season.py`) records its requests through the service's use cases week by week.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from worldgen import generate_world
from worldgen.catalogue import VISITS, WEEK_START, WEEKDAYS, Json, clock

AREA = "season"
STANDING_SHARE = 0.2
"""About this share of a week's tasks come from standing requests (a weekly visit)."""
DEADLINE_SHARE = 0.3
WITHDRAW_SHARE = 0.05
ANSWERS = {"decline": 0.08, "missed": 0.1, "corrected": 0.05}
"""Of the visits a week's published plan gives: declined (then repaired), missed, and marked
done then corrected to missed (a reversal in the ledger)."""


def generate_season(
    weeks: int = 12, tasks: int = 20, volunteers: int = 20, seed: int = 0
) -> dict[str, Any]:
    """`weeks` weeks from the generated worlds' Monday; about `tasks` tasks a week (the
    standing requests' and the open ones'), `volunteers` volunteers in one subdistrict."""
    if weeks < 1 or tasks < 1 or volunteers < 1:
        raise ValueError("need weeks >= 1, tasks >= 1 and volunteers >= 1")
    rng = random.Random(seed)
    world = generate_world(max(tasks, 10), volunteers, 1, seed)
    # each request is one a vetted volunteer could take in one of their weekday blocks (the
    # home-visit safeguards want vetting): whether it is served is up to the week's contention
    offers = [
        (skill, days, block)
        for v in world["volunteers"] if v["vetted"]
        for block in v["availability"]
        if (days := [d for d in block.get("days", ()) if d in WEEKDAYS])
        for skill in v["skills"] if skill in VISITS
    ]  # fmt: skip
    residents = [r["id"] for r in world["residents"]]
    first = dt.date.fromisoformat(WEEK_START)
    made = 0

    def request(week: int, standing: bool) -> Json:
        nonlocal made
        made += 1
        skill, days, block = rng.choice(offers)
        title, durations, _ = VISITS[skill]
        start, end = minutes(block["from"]), minutes(block["to"])
        duration = min(rng.choice(durations), end - start)
        chosen = sorted(rng.sample(days, rng.randint(1, len(days))), key=WEEKDAYS.index)
        body: Json = {
            "id": f"q-{made:04d}",
            "title": title,
            "resident": rng.choice(residents),
            "needs": [{"skill": skill, "count": 1}],
            "duration_minutes": duration,
            "windows": [{"days": chosen, "from": clock(start), "to": clock(end)}],
            "priority": rng.choices(("urgent", "high", "normal", "low"), (5, 20, 55, 20))[0],
        }
        if standing:
            body["standing"] = True
        elif rng.random() < DEADLINE_SHARE:
            last = first + dt.timedelta(weeks=week + rng.choice((0, 1, 2)), days=4)
            body["deadline"] = last.isoformat()
        return body

    standing = max(1, round(tasks * STANDING_SHARE))
    arrivals: list[list[Json]] = []
    withdrawals: list[list[str]] = []
    alive: list[str] = []
    for week in range(weeks):
        new = [request(week, True) for _ in range(standing if week == 0 else 0)]
        # roughly what the week lacks of `tasks`: what is left open arrives again by itself
        fresh = tasks - standing if week == 0 else max(2, round((tasks - standing) * 0.5))
        new += [request(week, False) for _ in range(fresh)]
        gone = [r for r in alive if rng.random() < WITHDRAW_SHARE] if week else []
        alive = [r for r in alive if r not in gone]
        alive += [r["id"] for r in new if not r.get("standing")]
        arrivals.append(new)
        withdrawals.append(gone)
    roster = {k: world[k] for k in ("sites", "teams", "volunteers", "residents")}
    return {
        "area": AREA,
        "name": f"{world['name'].split(' — ')[0]} — generated season (seed {seed})",
        "timezone": world["timezone"],
        "first_week": WEEK_START,
        "weeks": weeks,
        "seed": seed,
        "answers": dict(ANSWERS),
        "roster": roster,
        "arrivals": arrivals,
        "withdrawals": withdrawals,
    }


def minutes(hhmm: str) -> int:
    hours, _, mins = hhmm.partition(":")
    return int(hours) * 60 + int(mins)
