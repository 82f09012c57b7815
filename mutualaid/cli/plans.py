"""`mutualaid solve`, `check` and `replay`: plan a week, check a scenario or a plan, replay
scenarios. Bad input exits 2 with every problem named; a plan that breaks the contract exits 3.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from mutualaid.bounds import MAX_WORKERS
from mutualaid.cli import common
from mutualaid.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_CONTRACT_BROKEN,
    app,
    console,
    errors,
    load,
    read_plan_json,
    replaced,
)
from mutualaid.cli.suggestions import WITHIN_SECONDS, boxed, checks_for, go_on, print_pending
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import LIMITS, load_scenario, read_scenario_text
from mutualaid.contract.yaml_words import unwritable as os_words
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, PRIORITIES, Scenario
from mutualaid.domain.plan import REASONS, Plan
from mutualaid.errors import ScenarioError
from mutualaid.expectations import check_expect
from mutualaid.messages import (
    locale,
    msg,
    msg_in,
    violation_text,
)
from mutualaid.validation import validate


def _clock(m: int) -> str:
    day, minute = divmod(m, MINUTES_PER_DAY)
    return f"{DAYS[day]} {minute // 60:02d}:{minute % 60:02d}"


def _solve(scenario: Scenario, time_limit: float | None, workers: int, seed: int | None,
           *, show_progress: bool, deterministic: bool | None = None,
           since: float | None = None) -> Plan:  # fmt: skip
    """`since`: when the command began (`time.time()`), so that a wall-clock limit covers
    reading the week too (a district's YAML takes seconds), as the service's covers loading."""
    import solver  # an entry point: the CLI (and the API) know the solver, nothing below them

    options = solver.SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic,
        since=since,
    )  # fmt: skip
    if not show_progress:
        return solver.solve(scenario, options)
    lang = locale()  # progress is reported from the solver's threads, outside this context
    with console.status(msg("cli_solving", name=scenario.name)) as status:

        def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
            best = " ".join(f"{p}={served[p]}" for p in PRIORITIES if bound[p])
            most = " ".join(f"{p}={bound[p]}" for p in PRIORITIES if bound[p])
            status.update(msg_in(lang, "cli_progress", served=best, bound=most, elapsed=elapsed))

        return solver.solve(scenario, options, progress)


def _summary(scenario: Scenario, plan: Plan, data: dict[str, Any], limit: int) -> None:
    console.print(
        f"[bold]{scenario.name}[/bold]  "
        + msg("cli_status", status=msg(f"cli_status_{plan.status}"), seconds=plan.solve_seconds)
    )
    obj = plan.objective
    if obj is None:
        return
    greedy: dict[str, int] = data.get("greedy", {}).get("served", {})
    table = Table(title=msg("cli_coverage"), title_justify="left")
    for col in ("cli_priority", "cli_served", "cli_tasks", "cli_bound", "cli_greedy"):
        table.add_column(msg(col), justify="left" if col == "cli_priority" else "right")
    for p in PRIORITIES:
        if obj.tasks[p]:
            table.add_row(msg(f"cli_priority_{p}"), str(obj.served[p]), str(obj.tasks[p]),
                          str(plan.bound.get(p, "")), str(greedy.get(p, "")))  # fmt: skip
    console.print(table)
    if isinstance(gap := data.get("weighted_gap"), float | int):
        console.print(msg("cli_gap", gap=gap))
    console.print(
        msg(
            "cli_figures",
            continuity=obj.continuity,
            travel=obj.travel_minutes,
            max_load=obj.max_load,
        )
    )
    if plan.unserved:
        table = Table(title=msg("cli_unserved"), title_justify="left")
        for col in ("cli_reason", "cli_task", "cli_detail"):
            table.add_column(msg(col), overflow="fold")
        grouped = sorted(plan.unserved, key=lambda u: (REASONS.index(u.reason), u.task))
        for u in grouped[:limit]:
            table.add_row(msg(f"cli_reason_{u.reason}"), u.task, plan_json.detail_text(u.detail))
        if len(grouped) > limit:
            table.add_row("…", f"+{len(grouped) - limit}", "")
        console.print(table)
        _print_suggestions(plan, limit)
    loads = data.get("loads", {})
    if loads:
        table = Table(title=msg("cli_loads"), title_justify="left")
        for col in ("cli_volunteer", "cli_load", "cli_route"):
            table.add_column(msg(col), overflow="fold")
        starts = {a.task: a.start for a in plan.assignments}
        visits: dict[str, list[str]] = defaultdict(list)
        for a in plan.assignments:
            for v in a.volunteers:
                visits[v.id].append(a.task)
        busiest = sorted(
            loads.items(), key=lambda kv: -kv[1]["minutes"] / max(1, kv[1]["max_minutes"])
        )
        for vid, load in busiest[:limit]:
            route = ", ".join(
                f"{_clock(starts[t])} {t}" for t in sorted(visits[vid], key=lambda t: starts[t])
            )
            share = load["minutes"] / max(1, load["max_minutes"])
            table.add_row(vid, f"{load['minutes']}/{load['max_minutes']} min ({share:.0%})", route)
        if len(busiest) > limit:
            table.add_row("…", f"+{len(busiest) - limit}", "")
        console.print(table)


def _check_options(time_limit: float | None, workers: int | None, seed: int | None = None) -> None:
    """Exit 2 on a time limit, a worker count or a seed no solve could use (before any work)."""
    limit = LIMITS["time_limit_seconds"]
    if time_limit is not None and not (0 < time_limit <= limit):  # also refuses NaN
        errors.print(msg("cli_bad_time_limit", limit=f"{limit:g}", got=time_limit))
        raise typer.Exit(EXIT_BAD_INPUT)
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        errors.print(msg("cli_bad_workers", limit=MAX_WORKERS, got=workers))
        raise typer.Exit(EXIT_BAD_INPUT)
    most = int(LIMITS["seed"])  # the scenario file's own bound on its seed
    if seed is not None and not 0 <= seed <= most:
        errors.print(msg("cli_bad_seed", limit=most, got=seed))
        raise typer.Exit(EXIT_BAD_INPUT)


def check_writable(target: Path) -> None:
    """Exit 2 unless the plan can be written to target (tried by opening it, so a missing
    folder, a folder in the way or a lacking permission is found before solving)."""
    if target.is_dir():
        errors.print(msg("cli_out_is_dir", path=target))
        raise typer.Exit(EXIT_BAD_INPUT)
    existed = target.exists()
    try:
        with target.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        errors.print(msg("cli_out_unwritable", path=target, problem=os_words(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if not existed:
        target.unlink(missing_ok=True)


def _print_suggestions(plan: Plan, limit: int) -> None:
    from mutualaid.messages.suggestions import word

    shown_ = [(u.task, s.text) for u in plan.unserved for s in u.suggestions]
    if shown_:
        table = Table(title=word("heading"), title_justify="left")
        table.add_column(msg("cli_task"))
        table.add_column(word("heading"), overflow="fold")
        for task, text in shown_[:limit]:
            table.add_row(task, text)
        if len(shown_) > limit:
            table.add_row("…", f"+{len(shown_) - limit}")
        console.print(table)


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="The scenario YAML.")],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the plan JSON ('-': stdout).")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds (default: the scenario's).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="CP-SAT workers (default: every core); 1 is reproducible.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")] = None,
    rows: Annotated[int, typer.Option(min=0, help="Rows shown per table.")] = 25,
    deterministic: Annotated[
        bool | None,
        typer.Option(
            "--deterministic/--wall-clock",
            help="Count the time limit in CP-SAT's deterministic time (with --workers 1 the "
            "same plan every run, however busy the machine; the default with one worker) or "
            "as wall-clock time over the whole solve (the default with more workers).",
        ),
    ] = None,
    suggest: Annotated[
        bool,
        typer.Option(
            "--suggest/--no-suggest",
            help="For each unserved task, the smallest changes that would serve it, each "
            "checked by solving the changed week with one worker (one solve per suggestion).",
        ),
    ] = False,
    suggest_within: Annotated[
        float,
        typer.Option(
            help="With --suggest: seconds of checking before the plan is written and shown; "
            "the rest are printed as they are checked, and the plan written again at the end.",
        ),
    ] = WITHIN_SECONDS,
) -> None:
    """Plan the week of FILE, write the plan, and print a summary."""
    # a wall-clock limit counts from the command's start: reading the week is waited for too
    began = common.began or time.time()
    common.began = None  # (one command per process; another counts from its own start)
    _check_options(time_limit, workers, seed)
    if not suggest_within >= 0:  # also refuses NaN; inf waits for every check
        errors.print(msg("cli_bad_suggest_within", got=suggest_within))
        raise typer.Exit(EXIT_BAD_INPUT)
    target = out or Path(f"{file.stem}.plan.json")
    if out != Path("-"):
        check_writable(target)
    scenario = load(file)
    workers = workers or min(MAX_WORKERS, max(1, os.cpu_count() or 1))
    plan = _solve(scenario, time_limit, workers, seed, show_progress=out != Path("-"),
                  deterministic=deterministic, since=began)  # fmt: skip
    checks, solved = None, time.monotonic()
    if suggest and plan.status != "error":
        document = read_scenario_text(file.read_text(encoding="utf-8"), str(file))[1]
        checks = checks_for(scenario, document, plan, seed, workers)
    try:
        _written(file, scenario, plan, checks, target, out, rows, suggest_within, solved)
    finally:
        if checks is not None:
            checks.close()


def _written(file: Path, scenario: Scenario, plan: Plan, checks: Any, target: Path,
             out: Path | None, rows: int, within: float, solved: float) -> None:  # fmt: skip
    """Write and show the plan (with the suggestions `checks` settles within `within`
    seconds of `solved`, the solve's end, a `time.monotonic()`; all of them when the plan
    goes to stdout), then the rest as they come."""
    if checks is not None:
        if out == Path("-"):
            while not checks.done:
                checks.advance()
            plan = checks.plan()
        else:
            plan = boxed(checks, within, solved)
    data = plan_json.dump(plan, scenario)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if plan.status == "error":
        errors.print(msg("cli_plan_error", error=plan.error), style="red")
        raise typer.Exit(1)
    report = validate(scenario, data)
    if not report.ok:  # the safety net: a plan that breaks the contract is a bug, never output
        errors.print(msg("cli_safety_net"), style="bold red")
        for v in report.violations[:50]:
            errors.print(f"  - {violation_text(v)}", markup=False)
        rejected = target.with_suffix(".rejected.json")
        rejected.write_text(text, encoding="utf-8")
        errors.print(msg("cli_rejected", path=rejected))
        raise typer.Exit(EXIT_CONTRACT_BROKEN)
    if out == Path("-"):
        sys.stdout.write(text)
        return
    try:
        replaced(target, text)
    except OSError as exc:  # checked before solving, but a disk may fill up meanwhile
        errors.print(msg("cli_out_unwritable", path=target, problem=os_words(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _summary(scenario, plan, data, rows)
    console.print(msg("cli_wrote", path=target))
    if checks is not None and not checks.done:
        print_pending(plan)

        def write(done: Plan) -> None:
            again = json.dumps(plan_json.dump(done, scenario), ensure_ascii=False, indent=2)
            replaced(target, again + "\n")
            console.print(msg("cli_suggest_written", path=target))

        go_on(checks, write, file, target)


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The scenario YAML.")],
    plan: Annotated[Path | None, typer.Option(help="Also check this plan JSON against it.")] = None,
) -> None:
    """Check a scenario (and optionally a plan) against the contract."""
    scenario = load(file)
    if plan is None:
        from solver import analyse

        impossible = sum(1 for a in analyse(scenario).values() if a.reason is not None)
        counts = {
            "volunteers": len(scenario.volunteers),
            "teams": len(scenario.teams),
            "residents": len(scenario.residents),
            "tasks": len(scenario.tasks),
        }
        console.print(msg("cli_check_ok", file=file, infeasible=impossible, **counts))
        return
    data = read_plan_json(plan)
    check_same_scenario(file, scenario, plan, data)
    report = validate(scenario, data)
    if report.ok:
        console.print(msg("cli_plan_ok", file=plan))
        return
    errors.print(msg("cli_plan_bad", file=plan, count=len(report.violations)), style="red")
    for v in report.violations:
        errors.print(f"  - {violation_text(v)}", markup=False)
    raise typer.Exit(1)


def check_same_scenario(file: Path, scenario: Scenario, plan: Path, data: Any) -> None:
    """Exit 2 when the plan is plainly another scenario's: another name, or none of the
    scenario's tasks (a plan that breaks rules of this scenario is `validate`'s, exit 1)."""
    if not isinstance(data, dict):
        return
    name = data.get("scenario")
    if isinstance(name, str) and name != scenario.name:
        errors.print(
            msg("cli_plan_other_scenario", file=plan, got=name, want=scenario.name, scenario=file),
            markup=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT)
    listed = [data.get(key) for key in ("assignments", "unserved")]
    items = [item for got in listed if isinstance(got, list) for item in got]
    named = [item.get("task") for item in items if isinstance(item, dict)]
    if named and not any(isinstance(t, str) and t in scenario.tasks for t in named):
        shown = ", ".join(map(str, named[:3])) + (", …" if len(named) > 3 else "")
        errors.print(
            msg("cli_plan_other_tasks", file=plan, scenario=file, tasks=shown), markup=False
        )
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def replay(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: scenarios/).")
    ] = None,
    time_limit: Annotated[float | None, typer.Option(min=0.1, help="Seconds per scenario.")] = None,
    workers: Annotated[
        int, typer.Option(min=0, max=MAX_WORKERS, help="CP-SAT workers; 1 is reproducible.")
    ] = 0,
) -> None:
    """Solve each scenario and check its expect: block; one line each, exit 1 if any fails."""
    files: list[Path] = []
    roots = paths or [Path("scenarios")]
    for p in roots:
        files += sorted(p.glob("**/*.yaml")) if p.is_dir() else [p]
    if not files:
        errors.print(msg("cli_no_scenarios", paths=", ".join(map(str, roots))))
        raise typer.Exit(EXIT_BAD_INPUT)
    workers = workers or min(MAX_WORKERS, max(1, os.cpu_count() or 1))
    failed = 0
    for f in files:
        t0 = time.monotonic()
        try:
            scenario = load_scenario(f)
        except ScenarioError as exc:
            failed += 1
            console.print(f"[red]{msg('cli_replay_fail')}[/red] {f}: {exc.problems[0].render()}")
            continue
        plan = _solve(scenario, time_limit, workers, None, show_progress=False)
        data = plan_json.dump(plan, scenario)
        problems = [plan.error or "error"] if plan.status == "error" else []
        found = validate(scenario, data).violations if not problems else []
        found += check_expect(scenario, data) if not problems and not found else []
        problems += [violation_text(v) for v in found]
        took = time.monotonic() - t0
        if problems:
            failed += 1
            console.print(
                f"[red]{msg('cli_replay_fail')}[/red] {f} ({took:.1f}s): " + "; ".join(problems[:5])
            )
        else:
            cover = " ".join(
                f"{p}={data['objective']['served'][p]}/{data['objective']['tasks'][p]}"
                for p in PRIORITIES if data["objective"]["tasks"][p]
            )  # fmt: skip
            console.print(
                f"[green]{msg('cli_replay_ok')}[/green] {f} ({took:.1f}s, {plan.status}) {cover}"
            )
    console.print(msg("cli_replay_summary", passed=len(files) - failed, failed=failed))
    if failed:
        raise typer.Exit(1)
