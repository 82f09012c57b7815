"""Suggestions at the command line: `mutualaid solve --suggest` shows the plan with the
suggestions checked within `--suggest-within` seconds, then prints the rest as their checks end
and writes the plan again once every one is checked; `mutualaid suggest SCENARIO PLAN` checks
what a plan file still marks as being checked (a `solve` stopped before the end)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from mutualaid.bounds import MAX_WORKERS
from mutualaid.cli.common import (
    EXIT_BAD_INPUT,
    app,
    console,
    errors,
    load,
    read_plan_json,
    replaced,
)
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import read_scenario_text
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan
from mutualaid.messages import located, msg

WITHIN_SECONDS = 2.0
"""How long `solve --suggest` waits for checks before it shows the plan (issue 10's 2 s)."""


def checks_for(scenario: Scenario, document: dict[str, Any], plan: Plan, seed: int | None,
               workers: int, tasks: list[str] | None = None) -> Any:  # fmt: skip
    """The checks of the plan's suggestions, started (`solver.suggest_checks.Checks`)."""
    from solver.suggest_checks import Checks  # an entry point: the CLI knows the solver

    return Checks(scenario, document, plan, seed, tasks=tasks, processes=workers)


def boxed(checks: Any, within: float, began: float) -> Plan:
    """The plan with what was checked within `within` seconds of `began` (monotonic)."""
    from solver.suggest_verify import within as checked_within

    return checked_within(checks, within, began)


def print_pending(plan: Plan) -> None:
    pending = sum(u.checking for u in plan.unserved)
    if pending:
        console.print(msg("cli_suggest_checking", count=pending))


def go_on(checks: Any, write: Any, scenario_path: Path, plan_path: Path | None) -> Plan:
    """Check the rest, printing each task's suggestions as they are settled; `write(plan)`
    once all are. Interrupted: says how to carry on, the plan as last written."""
    try:
        while not checks.done:
            for tid in checks.advance():
                entry = next(u for u in checks.plan().unserved if u.task == tid)
                for s in entry.suggestions:
                    console.print(located(tid, s.text), markup=False)
                if not entry.suggestions:
                    console.print(msg("cli_suggest_none", task=tid))
    except KeyboardInterrupt:
        if plan_path is not None:
            console.print(msg("cli_suggest_resume", scenario=scenario_path, plan=plan_path))
        raise typer.Exit(130) from None
    plan: Plan = checks.plan()
    write(plan)
    return plan


@app.command()
def suggest(
    file: Annotated[Path, typer.Argument(help="The scenario YAML.")],
    plan_file: Annotated[Path, typer.Argument(help="Its plan JSON (written again).")],
    workers: Annotated[
        int | None, typer.Option(help="Checks at once (default: every core).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the scenario's).")] = None,
) -> None:
    """Check the suggestions a plan still marks as being checked, and write the plan again.

    For a `solve --suggest` stopped before its checks ended; each is printed as it is
    checked."""
    workers = workers or min(MAX_WORKERS, max(1, os.cpu_count() or 1))
    scenario = load(file)
    data = read_plan_json(plan_file)
    try:
        plan = plan_json.load(data, scenario)
    except (ValueError, KeyError, TypeError) as exc:
        errors.print(msg("cli_suggest_bad_plan", path=plan_file, problem=str(exc)))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    tasks = [u.task for u in plan.unserved if u.checking]
    if foreign := [t for t in tasks if t not in scenario.tasks]:  # the plan of another week
        shown = ", ".join(foreign[:10]) + (f" (+{len(foreign) - 10})" if len(foreign) > 10 else "")
        errors.print(msg("cli_suggest_foreign_plan", path=plan_file, week=file, tasks=shown))
        raise typer.Exit(EXIT_BAD_INPUT)
    if not tasks:
        console.print(msg("cli_suggest_nothing", path=plan_file))
        return
    document = read_scenario_text(file.read_text(encoding="utf-8"), str(file))[1]

    def write(done: Plan) -> None:
        text = json.dumps(plan_json.dump(done, scenario), ensure_ascii=False, indent=2) + "\n"
        replaced(plan_file, text)
        console.print(msg("cli_suggest_written", path=plan_file))

    began = time.monotonic()
    with checks_for(scenario, document, plan, seed, workers, tasks) as checks:
        go_on(checks, write, file, plan_file)
    console.print(msg("cli_suggest_took", seconds=f"{time.monotonic() - began:.1f}"))
