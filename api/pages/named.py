"""An unserved task's reason as the pages say it: the skills, teams, volunteers and tasks it
names by the names the pages show (家电维修, 王师傅, 陪张奶奶聊天), not by their ids. The plan
JSON of the API and the CLI keeps the ids (the contract); only the pages' wording changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mutualaid.contract.data import Json
from mutualaid.domain.plan import Reason
from mutualaid.messages.skills import skill_name

MORE = " …"
"""How a list of ids cut short ends (`solver.analysis`)."""


@dataclass(frozen=True)
class Names:
    """Ids -> the names the pages show."""

    volunteers: Mapping[str, str] = field(default_factory=dict)
    tasks: Mapping[str, str] = field(default_factory=dict)
    teams: Mapping[str, str] = field(default_factory=dict)

    def task(self, ident: str) -> str:
        """A task's title (a series' day `t@mon` by its series' title)."""
        return self.tasks.get(ident) or self.tasks.get(ident.split("@")[0]) or ident

    def people(self, ids: str) -> str:
        """`v-wang, v-li …` as `王师傅, 李姐 …`."""
        more = ids.endswith(MORE)
        listed = ids.removesuffix(MORE) if more else ids
        named = ", ".join(self.volunteers.get(i, i) for i in listed.split(", ") if i)
        return named + (MORE if more else "")


def names_of(scenario: Json) -> Names:
    """The names of a week's export (`weeks.export_scenario`)."""

    def named(kind: str, key: str) -> dict[str, str]:
        entries = scenario.get(kind) or []
        return {str(e["id"]): str(e.get(key) or e["id"]) for e in entries if isinstance(e, dict)}

    return Names(named("volunteers", "name"), named("tasks", "title"), named("teams", "name"))


def named(detail: Reason, names: Names, lang: str) -> Reason:
    """`detail` with each id it holds replaced by its name in `lang`."""
    return Reason(detail.code, {k: _named(k, v, names, lang) for k, v in detail.params.items()})


def _named(key: str, value: Any, names: Names, lang: str) -> Any:
    if isinstance(value, Reason):
        return named(value, names, lang)
    if isinstance(value, tuple) and all(isinstance(v, Reason) for v in value):
        return tuple(named(v, names, lang) for v in value)
    if not isinstance(value, str):
        return value
    if key == "skill":
        return skill_name(value, lang)
    if key in ("role", "team"):  # a role is a skill, a team or a team's skill
        return names.teams.get(value) or skill_name(value, lang)
    if key in ("ids", "volunteers"):
        return names.people(value)
    if key == "task":
        return names.task(value)
    return value
