"""The roster: volunteers (skills, homes, modes, hours, availability), teams, and residents."""

from __future__ import annotations

from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, Span, merge_spans, subtract_spans
from worldgen.catalogue import (
    SERVICE_CIRCLE,
    SUBDISTRICT_RADIUS_KM,
    TEAMS,
    VOLUNTEER_SKILLS,
    WEEKDAYS,
    Json,
    Subdistrict,
    clock,
    date,
    skill_order,
)
from worldgen.town import Town


class Roster(Town):
    def availability(self, vid: str) -> tuple[list[Json], list[Json]]:
        rng = self.rng
        avail: list[Json] = []
        spans: list[Span] = []
        n = rng.choice((1, 2, 2)) if self.contended else rng.choice((2, 2, 3, 3, 4))
        for _ in range(n):
            days = sorted(rng.sample(WEEKDAYS, rng.choice((1, 2, 2, 3))), key=DAYS.index)
            start = rng.choice((480, 510, 540, 570, 840, 870, 900, 1110))
            end = min(start + rng.choice((120, 150, 180, 210, 240)), 21 * 60 + 30)
            avail.append({"days": days, "from": clock(start), "to": clock(end)})
            spans += [
                (DAYS.index(d) * MINUTES_PER_DAY + start, DAYS.index(d) * MINUTES_PER_DAY + end)
                for d in days
            ]
        if rng.random() < (0.25 if self.contended else 0.45):
            days = rng.sample(["sat", "sun"], rng.choice((1, 1, 2)))
            days.sort(key=DAYS.index)
            start = rng.choice((480, 540, 840, 900))
            end = start + rng.choice((120, 180, 240))
            avail.append({"days": days, "from": clock(start), "to": clock(end)})
            spans += [
                (DAYS.index(d) * MINUTES_PER_DAY + start, DAYS.index(d) * MINUTES_PER_DAY + end)
                for d in days
            ]
        if rng.random() < 0.1:
            day = rng.randrange(7)
            start = rng.choice((540, 840))
            end = start + 180
            avail.append({"date": date(day), "from": clock(start), "to": clock(end)})
            spans.append((day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + end))
        unavailable: list[Json] = []
        cuts: list[Span] = []
        roll = rng.random()
        if roll < 0.1:
            day = rng.randrange(7)
            unavailable.append({"date": date(day)})
            cuts.append((day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY))
        elif roll < 0.15:
            day = rng.randrange(5)
            start = rng.choice((540, 600, 900))
            unavailable.append({"date": date(day), "from": clock(start), "to": clock(start + 60)})
            cuts.append((day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + start + 60))
        self.blocks[vid] = subtract_spans(merge_spans(spans), cuts)
        return avail, unavailable

    def volunteers(self) -> None:
        rng = self.rng
        skills, weights = list(VOLUNTEER_SKILLS), list(VOLUNTEER_SKILLS.values())
        for sd, count in zip(self.sds, self.split(self.n_volunteers), strict=True):
            for i in range(count):
                vid = f"v-{sd.slug}-{i + 1:03d}"
                gender = "f" if rng.random() < 0.6 else "m"
                doctor = rng.random() < 0.04
                mine: set[str] = set()
                for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
                    mine.add(rng.choices(skills, weights)[0])
                if doctor:
                    mine |= {"medical", "first_aid"}
                    if rng.random() < 0.25:
                        mine.add("ophthalmology")
                roll = rng.random()
                mode = (
                    "car"
                    if doctor
                    else ("walk" if roll < 0.65 else "bike" if roll < 0.8 else "ebike")
                )
                limit = SERVICE_CIRCLE
                if mode == "car":
                    limit = rng.choice((20, 25, 30))
                elif rng.random() < 0.2:
                    limit = rng.choice((10, 20, 25))
                languages = ["zh", "henan"] if rng.random() < 0.45 else ["zh"]
                if rng.random() < 0.02:
                    languages.append("sign")
                avail, unavailable = self.availability(vid)
                if self.routing:
                    hours: float = 168
                elif self.contended:
                    hours = rng.choice((2, 2.5, 3, 4))
                else:
                    hours = rng.choice((4, 6, 6, 8, 8, 10, 12))
                vol: Json = {
                    "id": vid,
                    "name": self.name(gender) + ("医生" if doctor else ""),
                    "skills": sorted(mine, key=skill_order),
                    "home": self.point(sd, SUBDISTRICT_RADIUS_KM),
                    "mode": mode,
                    "max_hours_per_week": hours,
                    "vetted": doctor or rng.random() < 0.75,
                    "gender": gender,
                    "languages": languages,
                    "availability": avail,
                }
                if limit != SERVICE_CIRCLE:
                    vol["max_travel_minutes"] = limit
                if unavailable:
                    vol["unavailable"] = unavailable
                sd.volunteers.append(vol)

    def make_teams(self) -> None:
        if self.routing:
            return
        rng = self.rng
        for sd in self.sds:
            if not sd.volunteers:
                continue
            keys = ["grid", *rng.sample(["lions", "sewing", "redcaps"], rng.choice((1, 2, 2, 3)))]
            for key in keys:
                suffix, skills, (lo, hi) = TEAMS[key]
                size = min(len(sd.volunteers), rng.randint(lo, hi))
                members = rng.sample(sd.volunteers, size)
                tid = f"{sd.slug}-{key}"
                self.teams.append({"id": tid, "name": f"{sd.name}{suffix}", "skills": list(skills)})
                sd.teams[key] = sorted(v["id"] for v in members)
                for v in members:
                    v.setdefault("teams", []).append(tid)
        for sd in self.sds:  # the contract's order reads better: teams right after the name
            for i, v in enumerate(sd.volunteers):
                if "teams" in v:
                    sd.volunteers[i] = {"id": v["id"], "name": v["name"], "teams": v["teams"], **v}

    def make_residents(self, sd: Subdistrict, count: int) -> None:
        rng = self.rng
        cats = (
            "over_70",
            "living_alone",
            "empty_nest",
            "bereaved_parent",
            "disabled",
            "low_income",
        )
        cat_w = (40, 25, 20, 3, 7, 10)
        for i in range(count):
            gender = "f" if rng.random() < 0.6 else "m"
            chosen: list[str] = []
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                c = rng.choices(cats, cat_w)[0]
                if c not in chosen:
                    chosen.append(c)
            res: Json = {
                "id": f"r-{sd.slug}-{i + 1:03d}",
                "name": self.name(gender),
                "location": self.point(sd, SUBDISTRICT_RADIUS_KM),
                "categories": sorted(chosen, key=cats.index),
            }
            if rng.random() < 0.1:
                res["gender_preference"] = gender
            sd.residents.append(res)
