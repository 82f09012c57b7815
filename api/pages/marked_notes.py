"""The plan page's word on a task whose needs grew after its visit was marked done or missed
(two people now, one marked): the marked visit stays as it was (the ledger counts it so) and
the solve fills the other places, or does not; the page says which, so a coordinator sees why
that visit's crew changed. The solve pins the marked volunteers (`services.marked.pinned`);
when no one can join them, the plan ends in error saying so (`solver_unkept`) instead."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from api.pages.named import Names
from mutualaid.contract.data import Json
from mutualaid.domain.marks import MarkedVisit
from mutualaid.messages import msg_in


def _people(task: Json) -> int:
    """The fewest people the written task's needs take."""
    needs = task.get("needs") or []
    return sum(int(n.get("count") or n.get("min_members") or 0) for n in needs)


def grown_notes(
    scenario: Json, result: Json, marked: list[MarkedVisit], names: Names, lang: str
) -> list[str]:
    """One sentence per task of `result` with a visit `marked` whose task now needs more
    people than were marked: who stays marked, and whom this plan adds (or that it serves
    the task no more)."""
    tasks = {str(t["id"]): t for t in scenario.get("tasks") or [] if isinstance(t, dict)}
    crews: dict[str, list[str]] = {
        str(a["task"]): [str(v["id"]) for v in a.get("volunteers") or []]
        for a in result.get("assignments") or []
    }
    by_task: dict[str, list[MarkedVisit]] = defaultdict(list)
    for visit in marked:
        by_task[visit.task].append(visit)
    notes = []
    for tid, visits in sorted(by_task.items()):
        task: Any = tasks.get(tid) or tasks.get(tid.split("@")[0])
        if task is None or _people(task) <= len(visits):
            continue
        kept = [v.volunteer for v in visits]
        fields = {
            "task": names.task(tid), "people": _people(task),
            "marked": names.people(", ".join(kept)),
            "state": msg_in(lang, f"outcome_{visits[0].state}"),
        }  # fmt: skip
        others = [v for v in crews.get(tid, []) if v not in kept]
        if others:
            notes.append(msg_in(lang, "page_marked_grown", **fields,
                                others=names.people(", ".join(others))))  # fmt: skip
        else:
            notes.append(msg_in(lang, "page_marked_grown_unserved", **fields))
    return notes
