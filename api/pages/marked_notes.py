"""The word on a task whose needs grew after its visit was marked done or missed (two people
now, one marked): the marked visit stays as it was (the ledger counts it so) and the solve
fills the other places, or does not; the desk's plan page, the printed noticeboard and the
plan's spreadsheet export say which, so a coordinator sees why that visit's crew changed.
The solve pins the marked volunteers (`services.marked.pinned`); when no one can join them,
the plan says so in its unserved list (`services.marked`) instead."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from api.pages.named import Names
from mutualaid.contract.data import Json
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.week import WrittenWeek
from mutualaid.messages import msg_in
from mutualaid.services.marked import marked_of
from mutualaid.services.ports import PlanRecord, UnitOfWork


def people_needed(week: WrittenWeek) -> dict[str, int]:
    """Task id (a series once, by its id) -> the fewest people its needs take
    (`StoredTask.people`, the domain's one definition), not from their written form."""
    return {t.id: t.people for t in week.tasks}


def grown_notes(
    people: Mapping[str, int], result: Json, marked: list[MarkedVisit], names: Names, lang: str
) -> list[str]:
    """One sentence per task of `result` with a visit `marked` whose task now needs more
    people (`people`, by `people_needed`) than were marked: who stays marked, and whom this
    plan adds (or that it adds no one)."""
    crews: dict[str, list[str]] = {
        str(a["task"]): [str(v["id"]) for v in a.get("volunteers") or []]
        for a in result.get("assignments") or []
    }
    by_task: dict[str, list[MarkedVisit]] = defaultdict(list)
    for visit in marked:
        by_task[visit.task].append(visit)
    notes = []
    for tid, visits in sorted(by_task.items()):
        needed = people.get(tid) or people.get(tid.split("@")[0])
        if needed is None or needed <= len(visits):
            continue
        kept = [v.volunteer for v in visits]
        fields = {
            "task": names.task(tid), "people": needed,
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


def plan_notes(
    reader: UnitOfWork, plan: PlanRecord, week: WrittenWeek, result: Json, names: Names,
    lang: str,
) -> list[str]:  # fmt: skip
    """`grown_notes` for `plan` (its `result` as the page shows it) against the marked
    visits of its week's published plan."""
    marked = marked_of(reader, plan.area, plan.week_start)
    return grown_notes(people_needed(week), result, marked, names, lang)
