"""Synthetic but plausible weeks of mutual aid in Zhengzhou, for benchmarks and property tests.

`generate_world(tasks, volunteers, subdistricts, seed)` returns a scenario dict in the contract
format (plain YAML-dumpable types), the same dict for the same arguments.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from mutualaid.domain.model import (
    DAYS,
    MINUTES_PER_DAY,
    Span,
    merge_spans,
    subtract_spans,
)

WEEK_START = "2026-11-30"
_WEEK_START_DAY = 30  # 2026-11-30 is a Monday; dates of the week are 2026-11-30 .. 2026-12-06
CENTRE = (34.75, 113.65)
KM_PER_DEG_LAT = 111.2
SUBDISTRICT_SPACING_KM = 2.5
SUBDISTRICT_RADIUS_KM = 0.75
SPEEDS = {"walk": 4.5, "bike": 12.0, "ebike": 18.0, "car": 25.0}
DETOUR = 1.3
SERVICE_CIRCLE = 15
PRIORITY_WEIGHTS = {"urgent": 5, "high": 20, "normal": 55, "low": 20}
WEEKDAYS = DAYS[:5]

_SUBDISTRICT_NAMES = (
    "jingbalu:经八路 nongyelu:农业路 dahelu:大河路 funiulu:伏牛路 sanguanmiao:三官庙 "
    "jianshelu:建设路 renminlu:人民路 duling:杜岭 huayuanlu:花园路 fengchanlu:丰产路 "
    "dongdajie:东大街 erqilu:二七路 minggonglu:铭功路 dehuajie:德化街 huaihelu:淮河路 "
    "jiefanglu:解放路 fuhuajie:福华街 yimalu:一马路 wulibao:五里堡 daxuelu:大学路 "
    "changjianglu:长江路 jingguanglu:京广路 songshanlu:嵩山路 linshanzhai:林山寨 "
    "tongbailu:桐柏路 mianfanglu:棉纺路"
)
SUBDISTRICTS: tuple[tuple[str, str], ...] = tuple(
    (slug, zh) for slug, _, zh in (pair.partition(":") for pair in _SUBDISTRICT_NAMES.split())
)
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
    "钱汤尹黎易常武乔贺赖龚文"
)
_GIVEN_M = (
    "建国 建华 国强 志强 伟 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 "
    "俊 帆 旭 宁 德胜 卫东 红旗 振华 海涛 文博 子轩 浩然 长顺 铁柱 满仓 守义 金宝 国庆 "
    "永强 春生 保国 新民"
)
_GIVEN_F = (
    "秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 玉梅 淑珍 丽 静 敏 燕 艳 娟 霞 芳 娜 丹 玲 萍 红 "
    "婷 雪 琳 慧 莉 倩 颖 洁 佳 欣怡 雨桐 梓涵 淑芬 丽华 美玲 春梅 海燕 素琴 翠花 小红 "
    "爱华 玉珍 月娥"
)
GIVEN_M: tuple[str, ...] = tuple(_GIVEN_M.split())
GIVEN_F: tuple[str, ...] = tuple(_GIVEN_F.split())

# Personal skills and how common they are among volunteers.
VOLUNTEER_SKILLS: dict[str, float] = {
    "companionship": 30, "errands": 18, "meal_delivery": 14, "cleaning": 12, "home_repair": 10,
    "escort": 10, "first_aid": 10, "haircut": 6, "sewing": 6, "appliance_repair": 6,
    "tech_help": 6, "counselling": 5, "mediation": 5, "calligraphy": 4, "massage": 3,
    "legal_aid": 2, "medical": 2,
}  # fmt: skip

# Home visits: skill -> (title, durations, weight in the mix of visits).
VISITS: dict[str, tuple[str, tuple[int, ...], float]] = {
    "companionship": ("陪伴聊天", (45, 60, 90), 30),
    "errands": ("代购代办", (30, 45, 60), 12),
    "meal_delivery": ("送餐上门", (20, 30), 8),
    "cleaning": ("居家保洁", (60, 90, 120), 10),
    "home_repair": ("上门维修", (45, 60, 90), 8),
    "appliance_repair": ("家电维修", (45, 60), 5),
    "haircut": ("上门理发", (30, 45), 6),
    "medical": ("健康随访", (30, 45), 4),
    "counselling": ("心理疏导", (60, 90), 4),
    "escort": ("陪同就医", (120, 150), 4),
    "tech_help": ("教用智能手机", (45, 60), 4),
    "sewing": ("缝补衣物", (45, 60), 3),
    "massage": ("推拿按摩", (45,), 2),
    "mediation": ("邻里调解", (60, 90), 2),
    "legal_aid": ("法律咨询", (60,), 1),
}

# Teams: key -> (name suffix, team skills, size range).
TEAMS: dict[str, tuple[str, tuple[str, ...], tuple[int, int]]] = {
    "lions": ("舞狮队", ("lion_dance",), (6, 10)),
    "sewing": ("缝纫组", ("group_sewing",), (4, 8)),
    "redcaps": ("红帽子巡逻队", ("patrol",), (5, 10)),
    "grid": ("网格员队", ("grid_rounds", "patrol"), (3, 6)),
}

Json = dict[str, Any]


@dataclass
class _Subdistrict:
    slug: str
    name: str
    lat: float
    lon: float
    sites: list[Json] = field(default_factory=list)
    volunteers: list[Json] = field(default_factory=list)
    residents: list[Json] = field(default_factory=list)
    teams: dict[str, list[str]] = field(default_factory=dict)
    """Team key -> member ids."""


@dataclass
class _Info:
    """What the generator knows of a task it wrote, to pick plausible pins and declines."""

    id: str
    sd: _Subdistrict
    location: Json
    skill: str | None
    """The skill of a one-person task, else None."""
    duration: int
    starts: list[Span]
    vetted_only: bool
    resident: Json | None
    languages: list[str]


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _date(day: int) -> str:
    """The date of day `day` (0 = Monday) of the generated week."""
    d = _WEEK_START_DAY + day
    return f"2026-11-{d:02d}" if d <= 30 else f"2026-12-{d - 30:02d}"


def _travel(mode: str, a: Json, b: Json) -> int:
    """The contract's travel minutes (the same formula the loader and checker use)."""
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    return max(0, math.ceil(km * DETOUR / SPEEDS[mode] * 60 - 1e-9))


class _World:
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
        self.sds: list[_Subdistrict] = []
        self.teams: list[Json] = []
        self.tasks: list[Json] = []
        self.infos: list[_Info] = []
        self.history: list[Json] = []
        self.blocks: dict[str, list[Span]] = {}
        self.counter = 0

    # --- places and people -------------------------------------------------------------------

    def point(self, sd: _Subdistrict, radius_km: float) -> Json:
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
            sd = _Subdistrict(slug, zh, CENTRE[0] + y / KM_PER_DEG_LAT, CENTRE[1] + x / km_lon)
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

    def availability(self, vid: str) -> tuple[list[Json], list[Json]]:
        rng = self.rng
        avail: list[Json] = []
        spans: list[Span] = []
        n = rng.choice((1, 2, 2)) if self.contended else rng.choice((2, 2, 3, 3, 4))
        for _ in range(n):
            days = sorted(rng.sample(WEEKDAYS, rng.choice((1, 2, 2, 3))), key=DAYS.index)
            start = rng.choice((480, 510, 540, 570, 840, 870, 900, 1110))
            end = min(start + rng.choice((120, 150, 180, 210, 240)), 21 * 60 + 30)
            avail.append({"days": days, "from": _clock(start), "to": _clock(end)})
            spans += [
                (DAYS.index(d) * MINUTES_PER_DAY + start, DAYS.index(d) * MINUTES_PER_DAY + end)
                for d in days
            ]
        if rng.random() < (0.25 if self.contended else 0.45):
            days = rng.sample(["sat", "sun"], rng.choice((1, 1, 2)))
            days.sort(key=DAYS.index)
            start = rng.choice((480, 540, 840, 900))
            end = start + rng.choice((120, 180, 240))
            avail.append({"days": days, "from": _clock(start), "to": _clock(end)})
            spans += [
                (DAYS.index(d) * MINUTES_PER_DAY + start, DAYS.index(d) * MINUTES_PER_DAY + end)
                for d in days
            ]
        if rng.random() < 0.1:
            day = rng.randrange(7)
            start = rng.choice((540, 840))
            end = start + 180
            avail.append({"date": _date(day), "from": _clock(start), "to": _clock(end)})
            spans.append((day * MINUTES_PER_DAY + start, day * MINUTES_PER_DAY + end))
        unavailable: list[Json] = []
        cuts: list[Span] = []
        roll = rng.random()
        if roll < 0.1:
            day = rng.randrange(7)
            unavailable.append({"date": _date(day)})
            cuts.append((day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY))
        elif roll < 0.15:
            day = rng.randrange(5)
            start = rng.choice((540, 600, 900))
            unavailable.append(
                {"date": _date(day), "from": _clock(start), "to": _clock(start + 60)}
            )
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
                    "skills": sorted(mine, key=_skill_order),
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

    def make_residents(self, sd: _Subdistrict, count: int) -> None:
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

    # --- tasks -------------------------------------------------------------------------------

    def next_id(self, sd: _Subdistrict, kind: str) -> str:
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
            out.append({"days": mine, "from": _clock(start), "to": _clock(end)})
            for d in mine:
                base = DAYS.index(d) * MINUTES_PER_DAY
                starts.append((base + start, base + end - duration))
        return out, starts

    def visit(self, sd: _Subdistrict) -> None:
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
            _Info(tid, sd, res["location"], skill, duration, starts, True, res, languages)
        )

    def event(self, sd: _Subdistrict) -> None:
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
            task["start"] = f"{_date(day)}T{_clock(minute)}"
            starts = [(day * MINUTES_PER_DAY + minute, day * MINUTES_PER_DAY + minute)]
        else:
            task["windows"], starts = self.windows(duration)
        task["priority"] = self.priority()
        self.tasks.append(task)
        single = needs[0]["skill"] if len(needs) == 1 and needs[0].get("count") == 1 else None
        self.infos.append(
            _Info(tid, sd, site["location"], single, duration, starts, False, None, [])
        )

    def single_site_task(self, sd: _Subdistrict) -> None:
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
            task["start"] = f"{_date(day)}T{_clock(minute)}"
            starts = [(day * MINUTES_PER_DAY + minute, day * MINUTES_PER_DAY + minute)]
        else:
            task["windows"], starts = self.windows(duration)
        task["priority"] = self.priority()
        self.tasks.append(task)
        self.infos.append(
            _Info(tid, sd, site["location"], skill, duration, starts, False, None, [])
        )

    def series(self, sd: _Subdistrict, room: int) -> int:
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
                    _Info(f"{tid}@{d}", sd, res["location"], "meal_delivery", duration,
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

    # --- continuity, declines, pins ----------------------------------------------------------

    def near(self, sd: _Subdistrict, where: Json, skill: str | None) -> list[Json]:
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

    def eligible(self, vol: Json, info: _Info, declined: set[tuple[str, str]]) -> bool:
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
        tr = _travel(vol["mode"], vol["home"], info.location)
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

    def build(self) -> Json:
        self.subdistricts()
        self.volunteers()
        self.make_teams()
        self.make_tasks()
        self.continuity()
        declined, pinned = self.declines_and_pins()
        kind = "routing-compatible " if self.routing else "contended " if self.contended else ""
        names = "、".join(sd.name for sd in self.sds[:3]) + ("等" if len(self.sds) > 3 else "")
        world: Json = {
            "name": f"郑州 {names}街道 — generated {kind}world (seed {self.seed}), "
            f"week of {WEEK_START}",
            "timezone": "Asia/Shanghai",
            "week_start": WEEK_START,
            "sites": [s for sd in self.sds for s in sd.sites],
            "teams": self.teams,
            "volunteers": [v for sd in self.sds for v in sd.volunteers],
            "residents": [r for sd in self.sds for r in sd.residents],
            "tasks": self.tasks,
            "history": self.history,
        }
        if pinned:
            world["pinned"] = pinned
        if declined:
            world["declined"] = declined
        return world


def _skill_order(skill: str) -> int:
    order = list(VOLUNTEER_SKILLS)
    return order.index(skill) if skill in order else len(order)


def generate_world(
    tasks: int,
    volunteers: int,
    subdistricts: int,
    seed: int,
    *,
    contended: bool = False,
    routing_compatible: bool = False,
) -> dict[str, Any]:
    """A plausible week in Zhengzhou as a scenario dict in the contract format.

    Args:
        tasks: how many tasks after `every` expansion (exactly).
        volunteers: how many volunteers, spread over the subdistricts.
        subdistricts: clusters ~2.5 km apart around (34.75, 113.65), each ~1.5 km across.
        seed: the same seed gives the same world.
        contended: volunteers give far fewer hours, so demand far exceeds capacity.
        routing_compatible: every task needs one person with one skill; no teams, pins or
            repeats, and hours never bind: a world a vehicle-routing engine can solve too.
    """
    if tasks < 0 or volunteers < 0 or subdistricts < 1:
        raise ValueError("need tasks >= 0, volunteers >= 0 and subdistricts >= 1")
    world = _World(tasks, volunteers, subdistricts, seed, contended, routing_compatible)
    return world.build()
