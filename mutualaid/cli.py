"""The `mutualaid` command: solve a week, check a scenario or a plan, replay scenarios, generate
worlds. Bad input exits 2 with every problem named; a plan that breaks the contract exits 3.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from api.settings import Settings, SettingsError
from mutualaid.bounds import MAX_DEPTH, MAX_WORKERS, shown
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, PRIORITIES, Scenario
from mutualaid.domain.plan import REASONS, Plan
from mutualaid.errors import ScenarioError
from mutualaid.messages import msg
from mutualaid.scenario import LIMITS, build_scenario, load_scenario, read_scenario_text
from mutualaid.validation import check_expect, validate

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Plan a community's week of mutual aid, and prove how good the plan is.",
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)  # one problem, one line, even in a pipe

EXIT_BAD_INPUT = 2
EXIT_CONTRACT_BROKEN = 3


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        for problem in shown(exc.problems):
            errors.print(problem.render(str(path)), markup=False, highlight=False)
        errors.print(msg("scenario_invalid", file=path, count=len(exc.problems)), style="red")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _clock(m: int) -> str:
    day, minute = divmod(m, MINUTES_PER_DAY)
    return f"{DAYS[day]} {minute // 60:02d}:{minute % 60:02d}"


def _solve(scenario: Scenario, time_limit: float | None, workers: int, seed: int | None,
           *, show_progress: bool, deterministic: bool | None = None) -> Plan:  # fmt: skip
    import solver  # the composition root: only the CLI (and later the API) knows the solver

    options = solver.SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, deterministic=deterministic
    )
    if not show_progress:
        return solver.solve(scenario, options)
    with console.status(msg("cli_solving", name=scenario.name)) as status:

        def progress(served: dict[str, int], bound: dict[str, int], elapsed: float) -> None:
            best = " ".join(f"{p}={served[p]}" for p in PRIORITIES if bound[p])
            most = " ".join(f"{p}={bound[p]}" for p in PRIORITIES if bound[p])
            status.update(msg("cli_progress", served=best, bound=most, elapsed=elapsed))

        return solver.solve(scenario, options, progress)


def _summary(scenario: Scenario, plan: Plan, data: dict[str, Any], limit: int) -> None:
    console.print(
        f"[bold]{scenario.name}[/bold]  "
        + msg("cli_status", status=plan.status, seconds=plan.solve_seconds)
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
            table.add_row(p, str(obj.served[p]), str(obj.tasks[p]), str(plan.bound.get(p, "")),
                          str(greedy.get(p, "")))  # fmt: skip
    console.print(table)
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
            table.add_column(msg(col))
        grouped = sorted(plan.unserved, key=lambda u: (REASONS.index(u.reason), u.task))
        for u in grouped[:limit]:
            table.add_row(u.reason, u.task, u.detail)
        if len(grouped) > limit:
            table.add_row("…", f"+{len(grouped) - limit}", "")
        console.print(table)
        _print_suggestions(plan, limit)
    loads = data.get("loads", {})
    if loads:
        table = Table(title=msg("cli_loads"), title_justify="left")
        for col in ("cli_volunteer", "cli_load", "cli_route"):
            table.add_column(msg(col))
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


def _check_writable(target: Path) -> None:
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
        errors.print(msg("cli_out_unwritable", path=target, problem=exc.strerror or exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if not existed:
        target.unlink(missing_ok=True)


def _print_suggestions(plan: Plan, limit: int) -> None:
    from mutualaid.suggest_messages import word

    shown_ = [(u.task, s.text) for u in plan.unserved for s in u.suggestions]
    if shown_:
        table = Table(title=word("heading"), title_justify="left")
        table.add_column(msg("cli_task"))
        table.add_column(word("heading"))
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
    rows: Annotated[int, typer.Option(help="Rows shown per table.")] = 25,
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
) -> None:
    """Plan the week of FILE, write the plan, and print a summary."""
    _check_options(time_limit, workers, seed)
    target = out or Path(f"{file.stem}.plan.json")
    if out != Path("-"):
        _check_writable(target)
    scenario = _load(file)
    workers = workers or min(MAX_WORKERS, max(1, os.cpu_count() or 1))
    plan = _solve(scenario, time_limit, workers, seed, show_progress=out != Path("-"),
                  deterministic=deterministic)  # fmt: skip
    if suggest and plan.status != "error":
        from solver.suggest_verify import with_suggestions

        document = read_scenario_text(file.read_text(encoding="utf-8"), str(file))[1]
        plan = with_suggestions(scenario, document, plan, seed, processes=workers)
    data = plan.to_json(scenario)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if plan.status == "error":
        errors.print(msg("cli_plan_error", error=plan.error), style="red")
        raise typer.Exit(1)
    report = validate(scenario, data)
    if not report.ok:  # the safety net: a plan that breaks the contract is a bug, never output
        errors.print(msg("cli_safety_net"), style="bold red")
        for v in report.violations[:50]:
            errors.print(f"  - {v}", markup=False)
        rejected = target.with_suffix(".rejected.json")
        rejected.write_text(text, encoding="utf-8")
        errors.print(msg("cli_rejected", path=rejected))
        raise typer.Exit(EXIT_CONTRACT_BROKEN)
    if out == Path("-"):
        sys.stdout.write(text)
        return
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:  # checked before solving, but a disk may fill up meanwhile
        errors.print(msg("cli_out_unwritable", path=target, problem=exc.strerror or exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _summary(scenario, plan, data, rows)
    console.print(msg("cli_wrote", path=target))


@app.command()
def check(
    file: Annotated[Path, typer.Argument(help="The scenario YAML.")],
    plan: Annotated[Path | None, typer.Option(help="Also check this plan JSON against it.")] = None,
) -> None:
    """Check a scenario (and optionally a plan) against the contract."""
    scenario = _load(file)
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
    try:
        data = json.loads(plan.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        errors.print(f"{plan}: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except RecursionError:  # JSON nested far past any plan's depth
        errors.print(f"{plan}: {msg('too_deep', limit=MAX_DEPTH)}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _check_same_scenario(file, scenario, plan, data)
    report = validate(scenario, data)
    if report.ok:
        console.print(msg("cli_plan_ok", file=plan))
        return
    errors.print(msg("cli_plan_bad", file=plan, count=len(report.violations)), style="red")
    for v in report.violations:
        errors.print(f"  - {v}", markup=False)
    raise typer.Exit(1)


def _check_same_scenario(file: Path, scenario: Scenario, plan: Path, data: Any) -> None:
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
        data = plan.to_json(scenario)
        problems = [plan.error or "error"] if plan.status == "error" else []
        problems += validate(scenario, data).violations if not problems else []
        problems += check_expect(scenario, data) if not problems else []
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


@app.command()
def generate(
    tasks: Annotated[int, typer.Option(min=0, help="Tasks in the week.")] = 200,
    volunteers: Annotated[int, typer.Option(min=0, help="Volunteers.")] = 80,
    subdistricts: Annotated[int, typer.Option(min=1, help="Subdistricts (clusters).")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    contended: Annotated[bool, typer.Option(help="Demand far beyond capacity.")] = False,
    out: Annotated[
        Path | None, typer.Option(help="Where to write the YAML ('-' or none: stdout).")
    ] = None,
) -> None:
    """Write a plausible generated scenario in the contract's format."""
    from mutualaid.generate import generate_world

    data = generate_world(tasks, volunteers, subdistricts, seed, contended=contended)
    scenario = build_scenario(data)  # a generated world that breaks the contract is a bug
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    if out is None or out == Path("-"):
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(msg(
        "cli_generated", path=out, tasks=len(scenario.tasks), volunteers=len(scenario.volunteers),
        subdistricts=subdistricts,
    ))  # fmt: skip


db = typer.Typer(no_args_is_help=True, help="The database: migrations.")
app.add_typer(db, name="db")
DEFAULT_DATABASE_URL = "sqlite:///mutualaid.db"


def _database_url(url: str | None) -> str:
    return url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


@db.command("upgrade")
def db_upgrade(
    url: Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")] = None,
) -> None:
    """Apply every migration the database does not have yet."""
    from mutualaid.adapters.migrate import current, upgrade

    target = _database_url(url)
    upgrade(target)
    console.print(msg("cli_db_upgraded", revision=current(target)))


def _settings(url: str | None = None) -> Settings:
    """The service's settings from the environment (`api.settings`), exiting 2 when one is
    unusable; `url` replaces DATABASE_URL."""
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        errors.print(str(exc), markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if url:
        settings = dataclasses.replace(
            settings, database=dataclasses.replace(settings.database, url=url)
        )
    return settings


def _refuse(exc: Exception) -> typer.Exit:
    """Print a use case's refusal (every problem, one a line) and exit 2."""
    for problem in getattr(exc, "problems", None) or [exc]:
        text = problem.render() if hasattr(problem, "render") else str(problem)
        errors.print(text, markup=False, highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address (default: $MUTUALAID_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: $MUTUALAID_PORT).")] = None,
    load: Annotated[
        Path | None,
        typer.Option(
            help="Import this scenario when the database has no area.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    area: Annotated[str, typer.Option(help="The area --load imports into.")] = "jingbalu",
    admin_token: Annotated[
        bool,
        typer.Option(
            help="Create the admin token named 'demo' (revoking the one made before), print "
            "it with a curl example and write it to --token-file."
        ),
    ] = False,
    token_file: Annotated[
        Path, typer.Option(help="Where --admin-token writes the secret (mode 0600).")
    ] = Path(".demo-token"),
    page_tokens: Annotated[
        Path | None,
        typer.Option(
            help="Print the pages' address and a coordinator's and a volunteer's sign-in "
            "token, kept in this file (made once, used again while they are valid).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Run the HTTP service (database from $DATABASE_URL, default ./mutualaid.db)."""
    from api.app import open_infrastructure, run
    from mutualaid.errors import MutualAidError
    from mutualaid.services import access, roster, weeks

    settings = _settings()
    server = dataclasses.replace(
        settings.server, host=host or settings.server.host, port=port or settings.server.port
    )
    settings = dataclasses.replace(settings, server=server)
    try:
        with open_infrastructure(settings) as infra:
            areas = roster.list_areas(infra.reader(), access.CLI)
            if load is not None and not areas:
                data = weeks.read_scenario(load.read_bytes(), "application/yaml")
                week = str(data["week_start"])
                weeks.import_scenario(infra.uow(), access.CLI, area, week, data)
                console.print(msg("cli_loaded", file=load, area=area, week=week), soft_wrap=True)
            secret = None
            if admin_token:
                token, secret = access.create_token(
                    infra.uow(), access.CLI, "admin", name="demo", replace_named=True
                )
                _write_secret(token_file, secret)
            known = roster.list_areas(infra.reader(), access.CLI)
            where = known[0].id if known else area
            stored = weeks.list_weeks(infra.reader(), access.CLI, where) if known else []
            signs = _page_tokens(infra, where, page_tokens) if page_tokens and known else {}
    except (MutualAidError, OSError) as exc:
        raise _refuse(exc) from None
    say = Console(soft_wrap=True, highlight=False)  # a token or a curl line is one line
    say.print(msg("cli_serving", url=server.url) + f"  ({server.url}/schema/swagger)")
    if secret is not None:
        week = stored[-1].week_start.isoformat() if stored else "2026-11-30"
        say.print(msg("cli_token_created", id=token.id, role=token.role))
        say.print(f"  {secret}", markup=False)
        say.print(msg("cli_token_file", file=token_file), markup=False)
        say.print(msg("cli_try"))
        auth = f'-H "Authorization: Bearer {secret}"'
        base = f"{server.url}/weeks/{week}"
        for line in (
            f'curl {auth} "{base}/tasks?area={where}"',
            f'curl -X POST {auth} "{base}/plans?area={where}"',
            f'curl {auth} "{server.url}/plans/<id from the answer above>"',
        ):
            say.print(f"  {line}", markup=False)
    if signs:
        week = stored[-1].week_start.isoformat() if stored else "2026-11-30"
        say.print(msg("cli_pages", url=f"{server.url}/"))
        for role, secret_of in signs.items():
            say.print(msg(f"cli_page_token_{role}", url=f"{server.url}/my?week={week}"))
            say.print(f"  {secret_of}", markup=False)
    run(settings)


def _write_secret(path: Path, secret: str) -> None:
    """Write a token's secret for scripts, readable by its owner only (replaced whole)."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a .part left by an earlier run may have other bits
        os.write(fd, (secret + "\n").encode())
    finally:
        os.close(fd)
    os.replace(part, path)


def _page_tokens(infra: Any, area: str, path: Path) -> dict[str, str]:
    """A coordinator's and a volunteer's (the area's first volunteer) secrets for the demo:
    those in `path` while they still sign in, else new ones, written there (owner-only)."""
    from mutualaid.services import access, roster

    kept: dict[str, str] = {}
    if path.exists():
        try:
            kept = {str(k): str(v) for k, v in json.loads(path.read_text("utf-8")).items()}
        except (ValueError, AttributeError):
            kept = {}
    out = {}
    for role in ("coordinator", "volunteer"):
        secret = kept.get(role)
        if secret and access.authenticate(infra.reader(), secret) is not None:
            out[role] = secret
            continue
        volunteer = None
        if role == "volunteer":
            people = roster.list_entities(infra.reader(), access.CLI, "volunteers", area)
            if not people:
                continue
            volunteer = str(people[0]["id"])
        _, out[role] = access.create_token(
            infra.uow(), access.CLI, role, [area], volunteer, name=f"demo {role}"
        )
    if out != kept:
        path.touch(mode=0o600)
        path.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    return out


token_app = typer.Typer(no_args_is_help=True, help="API tokens.")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin | coordinator | volunteer")],
    area: Annotated[
        list[str] | None, typer.Option(help="An area the token acts in (repeat for more).")
    ] = None,
    volunteer: Annotated[str | None, typer.Option(help="The volunteer a token is for.")] = None,
    name: Annotated[str | None, typer.Option(help="A note: whose token it is.")] = None,
    expires_in: Annotated[
        str | None,
        typer.Option(help="It stops working after this long: 30d, 12h, 90m (default: never)."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")] = None,
) -> None:
    """Create a token; its secret goes to stdout, this once (it is stored hashed)."""
    from api.app import open_infrastructure
    from mutualaid.errors import MutualAidError
    from mutualaid.services import access

    lasts = None
    if expires_in is not None:
        try:
            lasts = access.parse_expiry(expires_in)
        except ValueError as exc:
            errors.print(f"--expires-in: {exc}", markup=False, highlight=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    try:
        with open_infrastructure(_settings(url)) as infra:
            token, secret = access.create_token(
                infra.uow(), access.CLI, role, area or [], volunteer, name, lasts
            )
    except MutualAidError as exc:
        raise _refuse(exc) from None
    errors.print(msg("cli_token_created", id=token.id, role=token.role))
    if token.expires_at is not None:
        errors.print(msg("cli_token_expires", at=token.expires_at.to_iso8601_string()))
    sys.stdout.write(secret + "\n")


def main() -> None:
    app()
