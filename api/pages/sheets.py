"""Paper: what a volunteer's printed day sheet and the noticeboard's week say, built from a
plan (the contract's plan JSON and the week's scenario, as the coordinator reads them) or from
a volunteer's published schedule (as the volunteer reads it). Templates in api/templates/paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pendulum

from mutualaid.contract.clock import clock_text, minute_at
from mutualaid.contract.data import Json
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY
from mutualaid.messages import CATALOGUE, msg_in
from mutualaid.services.volunteers import Schedule

GONE = ("declined", "withdrawn")
"""States of a visit that is no longer the volunteer's: never printed."""


@dataclass(frozen=True)
class Visit:
    """One visit on a sheet, in the order of the day."""

    task: str
    start: str
    """HH:mm in the area's time zone."""
    end: str
    title: str
    resident: str | None
    place: str
    """The site's name, or the resident's home ("Wang Fang's home")."""
    co_volunteers: tuple[str, ...]
    travel_in: int | None = None
    """Minutes on the way to it, when the plan has its routes."""
    from_home: bool = False
    """`travel_in` starts at the volunteer's home (the first visit of a round)."""
    travel_home: int | None = None
    """Minutes back home after it, when it ends a round."""
    address: str | None = None
    """The place's address and phone when the roster has them (the sheet shows them only
    then); the co-volunteers carry their phones the same way."""
    phone: str | None = None
    kept: bool = False
    """A marked visit kept apart from the plan (`marked_kept`): printed, marked as kept."""


@dataclass(frozen=True)
class Sheet:
    """One volunteer's one day: one printed page."""

    volunteer: str
    name: str
    day: str
    """The weekday, in the sheet's language."""
    date: str
    visits: list[Visit]


@dataclass(frozen=True)
class Unserved:
    task: str
    title: str
    priority: str
    reason: str
    """The reason in the chosen language."""
    detail: str
    suggestions: tuple[str, ...] = ()
    """What would serve it, each a sentence in the chosen language, fewest changes first."""


@dataclass
class Board:
    """The week for the noticeboard: a row per volunteer, a column per day."""

    days: list[tuple[str, str]]
    """(weekday name, date) of the seven days."""
    rows: list[tuple[str, list[list[Visit]]]] = field(default_factory=list)
    """(volunteer's name, their visits on each of the seven days)."""
    unserved: list[Unserved] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    """What changed for a marked visit's task (`api.pages.marked_notes`)."""
    changed: str | None = None
    """The plan's visits whose task, changed since, no longer allows them
    (`api.pages.coordinator.task_changed_note`)."""


def day_name(lang: str, date: pendulum.Date) -> str:
    return msg_in(lang, f"day_{DAYS[date.weekday()]}")


def _task(tasks: dict[str, Json], ident: str) -> Json:
    """The task a plan names: itself, or the series a `t@mon` is a day of."""
    return _in_week(tasks, ident) or {"id": ident, "title": ident}


def _in_week(tasks: dict[str, Json], ident: str) -> Json | None:
    """The task a plan names, when the week still has it (a deleted task's visits are
    withdrawn: nobody goes)."""
    return tasks.get(ident) or tasks.get(ident.rsplit("@", 1)[0])


class PlanReader:
    """A plan JSON read against its week's scenario (export_scenario's dict): every visit of
    every volunteer, with names, places and the plan's travel."""

    def __init__(
        self, scenario: Json, result: Json, lang: str, notes: tuple[str, ...] = (),
        changed: str | None = None,
    ) -> None:  # fmt: skip
        self.lang = lang
        self.notes = notes
        """Sentences on marked visits' tasks that grew (`api.pages.marked_notes`)."""
        self.changed = changed
        """The sentence on visits whose task changed since and no longer allows them."""
        self.zone = str(scenario.get("timezone") or "UTC")
        self.monday = pendulum.Date.fromisoformat(str(scenario["week_start"]))
        self.sites = {s["id"]: s for s in scenario.get("sites") or []}
        self.residents = {r["id"]: r for r in scenario.get("residents") or []}
        self.people = {v["id"]: v for v in scenario.get("volunteers") or []}
        self.tasks = {t["id"]: t for t in scenario.get("tasks") or []}
        self.declined = {
            (str(d.get("task")), str(d.get("volunteer")))
            for d in scenario.get("declined") or []
            if isinstance(d, dict)
        }
        """(task, volunteer) pairs said no to since: a plan whose repair is still to be made
        gives them, but the volunteer will not go."""
        self.result = result
        self.legs = self._legs(result.get("routes") or {})
        self._visits: dict[str, list[tuple[pendulum.Date, Visit]]] | None = None

    def name(self, volunteer: str) -> str:
        return str(self.people.get(volunteer, {}).get("name", volunteer))

    def reachable(self, volunteer: str) -> str:
        """The name, with the phone when the roster has it (for the people going along)."""
        return with_phone(self.name(volunteer), self.people.get(volunteer, {}).get("phone"))

    @staticmethod
    def _legs(routes: Any) -> dict[tuple[str, str], tuple[int | None, bool, int | None]]:
        """(volunteer, task) -> (minutes in, from home, minutes home after) from the plan's
        routes (`routes[v] = [{stops: [{task, travel_in}], travel_home}]`), when it has them."""
        out: dict[tuple[str, str], tuple[int | None, bool, int | None]] = {}
        if not isinstance(routes, dict):
            return out
        for volunteer, rounds in routes.items():
            for one in rounds if isinstance(rounds, list) else []:
                stops = [s for s in one.get("stops") or [] if isinstance(s, dict)]
                for i, stop in enumerate(stops):
                    back = one.get("travel_home") if i == len(stops) - 1 else None
                    out[(str(volunteer), str(stop.get("task")))] = (
                        stop.get("travel_in"),
                        i == 0,
                        back,
                    )
        return out

    def _place(self, task: Json) -> tuple[str, str | None, Json | None]:
        """The place's words, the resident's name, and the roster entry of the place."""
        resident = self.residents.get(str(task.get("resident")))
        site = self.sites.get(str(task.get("site")))
        who = str(resident["name"]) if resident else None
        if site is not None:
            return str(site["name"]), who, site
        if resident is not None:
            return msg_in(self.lang, "place_home", name=resident["name"]), who, resident
        return str(task.get("title", "")), who, None

    def visits(self) -> dict[str, list[tuple[pendulum.Date, Visit]]]:
        """Volunteer -> their visits (with the day), by start."""
        if self._visits is not None:
            return self._visits
        out: dict[str, list[tuple[pendulum.Date, Visit]]] = {}
        kept = [{**k, "kept": True} for k in self.result.get("marked_kept") or []]
        found = [*(self.result.get("assignments") or []), *kept]
        for a in sorted(found, key=lambda a: str(a["start"])):
            start = minute_at(self.monday, self.zone, a["start"])
            end = minute_at(self.monday, self.zone, a["end"])
            date = self.monday.add(days=start // MINUTES_PER_DAY)
            task = _in_week(self.tasks, str(a["task"]))
            if task is None:  # withdrawn: the task was deleted after the plan was made
                continue
            place, resident, entry = self._place(task)
            crew = [
                str(v["id"])
                for v in a.get("volunteers") or []
                if (str(a["task"]), str(v["id"])) not in self.declined
            ]
            for v in crew:
                travel_in, from_home, back = self.legs.get((v, str(a["task"])), (None, False, None))
                visit = Visit(
                    str(a["task"]), clock_text(start % MINUTES_PER_DAY),
                    clock_text(end % MINUTES_PER_DAY),
                    str(task.get("title", a["task"])), resident, place,
                    tuple(self.reachable(o) for o in crew if o != v), travel_in, from_home, back,
                    (entry or {}).get("address"), (entry or {}).get("phone"), bool(a.get("kept")),
                )  # fmt: skip
                out.setdefault(v, []).append((date, visit))
        self._visits = out
        return out

    def table(self) -> list[list[str]]:
        """The plan as a spreadsheet: one row per visit (day, date, time, volunteers, who is
        helped, place, address, task), by start; visits no one is left to make are left out.
        A marked visit kept apart (`marked_kept`) is listed too, its task labelled as kept."""
        words = (
            "page_day", "page_date", "page_from", "page_to", "page_volunteers", "page_helping",
            "page_place", "page_sheet_address", "page_task", "page_id",
        )  # fmt: skip
        out = [[msg_in(self.lang, w) for w in words]]
        kept = [{**k, "kept": True} for k in self.result.get("marked_kept") or []]
        found = [*(self.result.get("assignments") or []), *kept]
        label = f" ({msg_in(self.lang, 'page_visit_kept')})"
        for a in sorted(found, key=lambda a: str(a["start"])):
            task = _in_week(self.tasks, str(a["task"]))
            crew = [str(v["id"]) for v in a.get("volunteers") or []
                    if (str(a["task"]), str(v["id"])) not in self.declined]  # fmt: skip
            if task is None or not crew:
                continue
            start = pendulum.parse(a["start"]).in_timezone(self.zone)  # type: ignore[union-attr]
            end = pendulum.parse(a["end"]).in_timezone(self.zone)  # type: ignore[union-attr]
            place, resident, entry = self._place(task)
            out.append([
                day_name(self.lang, start.date()), start.date().isoformat(),
                start.format("HH:mm"), end.format("HH:mm"),
                ", ".join(self.name(v) for v in crew), resident or "", place,
                str((entry or {}).get("address") or ""),
                str(task.get("title", a["task"])) + (label if a.get("kept") else ""),
                str(a["task"]),
            ])  # fmt: skip
        return out

    def unserved(self) -> list[Unserved]:
        """What the plan does not serve, as `result` words it (`plan_in`: its reasons and
        suggestions in the reader's language, naming people, skills and tasks by name);
        tasks deleted since are left out."""
        out = []
        for u in self.result.get("unserved") or []:
            if _in_week(self.tasks, str(u["task"])) is None:
                continue
            task = _task(self.tasks, str(u["task"]))
            key = f"reason_{u.get('reason')}"
            ideas = [s for s in u.get("suggestions") or [] if isinstance(s, dict)]
            out.append(Unserved(
                str(u["task"]), str(task.get("title", u["task"])),
                str(task.get("priority") or "normal"),
                msg_in(self.lang, key) if key in CATALOGUE else str(u.get("reason")),
                str(u.get("detail") or ""),
                tuple(str(s.get("text") or s.get("kind") or "") for s in ideas),
            ))  # fmt: skip
        return out

    def unserved_table(self) -> list[list[str]]:
        """The unserved tasks as a spreadsheet: task, priority, reason, its detail, what
        would serve it (one suggestion a line), and the task id."""
        words = ("page_task", "page_priority", "page_reason", "page_detail",
                 "page_suggestions_column", "page_id")  # fmt: skip
        out = [[msg_in(self.lang, w) for w in words]]
        for u in self.unserved():
            out.append([
                u.title, msg_in(self.lang, f"page_priority_{u.priority}"), u.reason, u.detail,
                "\n".join(u.suggestions), u.task,
            ])  # fmt: skip
        return out

    def sheets(self, volunteer: str | None = None, day: str | None = None) -> list[Sheet]:
        """A sheet per volunteer per day with visits: one volunteer's or everyone's (by
        name), every day or one (`mon` ... `sun`)."""
        chosen = [volunteer] if volunteer else sorted(self.visits(), key=self.name)
        out = []
        for v in chosen:
            out.extend(_by_day(v, self.name(v), self.visits().get(v, []), self.lang, day))
        return out

    def board(self) -> Board:
        dates = [self.monday.add(days=i) for i in range(7)]
        board = Board([(day_name(self.lang, d), d.isoformat()) for d in dates])
        for v in sorted(self.visits(), key=self.name):
            cells: list[list[Visit]] = [[] for _ in dates]
            for date, visit in self.visits()[v]:
                if self.monday <= date <= dates[-1]:
                    cells[(date - self.monday).days].append(visit)
            board.rows.append((self.name(v), cells))
        board.unserved = self.unserved()
        board.notes = self.notes
        board.changed = self.changed
        return board


def _by_day(
    volunteer: str, name: str, visits: list[tuple[pendulum.Date, Visit]], lang: str,
    day: str | None,
) -> list[Sheet]:  # fmt: skip
    days: dict[pendulum.Date, list[Visit]] = {}
    for date, visit in visits:
        if day is None or DAYS[date.weekday()] == day:
            days.setdefault(date, []).append(visit)
    return [
        Sheet(volunteer, name, day_name(lang, date), date.isoformat(), found)
        for date, found in sorted(days.items())
    ]


def with_phone(name: str, phone: Any) -> str:
    return f"{name} ({phone})" if phone else name


def schedule_sheets(
    schedule: Schedule, lang: str, day: str | None = None, routes: list[Json] | None = None
) -> list[Sheet]:
    """The sheets of a volunteer's published week, as the volunteer reads it (visits
    declined or withdrawn left out), with the minutes on the way where the published plan's
    `routes` (the volunteer's rounds) give them."""
    legs = PlanReader._legs({schedule.volunteer: routes or []})
    visits = []
    for a in schedule.assignments:
        if a.record.state in GONE:
            continue
        start = a.record.start.in_timezone(schedule.timezone)
        end = a.record.end.in_timezone(schedule.timezone)
        travel_in, from_home, back = legs.get(
            (schedule.volunteer, a.record.task), (None, False, None)
        )
        visit = Visit(
            a.record.task, start.format("HH:mm"), end.format("HH:mm"), a.title, a.resident_name,
            a.place, tuple(with_phone(c.name, c.phone) for c in a.co_volunteers),
            travel_in, from_home, back, a.address, a.phone,
        )  # fmt: skip
        visits.append((start.date(), visit))
    return _by_day(schedule.volunteer, schedule.volunteer_name, visits, lang, day)
