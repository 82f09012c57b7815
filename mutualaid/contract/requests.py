"""A request of the backlog in the scenario format's words: read from plain data (every problem
with its field path, as the scenario reader's), written back, and turned into the task a
week draws from it."""

from __future__ import annotations

from typing import Any

import pendulum

from mutualaid.bounds import MAX_TEXT_LENGTH
from mutualaid.contract.clock import clock_text
from mutualaid.contract.fields import Reader
from mutualaid.domain.backlog import Request, Window
from mutualaid.domain.model import PRIORITIES, SkillNeed
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg

FIELDS = (
    "id", "title", "resident", "site", "needs", "duration_minutes", "windows", "priority",
    "deadline", "standing", "household_of", "note",
)  # fmt: skip
READ_ONLY = ("status", "overdue", "waited", "recorded_on", "task", "drawn")
"""Fields the answer has that a write may carry back unchanged (they are ignored)."""


def read_request(
    data: Any, area: str, recorded_on: pendulum.Date, ident: str | None = None
) -> Request:
    """The request written in `data` (its `id`, or `ident` from the path). ScenarioError with
    every problem otherwise."""
    r = Reader(None)
    m = r.mapping(data, (), (*FIELDS, *READ_ONLY), ("title", "needs", "duration_minutes"))
    if m is None:
        raise ScenarioError(r.problems)
    if ident is not None and m.get("id") not in (None, ident):
        r.add(("id",), msg("id_mismatch", got=m.get("id"), want=ident))
    if ident is None and m.get("id") is None:
        r.add(("id",), msg("missing_field"))
    name = r.ident({"id": ident} if ident is not None else m, "id", ())
    if isinstance(name, str) and "/" in name:
        r.add(("id",), msg("id_slash"))
    title = r.string(m, "title", ())
    resident, site = r.ident(m, "resident", ()), r.ident(m, "site", ())
    if (resident is None) == (site is None):
        r.add(("resident",), msg("request_resident_or_site"))
    needs = []
    for p, item in r.items(m, "needs", ()):
        need = r.mapping(item, p, ("skill", "count"), ("skill",))
        if need is not None:
            skill = r.string(need, "skill", p)
            count = r.number(need, "count", p, 1, integer=True, positive=True)
            if skill and count:
                needs.append(SkillNeed(skill, count))
    if isinstance(m.get("needs"), list) and not m["needs"]:
        r.add(("needs",), msg("empty_list"))
    duration = r.number(m, "duration_minutes", (), None, integer=True, positive=True)
    windows = []
    for p, item in r.items(m, "windows", ()):
        block = r.time_block(item, p, whole_day_ok=False)
        if block is not None and block.days is None:
            r.add(p, msg("request_window_days"))
        elif block is not None and block.days and block.start is not None and block.end:
            if duration is not None and block.end - block.start < duration:
                r.add(p, msg("request_window_short", minutes=duration))
            windows.append(Window(block.days, block.start, block.end))
    if not m.get("windows"):
        r.add(("windows",), msg("missing_field"))
    priority = r.choice(m, "priority", (), PRIORITIES, "normal")
    deadline = None if m.get("deadline") is None else r.date(m["deadline"], ("deadline",))
    standing = r.boolean(m, "standing", (), False)
    household = r.ident(m, "household_of", ())
    note = r.string(m, "note", (), limit=MAX_TEXT_LENGTH)
    if r.problems:
        raise ScenarioError(r.problems)
    return Request(
        id=name, area=area, title=title, needs=tuple(needs), duration_minutes=duration,
        windows=tuple(windows), resident=resident, site=site, priority=priority,
        deadline=deadline, standing=bool(standing), household_of=household, note=note,
        recorded_on=recorded_on,
    )  # fmt: skip


def request_json(request: Request, today: pendulum.Date | None = None) -> dict[str, Any]:
    """The request as the API and the command line show it (`overdue` as of `today`)."""
    out: dict[str, Any] = {"id": request.id, "title": request.title}
    if request.resident is not None:
        out["resident"] = request.resident
    if request.site is not None:
        out["site"] = request.site
    out.update(
        needs=[{"skill": n.skill, "count": n.count} for n in request.needs],
        duration_minutes=request.duration_minutes,
        windows=[_window(w.days, w) for w in request.windows],
        priority=request.priority,
        deadline=None if request.deadline is None else request.deadline.isoformat(),
        standing=request.standing,
        household_of=request.household_of,
        note=request.note,
        status=request.status,
        overdue=request.overdue_on(today) if today is not None else request.status == "overdue",
        recorded_on=None if request.recorded_on is None else request.recorded_on.isoformat(),
        task=request.task_id,
    )
    return out


def task_of(request: Request, waited: int, days: tuple[str, ...]) -> dict[str, Any]:
    """The week's task of a drawn request, in the scenario format: its windows limited to
    `days` (a deadline may cut the week short)."""
    windows = []
    for w in request.windows:
        kept = tuple(d for d in w.days if d in days)
        if kept:
            windows.append(_window(kept, w))
    task: dict[str, Any] = {
        "id": request.task_id,
        "title": request.title,
        "needs": [{"skill": n.skill, "count": n.count} for n in request.needs],
        "duration_minutes": request.duration_minutes,
        "windows": windows,
        "priority": request.priority,
        "waited": waited,
    }
    if request.resident is not None:
        task["resident"] = request.resident
    if request.site is not None:
        task["site"] = request.site
    return task


def _window(days: tuple[str, ...], w: Window) -> dict[str, Any]:
    return {"days": list(days), "from": clock_text(w.start), "to": clock_text(w.end)}


def problem(path: str, key: str, **fields: object) -> ScenarioError:
    """One problem as the reader would report it."""
    return ScenarioError([Problem(path, msg(key, **fields))])
