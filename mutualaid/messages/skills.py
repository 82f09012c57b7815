"""Skills as a coordinator says them, in English and Chinese. A scenario names a skill by its
id (`meal_delivery`); sentences word it here (`skill_name`), and an id this list does not know
is said as written, its underscores as spaces (a town's own skills still read as words)."""

from __future__ import annotations

from mutualaid.messages import locale

SKILLS: dict[str, tuple[str, str]] = {
    "appliance_repair": ("appliance repair", "家电维修"),
    "bathing_help": ("help with bathing", "助浴"),
    "blood_pressure": ("blood-pressure checks", "测血压"),
    "calligraphy": ("calligraphy", "书法"),
    "chat": ("a chat", "聊天"),
    "chess": ("chess", "下棋"),
    "cleaning": ("cleaning", "保洁"),
    "companionship": ("companionship", "陪伴"),
    "cooking": ("cooking", "做饭"),
    "counselling": ("counselling", "心理疏导"),
    "doctor": ("a doctor's care", "医生诊疗"),
    "errands": ("errands", "跑腿代办"),
    "escort": ("escorting", "陪同出行"),
    "fire_safety": ("fire safety", "消防安全"),
    "first_aid": ("first aid", "急救"),
    "general_medicine": ("general medicine", "全科诊疗"),
    "gong_drum": ("gongs and drums", "锣鼓"),
    "grid": ("grid work", "网格工作"),
    "grid_check": ("grid checks", "网格走访"),
    "grid_patrol": ("grid patrols", "网格巡查"),
    "grid_rounds": ("grid rounds", "网格巡访"),
    "group_sewing": ("group sewing", "集体缝补"),
    "guiding": ("guiding", "引导"),
    "haircut": ("haircuts", "理发"),
    "heating_repair": ("heating repair", "暖气维修"),
    "home_repair": ("home repair", "家居维修"),
    "job_referral": ("job referral", "就业推荐"),
    "legal_advice": ("legal advice", "法律咨询"),
    "legal_aid": ("legal aid", "法律援助"),
    "legal_mediation": ("legal mediation", "法律调解"),
    "lifting": ("lifting", "搬运"),
    "lion_dance": ("lion dance", "舞狮"),
    "lions": ("lion dance", "舞狮"),
    "massage": ("massage", "按摩"),
    "meal_delivery": ("meal delivery", "送餐"),
    "mediation": ("mediation", "调解"),
    "medical": ("medical care", "医疗服务"),
    "nurse": ("nursing", "护理"),
    "nursing": ("nursing", "护理"),
    "ophthalmology": ("ophthalmology", "眼科"),
    "optometry": ("optometry", "验光"),
    "painting": ("painting", "绘画"),
    "patrol": ("patrols", "巡逻"),
    "phone_help": ("help with phones", "手机教学"),
    "physiotherapy": ("physiotherapy", "康复理疗"),
    "psych_counselling": ("psychological counselling", "心理咨询"),
    "reading_aloud": ("reading aloud", "读报"),
    "redcaps": ("red-cap volunteering", "小红帽志愿服务"),
    "registration": ("registration", "登记"),
    "secondhand_exchange": ("second-hand exchange", "二手置换"),
    "sewing": ("sewing", "缝补"),
    "sewing_circle": ("the sewing circle", "飞针走线缝补"),
    "stairwell_clearing": ("stairwell clearing", "楼道清理"),
    "tech_help": ("tech help", "电子产品帮扶"),
    "travel_help": ("travel help", "出行帮扶"),
    "tutoring": ("tutoring", "辅导功课"),
    "wheelchair_fitting": ("wheelchair fitting", "轮椅适配"),
    "yangge": ("yangge dance", "秧歌"),
}


def skill_name(skill: str, lang: str | None = None) -> str:
    """`skill` as a sentence in `lang` (default: the current locale) says it."""
    known = SKILLS.get(skill)
    if known is None:
        return skill.replace("_", " ")
    return known[1] if (lang or locale()) == "zh" else known[0]


def _by_name() -> dict[str, str]:
    ids: dict[str, set[str]] = {}
    for ident, names in SKILLS.items():
        for name in names:
            ids.setdefault(name.lower(), set()).add(ident)
    return {name: found.pop() for name, found in ids.items() if len(found) == 1}


_BY_NAME = _by_name()
"""A skill's English or Chinese name -> its id, for the names only one skill has (护理 is
`nurse` and `nursing`: which the area uses is not known here)."""


def skill_id(word: str) -> str:
    """A skill as a person typed it: its id, or its name as the pages show it (陪伴 is
    `companionship`); any other word as written (a town's own skill)."""
    return word if word in SKILLS else _BY_NAME.get(word.strip().lower(), word)
