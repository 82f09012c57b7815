"""`mutualaid request`, `week draw`, `visit` and `ledger`: the backlog and the hours ledger
from the server's shell, on the database of $DATABASE_URL (or --url), acting as `cli`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mutualaid.cli.common import EXIT_BAD_INPUT, app, console, errors, refuse, settings_from_env
from mutualaid.cli.service import open_store
from mutualaid.cli.usage import WordedTyper
from mutualaid.contract.yaml_words import unwritable as os_words
from mutualaid.errors import MutualAidError, Problem, ScenarioError
from mutualaid.messages import located, msg

request_app = WordedTyper(no_args_is_help=True, help="The backlog of requests.")
week_app = WordedTyper(no_args_is_help=True, help="A week's tasks from the backlog.")
visit_app = WordedTyper(no_args_is_help=True, help="After a visit: done or missed.")
ledger_app = WordedTyper(no_args_is_help=True, help="The hours ledger (time bank).")
app.add_typer(request_app, name="request")
app.add_typer(week_app, name="week")
app.add_typer(visit_app, name="visit")
app.add_typer(ledger_app, name="ledger")

Area = Annotated[str, typer.Option(help="The area (sub-district).")]
Url = Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")]
Month = Annotated[str | None, typer.Option(help="A month, YYYY-MM (default: all time).")]


def _read(path: Path) -> list[Any]:
    """The requests in a YAML or JSON file: one mapping, or a list of them."""
    from mutualaid.contract.yaml_text import read_yaml
    from mutualaid.contract.yaml_words import unreadable

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem("", msg("file_unreadable", problem=unreadable(exc)))
        raise ScenarioError([problem], str(path)) from None
    data, _ = read_yaml(text, str(path))
    return data if isinstance(data, list) else [data]


@request_app.command("add")
def request_add(file: Path, area: Area, url: Url = None) -> None:
    """Record the requests in FILE (YAML or JSON; one request or a list), each as new."""
    from mutualaid.services import backlog
    from mutualaid.services.access import CLI

    try:
        items = _read(file)
        with open_store(settings_from_env(url).database) as store:
            for i, item in enumerate(items):
                try:
                    made, _ = backlog.save_request(store.uow(), CLI, area, item)
                except ScenarioError as exc:  # each problem with the file and the entry
                    for p in exc.problems:
                        where = f"[{i}].{p.path}" if len(items) > 1 else p.path
                        errors.print(located(file, located(where, p.message)), markup=False)
                    raise typer.Exit(EXIT_BAD_INPUT) from None
                console.print(msg("cli_request_added", id=made.id, task=made.task_id))
    except MutualAidError as exc:
        raise refuse(exc) from None


@request_app.command("list")
def request_list(
    area: Area,
    status: Annotated[str | None, typer.Option(help="open | served | withdrawn | overdue")] = None,
    url: Url = None,
) -> None:
    """The area's requests, oldest first: id, status, priority, deadline, title."""
    from mutualaid.services import backlog
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            found, today = backlog.list_requests(store.reader(), CLI, area, status)
    except MutualAidError as exc:
        raise refuse(exc) from None
    for r in found:
        flag = msg("cli_overdue") if r.overdue_on(today) else ""
        deadline = r.deadline.isoformat() if r.deadline else "-"
        console.print(
            f"{r.id}\t{msg(f'request_status_{r.status}')}{flag}\t{msg(f'cli_priority_{r.priority}')}\t"
            f"{deadline}\t"
            f"{r.title}",
            markup=False, highlight=False,
        )  # fmt: skip


@request_app.command("withdraw")
def request_withdraw(ident: str, area: Area, url: Url = None) -> None:
    """Withdraw a request: kept, never drawn again; its tasks in unpublished weeks go."""
    from mutualaid.services import backlog
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            _, weeks = backlog.withdraw_request(store.uow(), CLI, area, ident)
    except MutualAidError as exc:
        raise refuse(exc) from None
    console.print(msg("cli_request_withdrawn", id=ident, weeks=", ".join(weeks) or "-"))


@week_app.command("draw")
def week_draw(week: str, area: Area, url: Url = None) -> None:
    """Draw WEEK's tasks (its Monday, YYYY-MM-DD) from the open requests."""
    from mutualaid.services import backlog
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            done = backlog.draw_week(store.uow(), CLI, area, week)
    except MutualAidError as exc:
        raise refuse(exc) from None
    console.print(
        msg("cli_drawn", week=done.week_start.isoformat(), drawn=len(done.drawn),
            served=len(done.served), overdue=len(done.overdue), skipped=len(done.skipped)),
        markup=False,
    )  # fmt: skip
    for r, waited in done.drawn:
        console.print(msg("cli_drawn_task", task=r.task_id, weeks=waited), markup=False,
                      highlight=False)  # fmt: skip
    for r, problems in done.skipped:
        for p in problems:
            errors.print(f"  {r.id}: {p.render()}", markup=False, highlight=False)
    for r in done.kept:
        errors.print(
            "  " + msg("draw_kept_published", request=r.id, task=r.task_id), markup=False,
            highlight=False,
        )  # fmt: skip


def _mark(ident: int, state: str | None, start: str | None, end: str | None,
          feedback: str | None, url: str | None) -> None:  # fmt: skip
    from mutualaid.services import ledger
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            if state is None:
                marked = ledger.unmark_visit(store.uow(), CLI, ident)
            else:
                marked = ledger.mark_visit(
                    store.uow(), CLI, ident, state,
                    actual_start=ledger.parse_time(start, "--start"),
                    actual_end=ledger.parse_time(end, "--end"), feedback=feedback,
                )  # fmt: skip
    except MutualAidError as exc:
        raise refuse(exc) from None
    minutes = sum(e.minutes for e in marked.entries)
    said = msg(f"outcome_{state or 'unmarked'}")
    console.print(msg("cli_visit_marked", id=ident, state=said, minutes=minutes))


Feedback = Annotated[str | None, typer.Option(help="The resident's feedback.")]


@visit_app.command("done")
def visit_done(
    assignment: int,
    start: Annotated[str | None, typer.Option(help="Actual start, ISO 8601 with offset.")] = None,
    end: Annotated[str | None, typer.Option(help="Actual end, ISO 8601 with offset.")] = None,
    feedback: Feedback = None,
    url: Url = None,
) -> None:
    """The visit (assignment id) was made: its minutes are credited to its volunteer."""
    _mark(assignment, "done", start, end, feedback, url)


@visit_app.command("missed")
def visit_missed(assignment: int, feedback: Feedback = None, url: Url = None) -> None:
    """The visit did not happen (what it credited is reversed)."""
    _mark(assignment, "missed", None, None, feedback, url)


@visit_app.command("unmark")
def visit_unmark(assignment: int, url: Url = None) -> None:
    """Neither done nor missed (what it credited is reversed)."""
    _mark(assignment, None, None, None, None, url)


@ledger_app.command("balances")
def ledger_balances(area: Area, month: Month = None, url: Url = None) -> None:
    """Hours per volunteer and team, and the area's total."""
    from mutualaid.domain.ledger import hours
    from mutualaid.services import ledger
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            b = ledger.balances(store.reader(), CLI, area, month)
    except MutualAidError as exc:
        raise refuse(exc) from None
    for ident, minutes in b.volunteers.items():
        console.print(f"{ident}\t{b.names[ident]}\t{hours(minutes)}", markup=False)
    for team, minutes in sorted(b.teams.items()):
        console.print(msg("cli_team_hours", team=team, hours=hours(minutes)), markup=False)
    console.print(msg("cli_total_hours", hours=hours(b.total)), markup=False)


@ledger_app.command("export")
def ledger_export(
    area: Area, month: Month = None,
    out: Annotated[Path | None, typer.Option(help="Write the CSV here (default: stdout).")] = None,
    url: Url = None,
) -> None:  # fmt: skip
    """Every ledger entry as CSV."""
    from mutualaid.services import ledger
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            text = ledger.ledger_csv(store.reader(), CLI, area, month)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        errors.print(msg("cli_cannot_write", path=out, problem=os_words(exc)), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except MutualAidError as exc:
        raise refuse(exc) from None


@ledger_app.command("redeem")
def ledger_redeem(
    area: Area,
    volunteer: Annotated[str, typer.Option(help="Whose hours.")],
    request: Annotated[str, typer.Option(help="A request for their own household.")],
    minutes: Annotated[int | None, typer.Option(help="Default: the request's minutes.")] = None,
    url: Url = None,
) -> None:
    """Redeem a volunteer's hours against a request for their household."""
    from mutualaid.services import ledger
    from mutualaid.services.access import CLI

    try:
        with open_store(settings_from_env(url).database) as store:
            entry = ledger.redeem_hours(store.uow(), CLI, area, volunteer, request, minutes)
    except MutualAidError as exc:
        raise refuse(exc) from None
    console.print(msg("cli_redeemed", volunteer=volunteer, minutes=-entry.minutes), markup=False)
