"""What the generated worlds are made of: Zhengzhou's subdistricts, names, skills, visits and
teams with how common each is, and the two records the generator keeps while it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mutualaid.domain.model import DAYS, Span

WEEK_START = "2026-11-30"
_WEEK_START_DAY = 30  # 2026-11-30 is a Monday; dates of the week are 2026-11-30 .. 2026-12-06
CENTRE = (34.75, 113.65)
KM_PER_DEG_LAT = 111.2
SUBDISTRICT_SPACING_KM = 2.5
SUBDISTRICT_RADIUS_KM = 0.75
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
class Subdistrict:
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
class Info:
    """What the generator knows of a task it wrote, to pick plausible pins and declines."""

    id: str
    sd: Subdistrict
    location: Json
    skill: str | None
    """The skill of a one-person task, else None."""
    duration: int
    starts: list[Span]
    vetted_only: bool
    resident: Json | None
    languages: list[str]


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def date(day: int) -> str:
    """The date of day `day` (0 = Monday) of the generated week."""
    d = _WEEK_START_DAY + day
    return f"2026-11-{d:02d}" if d <= 30 else f"2026-12-{d - 30:02d}"


def skill_order(skill: str) -> int:
    order = list(VOLUNTEER_SKILLS)
    return order.index(skill) if skill in order else len(order)
