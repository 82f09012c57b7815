"""The sentences of suggestions (`solver.suggest`), in English and Chinese: one dict per
language with the same keys, and `word` to say a suggestion in the chosen language: the part of
the catalogue whose sentences take lists of people and days."""

from __future__ import annotations

from mutualaid.messages import locale
from mutualaid.messages.skills import skill_name

EN: dict[str, str] = {
    "widen_window": "Widen the window of {task} to {day} {start}-{end}: then {people} can do it.",
    "move_day": "Offer {task} on {day} {start}-{end} as well: {people} can do it then.",
    "extend_hours": "Ask {people} for more hours this week ({hours}): then {task} is served.",
    "extend_range": "Ask {people} to travel further ({minutes} min) to serve {task}.",
    "allow_unvetted": "Let volunteers without a background check do {task}: {people} could go.",
    "recruit": "Recruit for {task}: {count} × {skill}, living nearby, free on {day} {start}-{end}.",
    "swap": "Move {people} to {task} from the lower-priority {others}.",
    "pinned": "The change also pins {pinned} to it, so the plan keeps it.",
    "and": ", ",
    "new_volunteer": "New volunteer ({skill})",
    "new_volunteer_n": "New volunteer {n} ({skill})",
    "hours": "{n} h in all",
    "heading": "Suggestions",
}

ZH: dict[str, str] = {
    "widen_window": "把{task}的时段放宽到{day} {start}-{end}，{people}就能去。",
    "move_day": "{task}也可安排在{day} {start}-{end}：那时{people}有空。",
    "extend_hours": "请{people}本周多出些时间（{hours}），{task}就能安排上。",
    "extend_range": "请{people}走远一点（{minutes}分钟）去做{task}。",
    "allow_unvetted": "允许未经背景审查的志愿者做{task}：{people}可以去。",
    "recruit": "为{task}招募{count}名会{skill}的志愿者：住在附近，{day} {start}-{end}有空。",
    "swap": "让{people}从优先级较低的{others}调到{task}。",
    "pinned": "此改动同时把{pinned}固定安排到该任务，计划必定保留。",
    "and": "、",
    "new_volunteer": "新志愿者（{skill}）",
    "new_volunteer_n": "新志愿者{n}（{skill}）",
    "hours": "共{n}小时",
    "heading": "建议",
}

TEXTS: dict[str, dict[str, str]] = {"en": EN, "zh": ZH}
DAY_NAMES: dict[str, dict[str, str]] = {
    "en": {d: d.capitalize() for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "zh": {
        "mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四",
        "fri": "周五", "sat": "周六", "sun": "周日",
    },
}  # fmt: skip


def word(kind: str, lang: str | None = None, **fields: object) -> str:
    """The sentence for a suggestion of this kind in `lang` (default: the current locale);
    a `day` field (mon..sun) and `people`, `others` and `pinned` lists are worded in that
    language, and a `skill` (an id, or a list of them) by `skill_name`. With `pinned` (who the
    patch pins to the task) a sentence saying so follows."""
    code = lang or locale()
    texts = TEXTS.get(code, EN)
    skill = fields.get("skill")
    if isinstance(skill, str | list | tuple):
        ids = [skill] if isinstance(skill, str) else skill
        fields["skill"] = texts["and"].join(skill_name(str(k), code) for k in ids)
    hours = fields.get("hours")
    if isinstance(hours, list | tuple):
        fields["hours"] = texts["and"].join(texts["hours"].format(n=h) for h in hours)
    if isinstance(fields.get("day"), str):
        fields["day"] = DAY_NAMES.get(code, DAY_NAMES["en"]).get(str(fields["day"]), fields["day"])
    people = fields.get("people")
    if isinstance(people, list | tuple):
        fields["people"] = texts["and"].join(str(p) for p in people)
    for key in ("others", "pinned"):
        listed = fields.get(key)
        if isinstance(listed, list | tuple):
            fields[key] = texts["and"].join(_person(texts, p) for p in listed)
    said = texts[kind].format(**fields)
    if "pinned" in fields:
        said += ("" if texts is ZH else " ") + texts["pinned"].format(**fields)
    return said


def new_person(skill: str, n: int | None = None) -> dict[str, object]:
    """A person a recruit adds, as a sentence's field: worded in each language when said
    (`word`), numbered when one suggestion recruits several."""
    return {"new_volunteer": skill, "n": n}


def person_name(person: object, lang: str | None = None) -> str:
    """A person of a sentence (a name, or a `new_person`) in `lang` (default: the locale)."""
    return _person(TEXTS.get(lang or locale(), EN), person)


def _person(texts: dict[str, str], person: object) -> str:
    if isinstance(person, dict) and "new_volunteer" in person:
        skill = skill_name(str(person["new_volunteer"]), "zh" if texts is ZH else "en")
        n = person.get("n")
        return texts["new_volunteer_n" if n else "new_volunteer"].format(skill=skill, n=n)
    return str(person)
