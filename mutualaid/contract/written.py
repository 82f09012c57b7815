"""A week as written (`mutualaid.domain.week.WrittenWeek`) <-> the contract's canonical
scenario JSON: what an export gives and an import stores. The canonical form of each part is
`export`'s (settings, tasks, `expect`) and `roster`'s (the roster's entries)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pendulum

from mutualaid.contract import export
from mutualaid.contract import roster as roster_contract
from mutualaid.domain.model import Decline, Expect, HistoryEntry, Pin, Scenario
from mutualaid.domain.week import WrittenWeek

Json = dict[str, Any]


def written(value: Mapping[str, Any]) -> WrittenWeek:
    """A scenario as written (checked by the loader; any form `export.scenario` reads) as
    the domain's WrittenWeek."""
    c = export.scenario(value)
    exp = c.get("expect")
    return WrittenWeek(
        name=c["name"],
        timezone=c["timezone"],
        week_start=pendulum.Date.fromisoformat(c["week_start"]),
        settings=export.settings_of(c["settings"]),
        sites=tuple(roster_contract.site(x) for x in c["sites"]),
        teams=tuple(roster_contract.team(x) for x in c["teams"]),
        volunteers=tuple(roster_contract.volunteer(x) for x in c["volunteers"]),
        residents=tuple(roster_contract.resident(x) for x in c["residents"]),
        tasks=tuple(export.stored_task(x) for x in c["tasks"]),
        history=tuple(HistoryEntry(h["resident"], h["volunteer"]) for h in c["history"]),
        pinned=tuple(Pin(p["task"], tuple(p["volunteers"])) for p in c["pinned"]),
        declined=tuple(Decline(d["task"], d["volunteer"]) for d in c["declined"]),
        expect=None
        if exp is None
        else Expect(tuple(exp["served"]), dict(exp["unserved"]), dict(exp["coverage"])),
    )


def written_json(w: WrittenWeek) -> Json:
    """The week as the contract's canonical scenario (every default written out)."""
    out: Json = {
        "name": w.name,
        "timezone": w.timezone,
        "week_start": w.week_start.isoformat(),
        "settings": export.settings_json(w.settings),
        "sites": [roster_contract.to_json(e) for e in w.sites],
        "teams": [roster_contract.to_json(e) for e in w.teams],
        "volunteers": [roster_contract.to_json(e) for e in w.volunteers],
        "residents": [roster_contract.to_json(e) for e in w.residents],
        "tasks": [export.stored_task_json(t) for t in w.tasks],
        "history": [{"resident": h.resident, "volunteer": h.volunteer} for h in w.history],
        "pinned": [{"task": p.task, "volunteers": list(p.volunteers)} for p in w.pinned],
        "declined": [{"task": d.task, "volunteer": d.volunteer} for d in w.declined],
    }
    if w.expect is not None:
        out["expect"] = {
            "served": list(w.expect.served),
            "unserved": dict(w.expect.unserved),
            "coverage": dict(w.expect.coverage),
        }
    return out


def written_of(s: Scenario) -> WrittenWeek:
    """A domain Scenario as written (series found again where its tasks form one)."""
    return written(export.from_scenario(s))
