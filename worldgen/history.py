"""What the week carries from before: continuity (history and preferred volunteers), and the
declines and pins, every pin one a volunteer can keep on their own (so every world solves)."""

from __future__ import annotations

from mutualaid.domain.model import Location, Settings
from mutualaid.travel import HaversineTravel
from worldgen.catalogue import SERVICE_CIRCLE, Info, Json, Subdistrict
from worldgen.tasks import Tasks

TRAVEL = HaversineTravel(Settings())
"""The contract's travel model on the default settings (generated worlds set none)."""


class History(Tasks):
    def near(self, sd: Subdistrict, where: Json, skill: str | None) -> list[Json]:
        """Volunteers of the subdistrict with `skill`, nearest first."""
        lat, lon = where["lat"], where["lon"]
        pool = [v for v in sd.volunteers if skill is None or skill in v["skills"]]
        return sorted(
            pool, key=lambda v: (v["home"]["lat"] - lat) ** 2 + (v["home"]["lon"] - lon) ** 2
        )

    def continuity(self) -> None:
        rng = self.rng
        seen: set[tuple[str, str]] = set()
        for info in self.infos:
            res = info.resident
            if res is None or info.skill is None:
                continue
            roll = rng.random()
            if roll > 0.3:
                continue
            close = self.near(info.sd, res["location"], info.skill)[:4]
            if not close:
                continue
            vol = rng.choice(close)
            if roll < 0.22 and (res["id"], vol["id"]) not in seen:
                seen.add((res["id"], vol["id"]))
                self.history.append({"resident": res["id"], "volunteer": vol["id"]})
            elif roll >= 0.22:
                prefs = res.setdefault("preferred_volunteers", [])
                if vol["id"] not in prefs and len(prefs) < 2:
                    prefs.append(vol["id"])

    def eligible(self, vol: Json, info: Info, declined: set[tuple[str, str]]) -> bool:
        """Could `vol` serve the one-person task on their own (hard rules 1, 2, 3, 5)?"""
        if info.skill is None or info.skill not in vol["skills"]:
            return False
        if info.vetted_only and not vol["vetted"]:
            return False
        res = info.resident
        if res is not None and res.get("gender_preference") not in (None, vol["gender"]):
            return False
        if info.languages and not set(info.languages) & set(vol["languages"]):
            return False
        if (info.id, vol["id"]) in declined or 60 * vol["max_hours_per_week"] < info.duration:
            return False
        home, there = vol["home"], info.location
        tr = TRAVEL.minutes(
            vol["mode"], Location(home["lat"], home["lon"]), Location(there["lat"], there["lon"])
        )
        if tr > vol.get("max_travel_minutes", SERVICE_CIRCLE):
            return False
        for bs, be in self.blocks[vol["id"]]:
            for a, b in info.starts:
                if max(bs + tr, a) <= min(be - tr - info.duration, b):
                    return True
        return False

    def declines_and_pins(self) -> tuple[list[Json], list[Json]]:
        rng = self.rng
        singles = [i for i in self.infos if i.skill is not None]
        declined: list[Json] = []
        pairs: set[tuple[str, str]] = set()
        for _ in range(min(20, max(1, self.n_tasks // 100)) if singles else 0):
            info = rng.choice(singles)
            close = self.near(info.sd, info.location, info.skill)[:3]
            if close:
                vid = rng.choice(close)["id"]
                if (info.id, vid) not in pairs:
                    pairs.add((info.id, vid))
                    declined.append({"task": info.id, "volunteer": vid})
        pinned: list[Json] = []
        if self.routing or not singles:
            return declined, pinned
        # Each pin puts a distinct volunteer on a one-person task they can do on their own, so
        # the pins can never clash with each other: every generated world is solvable.
        used_vols: set[str] = set()
        used_tasks: set[str] = set()
        for _ in range(min(8, self.n_tasks // 100)):
            info = rng.choice(singles)
            if info.id in used_tasks:
                continue
            for vol in self.near(info.sd, info.location, info.skill)[:6]:
                if vol["id"] not in used_vols and self.eligible(vol, info, pairs):
                    used_vols.add(vol["id"])
                    used_tasks.add(info.id)
                    pinned.append({"task": info.id, "volunteers": [vol["id"]]})
                    break
        return declined, pinned
