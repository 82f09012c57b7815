"""The week's tasks: home visits, events at sites, one-person site tasks, and repeated series,
spread over the subdistricts with windows or fixed starts."""

from __future__ import annotations

import math

from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, Span
from worldgen.catalogue import (
    PRIORITY_WEIGHTS,
    SUBDISTRICT_RADIUS_KM,
    VISITS,
    WEEKDAYS,
    Info,
    Json,
    Subdistrict,
    clock,
    date,
)
from worldgen.roster import Roster


class Tasks(Roster):
    def next_id(self, sd: Subdistrict, kind: str) -> str:
        self.counter += 1
        return f"t-{sd.slug}-{self.counter:04d}-{kind}"

    def priority(self) -> str:
        return self.rng.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0]

    def windows(self, duration: int) -> tuple[list[Json], list[Span]]:
        rng = self.rng
        days = list(WEEKDAYS) + (["sat", "sun"] if rng.random() < 0.2 else [])
        rng.shuffle(days)
        out: list[Json] = []
        starts: list[Span] = []
        for _ in range(1 if rng.random() < 0.6 else 2):
            k = min(len(days), rng.choice((1, 2, 2, 3)))
            if k == 0:
                break
            mine, days = sorted(days[:k], key=DAYS.index), days[k:]
            if rng.random() < 0.1:
                start = rng.choice((1110, 1140))
            else:
                start = rng.choice(range(480, 16 * 60 + 1, 30))
            end = start + duration + rng.choice((60, 90, 120, 150, 180, 240, 300))
            end = min(end, 21 * 60 + 30)
            out.append({"days": mine, "from": clock(start), "to": clock(end)})
            for d in mine:
                base = DAYS.index(d) * MINUTES_PER_DAY
                starts.append((base + start, base + end - duration))
        return out, starts

    def visit(self, sd: Subdistrict) -> None:
        rng = self.rng
        skills = list(VISITS)
        skill = rng.choices(skills, [VISITS[s][2] for s in skills])[0]
        title, durations, _ = VISITS[skill]
        duration = rng.choice(durations)
        res = rng.choice(sd.residents)
        windows, starts = self.windows(duration)
        tid = self.next_id(sd, "visit")
        task: Json = {
            "id": tid,
            "title": f"{title}：{res['name']}",
            "resident": res["id"],
            "needs": [{"skill": skill, "count": 1}],
            "duration_minutes": duration,
            "windows": windows,
            "priority": self.priority(),
        }
        languages: list[str] = []
        roll = rng.random()
        if roll < 0.05:
            languages = ["henan"]
        elif roll < 0.06 and "disabled" in res["categories"]:
            languages = ["sign"]
        if languages:
            task["languages"] = languages
        self.tasks.append(task)
        self.infos.append(
            Info(tid, sd, res["location"], skill, duration, starts, True, res, languages)
        )

    def event(self, sd: Subdistrict) -> None:
        rng = self.rng
        site = rng.choice(sd.sites)
        has = sd.teams
        templates: list[tuple[str, list[Json], tuple[int, ...]]] = [
            ("义剪", [{"skill": "haircut", "count": rng.choice((2, 3))},
                    {"skill": "first_aid", "count": 1}], (120,)),
            ("健康义诊", [{"skill": "medical", "count": 2},
                      {"skill": "first_aid", "count": 1}], (120,)),
            ("眼科义诊", [{"skill": "ophthalmology", "count": 1},
                      {"skill": "escort", "count": 2}], (150,)),
            ("家电义修", [{"skill": "appliance_repair", "count": 2}], (120,)),
            ("智能手机课", [{"skill": "tech_help", "count": 2}], (90,)),
            ("书法课", [{"skill": "calligraphy", "count": 1}], (90,)),
            ("调解会", [{"skill": "mediation", "count": 2}], (90,)),
        ]  # fmt: skip
        if "lions" in has or rng.random() < 0.1:
            lo = rng.choice((4, 5, 6))
            templates.append(
                ("舞狮表演", [{"team_skill": "lion_dance", "min_members": lo,
                           "max_members": lo + 2},
                          {"skill": "first_aid", "count": 1}], (60, 90))
            )  # fmt: skip
        if "sewing" in has:
            templates.append(
                (
                    "缝补日",
                    [{"team_skill": "group_sewing", "min_members": 3, "max_members": 5}],
                    (120,),
                )
            )
        if "redcaps" in has or "grid" in has:
            templates.append(("安全巡逻", [{"team_skill": "patrol", "min_members": 3}], (90, 120)))
        if "grid" in has:
            templates.append(
                (
                    "入户排查",
                    [{"team": f"{sd.slug}-grid", "min_members": 2, "max_members": 3}],
                    (120,),
                )
            )
        title, needs, durations = rng.choice(templates)
        duration = rng.choice(durations)
        tid = self.next_id(sd, "event")
        task: Json = {
            "id": tid,
            "title": f"{title}@{site['name']}",
            "site": site["id"],
            "needs": needs,
        }
        task["duration_minutes"] = duration
        if rng.random() < 0.4:
            day = rng.choices(range(7), (3, 3, 3, 3, 3, 4, 2))[0]
            minute = rng.choice((540, 570, 600, 870, 900, 930))
            task["start"] = f"{date(day)}T{clock(minute)}"
            starts = [(day * MINUTES_PER_DAY + minute, day * MINUTES_PER_DAY + minute)]
        else:
            task["windows"], starts = self.windows(duration)
        task["priority"] = self.priority()
        self.tasks.append(task)
        single = needs[0]["skill"] if len(needs) == 1 and needs[0].get("count") == 1 else None
        self.infos.append(
            Info(tid, sd, site["location"], single, duration, starts, False, None, [])
        )

    def single_site_task(self, sd: Subdistrict) -> None:
        """A one-person task at a site (routing-compatible worlds have no crews)."""
        rng = self.rng
        site = rng.choice(sd.sites)
        title, skill, duration = rng.choice(
            (("书法课", "calligraphy", 90), ("健康咨询", "medical", 60),
             ("手机答疑", "tech_help", 60), ("急救培训", "first_aid", 90),
             ("法律咨询", "legal_aid", 60), ("义剪", "haircut", 60))
        )  # fmt: skip
        tid = self.next_id(sd, "site")
        task: Json = {
            "id": tid,
            "title": f"{title}@{site['name']}",
            "site": site["id"],
            "needs": [{"skill": skill, "count": 1}],
            "duration_minutes": duration,
        }
        if rng.random() < 0.3:
            day = rng.randrange(7)
            minute = rng.choice((540, 600, 900))
            task["start"] = f"{date(day)}T{clock(minute)}"
            starts = [(day * MINUTES_PER_DAY + minute, day * MINUTES_PER_DAY + minute)]
        else:
            task["windows"], starts = self.windows(duration)
        task["priority"] = self.priority()
        self.tasks.append(task)
        self.infos.append(Info(tid, sd, site["location"], skill, duration, starts, False, None, []))

    def series(self, sd: Subdistrict, room: int) -> int:
        """A repeated task (`every`) of at most `room` days; returns how many it expands to."""
        rng = self.rng
        patterns = [d for d in (["mon", "tue", "wed", "thu", "fri"], ["mon", "wed", "fri"],
                                ["tue", "thu"], ["sat", "sun"]) if len(d) <= room]  # fmt: skip
        if not patterns:
            return 0
        days = rng.choice(patterns)
        if "grid" in sd.teams and rng.random() < 0.35:
            tid = self.next_id(sd, "rounds")
            task: Json = {
                "id": tid,
                "title": f"网格巡查：{sd.name}老旧小区楼道",
                "location": self.point(sd, SUBDISTRICT_RADIUS_KM),
                "needs": [{"team": f"{sd.slug}-grid", "min_members": 2, "max_members": 3}],
                "duration_minutes": 60,
                "every": days,
                "window": {"from": "08:30", "to": "11:30"},
                "priority": rng.choice(("high", "normal", "normal")),
            }
        else:
            res = rng.choice(sd.residents)
            tid = self.next_id(sd, "meals")
            duration = rng.choice((20, 30))
            task = {
                "id": tid,
                "title": f"每日送餐：{res['name']}",
                "resident": res["id"],
                "needs": [{"skill": "meal_delivery", "count": 1}],
                "duration_minutes": duration,
                "every": days,
                "window": {"from": "11:00", "to": "12:30"},
                "priority": rng.choices(("urgent", "high", "normal"), (1, 5, 4))[0],
            }
            for d in days:
                base = DAYS.index(d) * MINUTES_PER_DAY
                self.infos.append(
                    Info(f"{tid}@{d}", sd, res["location"], "meal_delivery", duration,
                          [(base + 660, base + 750 - duration)], True, res, [])
                )  # fmt: skip
        self.tasks.append(task)
        return len(days)

    def make_tasks(self) -> None:
        rng = self.rng
        counts = self.split(self.n_tasks)
        for sd, count in zip(self.sds, counts, strict=True):
            self.make_residents(sd, max(1, math.ceil(count * 0.7)))
        for sd, count in zip(self.sds, counts, strict=True):
            left = count
            if not self.routing:
                target = round(count * 0.06)
                while target > 0 and left > 0:
                    made = self.series(sd, min(left, target + 2))
                    if made == 0:
                        break
                    left -= made
                    target -= made
                for _ in range(min(left, round(count * 0.1))):
                    self.event(sd)
                    left -= 1
            else:
                for _ in range(min(left, round(count * 0.08))):
                    self.single_site_task(sd)
                    left -= 1
            for _ in range(left):
                self.visit(sd)
        # the file reads better in time order than in generation order
        rng.shuffle(self.tasks)
