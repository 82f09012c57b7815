"""The town: subdistricts laid out around Zhengzhou's centre with their sites, points within
them, and people's names. The base of the generator: it holds the world's state and its one
random stream, which every step draws from in a fixed order (same seed, same world)."""

from __future__ import annotations

import math
import random

from mutualaid.domain.model import Span
from worldgen.catalogue import (
    CENTRE,
    GIVEN_F,
    GIVEN_M,
    KM_PER_DEG_LAT,
    SUBDISTRICT_SPACING_KM,
    SUBDISTRICTS,
    SURNAMES,
    Info,
    Json,
    Subdistrict,
)


class Town:
    def __init__(
        self,
        n_tasks: int,
        n_volunteers: int,
        n_subdistricts: int,
        seed: int,
        contended: bool,
        routing: bool,
    ) -> None:
        self.rng = random.Random(seed)
        self.n_tasks, self.n_volunteers, self.n_sd = n_tasks, n_volunteers, n_subdistricts
        self.seed, self.contended, self.routing = seed, contended, routing
        self.sds: list[Subdistrict] = []
        self.teams: list[Json] = []
        self.tasks: list[Json] = []
        self.infos: list[Info] = []
        self.history: list[Json] = []
        self.blocks: dict[str, list[Span]] = {}
        self.counter = 0

    def point(self, sd: Subdistrict, radius_km: float) -> Json:
        r = radius_km * math.sqrt(self.rng.random())
        a = self.rng.uniform(0, 2 * math.pi)
        dlat = r * math.sin(a) / KM_PER_DEG_LAT
        dlon = r * math.cos(a) / (KM_PER_DEG_LAT * math.cos(math.radians(sd.lat)))
        return {"lat": round(sd.lat + dlat, 5), "lon": round(sd.lon + dlon, 5)}

    def name(self, gender: str) -> str:
        given = GIVEN_M if gender == "m" else GIVEN_F
        return self.rng.choice(SURNAMES) + self.rng.choice(given)

    def subdistricts(self) -> None:
        cols = max(1, math.ceil(math.sqrt(self.n_sd)))
        rows = math.ceil(self.n_sd / cols)
        km_lon = KM_PER_DEG_LAT * math.cos(math.radians(CENTRE[0]))
        for k in range(self.n_sd):
            slug, zh = SUBDISTRICTS[k % len(SUBDISTRICTS)]
            if k >= len(SUBDISTRICTS):
                slug, zh = (
                    f"{slug}{k // len(SUBDISTRICTS) + 1}",
                    f"{zh}{k // len(SUBDISTRICTS) + 1}",
                )
            row, col = divmod(k, cols)
            y = (row - (rows - 1) / 2) * SUBDISTRICT_SPACING_KM + self.rng.uniform(-0.3, 0.3)
            x = (col - (cols - 1) / 2) * SUBDISTRICT_SPACING_KM + self.rng.uniform(-0.3, 0.3)
            sd = Subdistrict(slug, zh, CENTRE[0] + y / KM_PER_DEG_LAT, CENTRE[1] + x / km_lon)
            centre = f"{zh}街道党群服务中心"
            sd.sites.append(
                {"id": f"{slug}-centre", "name": centre, "kind": "community_centre",
                 "location": self.point(sd, 0.3)}
            )  # fmt: skip
            if self.rng.random() < 0.5:
                sd.sites.append(
                    {"id": f"{slug}-station", "name": f"{zh}社区服务站", "kind": "service_point",
                     "location": self.point(sd, 0.6)}
                )  # fmt: skip
            sd.sites.append(
                {"id": f"{slug}-home", "name": f"{zh}街道敬老院", "kind": "nursing_home",
                 "location": self.point(sd, 0.6)}
            )  # fmt: skip
            self.sds.append(sd)

    def split(self, total: int) -> list[int]:
        """`total` spread over the subdistricts with some variation (largest remainders)."""
        weights = [self.rng.uniform(0.7, 1.3) for _ in self.sds]
        raw = [total * w / sum(weights) for w in weights]
        out = [int(x) for x in raw]
        order = sorted(range(len(raw)), key=lambda i: out[i] - raw[i])
        for i in order[: total - sum(out)]:
            out[i] += 1
        return out
