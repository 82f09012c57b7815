"""`mutualaid recommend`: who can take a new request, against a plan, from files (no database);
`mutualaid absence add|list|delete`: a volunteer's absences on the database, as the API's.
Bad input exits 2 with every problem named, the task's against the task's file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mutualaid.bounds import shown
from mutualaid.cli.common import (
    EXIT_BAD_INPUT,
    app,
    console,
    errors,
    load,
    read_plan_json,
    refuse,
    settings_from_env,
)
from mutualaid.cli.plans import check_same_scenario, check_writable
from mutualaid.cli.usage import WordedTyper
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.contract.yaml_text import Document, FieldPath, read_yaml, render_path
from mutualaid.contract.yaml_words import unreadable
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, PRIORITIES, Scenario
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import located, msg, say, violation_text
from mutualaid.validation import validate


def _clock(m: int) -> str:
    day, minute = divmod(m, MINUTES_PER_DAY)
    return f"{DAYS[day]} {minute // 60:02d}:{minute % 60:02d}"


def _bad(text: str) -> typer.Exit:
    errors.print(text, markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def recommend(
    file: Annotated[Path, typer.Argument(help="The scenario YAML (the week without the task).")],
    plan: Annotated[Path, typer.Argument(help="The published plan JSON of that week.")],
    task: Annotated[Path, typer.Option(help="The new request: one task, YAML or JSON.")],
    apply: Annotated[
        str | None, typer.Option(help="Apply this option (its id) and write the plan to --out.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Where to write the applied plan.")] = None,
) -> None:
    """Who can take a new request: the best five options against the plan.

    Each says who goes and when, the other visits that move, the effect on coverage and the
    travel added."""
    from solver.recommend import inserted_plan, options_for

    week = load(file)  # every problem of the week itself, against its own file
    data, doc = _read_yaml_file(file)
    item, task_doc = _read_yaml_file(task)
    published = _read_plan(plan, week, file)
    if apply is not None and out is not None and str(out) != "-":
        check_writable(out)  # before any work, as solve does
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or item.get("every"):
        wrong = "recommend_needs_id" if not isinstance(item, dict) or not item.get("id") else (
            "recommend_no_series")  # fmt: skip
        raise _bad(located(task, msg(wrong)))
    if any(isinstance(t, dict) and t.get("id") == item["id"] for t in data.get("tasks") or ()):
        raise _bad(located(task, msg("recommend_task_exists", task=item["id"])))
    at: FieldPath = ("tasks", len(data.get("tasks") or ()))  # the request's path in the week
    own = render_path(at)
    data["tasks"] = [*(data.get("tasks") or []), item]
    data.pop("expect", None)
    try:
        # the task file's lines and raw clocks, at the request's place in the week
        scenario = build_scenario(data, str(file), doc.with_part(at, task_doc))
        before = plan_json.load(published, scenario)
    except ScenarioError as exc:
        for problem in shown(exc.problems):
            mine = problem.path == own or problem.path.startswith((own + ".", own + "["))
            path = problem.path.removeprefix(own).lstrip(".") if mine else problem.path
            where = str(task) if mine else str(file)
            errors.print(Problem(path, problem.message, problem.line).render(where), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except (KeyError, ValueError, TypeError) as exc:
        raise _bad(located(plan, str(exc))) from None
    options, why = options_for(scenario, before, item["id"])
    if apply is not None:
        chosen = next((o for o in options if o.id == apply), None)
        if chosen is None:
            raise _bad(msg("recommendation_gone", id=apply, task=item["id"]))
        text = json.dumps(plan_json.dump(inserted_plan(scenario, before, chosen), scenario),
                          ensure_ascii=False, indent=2)  # fmt: skip
        if out is None or str(out) == "-":
            print(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
        return
    if not options:
        console.print(say(why) if why is not None else msg("recommend_none"), markup=False)
        return
    _table(options)


def _read_yaml_file(path: Path) -> tuple[Any, Document]:
    """The YAML (or JSON) of `path` with its lines; exit 2 naming the file when it cannot be
    read or parsed."""
    try:
        return read_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(located(path, msg("file_unreadable", problem=unreadable(exc)))) from None
    except ScenarioError as exc:
        for problem in shown(exc.problems):
            errors.print(problem.render(str(path)), markup=False, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _read_plan(path: Path, week: Scenario, file: Path) -> Any:
    """The plan JSON at `path`, which must be a plan of `week` (read from `file`) keeping its
    every rule (the options are made against it): else exit 2 naming the file and what is
    wrong."""
    data = read_plan_json(path)
    check_same_scenario(file, week, path, data)
    report = validate(week, data)
    if not report.ok:
        errors.print(msg("cli_plan_bad", file=path, count=len(report.violations)), markup=False)
        for v in report.violations[:50]:
            errors.print(f"  - {violation_text(v)}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    return data


def _table(options: list[Any]) -> None:
    table = Table(title=msg("cli_recommend_title"), title_justify="left")
    for col in ("cli_rec_id", "cli_rec_who", "cli_rec_start", "cli_rec_moves",
                "cli_rec_coverage", "cli_rec_travel"):  # fmt: skip
        table.add_column(msg(col), overflow="fold")
    for o in options:
        served = " ".join(f"{p}{o.effect.served[p]:+d}" for p in PRIORITIES if o.effect.served[p])
        moves = "; ".join(
            m.task + ("" if m.after else " " + msg("cli_rec_dropped")) for m in o.moves[:4]
        ) + (f" (+{len(o.moves) - 4})" if len(o.moves) > 4 else "")
        table.add_row(o.id, ", ".join(v.id for v in o.assignment.volunteers),
                      _clock(o.assignment.start), moves or "-", served or "0",
                      f"{o.effect.travel_minutes:+d}")  # fmt: skip
    console.print(table)


absence_app = WordedTyper(no_args_is_help=True, help="Volunteers' absences (on the database).")
app.add_typer(absence_app, name="absence")
Url = Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")]


@absence_app.command("add")
def absence_add(
    volunteer: Annotated[str, typer.Argument(help="The volunteer's id.")],
    area: Annotated[str, typer.Option(help="Their area.")],
    week: Annotated[str | None, typer.Option(help="A Monday: away that whole week.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day away, YYYY-MM-DD.")] = None,
    last: Annotated[str | None, typer.Option("--to", help="Last day away, YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option(help="HH:MM each day (with --end).")] = None,
    end: Annotated[str | None, typer.Option(help="HH:MM each day (with --start).")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (ill, travelling...).")] = None,
    url: Url = None,
) -> None:
    """Record an absence and repair every published week it touches (as the API does)."""
    from mutualaid.cli.service import open_store
    from mutualaid.errors import MutualAidError
    from mutualaid.services import absences
    from mutualaid.services.access import CLI
    from solver.service import RepairSettings, SolverRecommender

    body = {"week": week, "from": first, "to": last, "start": start, "end": end, "reason": reason}
    settings = settings_from_env(url)
    recommender = SolverRecommender(RepairSettings(settings.solver.repair_seconds))
    try:
        with open_store(settings.database) as store:
            done = absences.report_absence(
                store.uow(), recommender, CLI, volunteer, area,
                {k: v for k, v in body.items() if v is not None},
            )  # fmt: skip
    except MutualAidError as exc:
        raise refuse(exc) from None
    a = done.absence
    console.print(msg("cli_absence_added", id=a.id, volunteer=a.volunteer,
                      first=a.first_day.isoformat(), last=a.last_day.isoformat()))  # fmt: skip
    for r in done.repairs:
        moved = ", ".join(f"{m.volunteer} ({', '.join(m.tasks)})" for m in r.moved) or "-"
        lost = ", ".join(f"{u.task} ({msg(f'cli_reason_{u.reason}')})" for u in r.unserved) or "-"
        plan = r.plan.id if r.plan is not None else "-"
        console.print(msg("cli_absence_week", week=r.week.isoformat(), plan=plan,
                          moved=moved, unserved=lost), markup=False, soft_wrap=True)  # fmt: skip


@absence_app.command("list")
def absence_list(
    volunteer: Annotated[str, typer.Argument(help="The volunteer's id.")],
    area: Annotated[str, typer.Option(help="Their area.")],
    url: Url = None,
) -> None:
    """The volunteer's absences, earliest first: id, days, hours, reason."""
    from mutualaid.cli.service import open_store
    from mutualaid.errors import MutualAidError
    from mutualaid.services import absences
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            found = absences.list_absences(store.reader(), CLI, volunteer, area)
    except MutualAidError as exc:
        raise refuse(exc) from None
    for a in found:
        hours = ""
        if a.start is not None and a.end is not None:
            hours = f" {a.start // 60:02d}:{a.start % 60:02d}-{a.end // 60:02d}:{a.end % 60:02d}"
        print(f"{a.id}\t{a.first_day.isoformat()}..{a.last_day.isoformat()}{hours}\t"
              f"{a.reason or ''}")  # fmt: skip


@absence_app.command("delete")
def absence_delete(
    volunteer: Annotated[str, typer.Argument(help="The volunteer's id.")],
    ident: Annotated[int, typer.Argument(help="The absence's id (absence list).")],
    area: Annotated[str, typer.Option(help="Their area.")],
    url: Url = None,
) -> None:
    """Take an absence back: its days leave the volunteer's unavailable."""
    from mutualaid.cli.service import open_store
    from mutualaid.errors import MutualAidError
    from mutualaid.services import absences
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            absences.delete_absence(store.uow(), CLI, volunteer, ident, area)
    except MutualAidError as exc:
        raise refuse(exc) from None
