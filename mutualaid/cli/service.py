"""`mutualaid serve`, `db upgrade` and `token create`: the service's database and tokens, and
the HTTP service itself, which uvicorn imports by name (`api.app:create_app_from_env`): the CLI
is an entry point beside the API and imports none of it."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from mutualaid.bounds import shown
from mutualaid.cli.common import EXIT_BAD_INPUT, app, console, errors, refuse, settings_from_env
from mutualaid.cli.usage import WordedTyper
from mutualaid.config import DatabaseSettings, ServerSettings
from mutualaid.messages import msg

if TYPE_CHECKING:  # the database's modules load only for the commands that use them
    from mutualaid.adapters.db import SessionFactory
    from mutualaid.adapters.uow import SqlUnitOfWork

APP_FACTORY = "api.app:create_app_from_env"
"""The API's app factory, given to uvicorn by import string."""


@dataclass
class Store:
    """The database the CLI's own commands work on: units of work over one engine."""

    sessions: SessionFactory
    lock_wait: float | None

    def uow(self) -> SqlUnitOfWork:
        from mutualaid.adapters.uow import SqlUnitOfWork

        return SqlUnitOfWork(self.sessions, lock_wait=self.lock_wait)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work that only reads (never waits for SQLite writers)."""
        from mutualaid.adapters.uow import SqlUnitOfWork

        return SqlUnitOfWork(self.sessions, read_only=True)


@contextmanager
def opening(url: str) -> Iterator[None]:
    """A database that cannot be opened (a bad URL, a driver not installed, a server down, a
    file in a missing folder): one sentence naming it, password hidden, and exit 2."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    try:
        yield
    except (ArgumentError, NoSuchModuleError, OperationalError, ImportError) as exc:
        try:
            shown = make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            shown = repr(url)
        problem = getattr(exc, "orig", None) or exc
        errors.print(
            msg("cli_db_unreachable", url=shown, problem=str(problem).strip().splitlines()[0]),
            markup=False,
            highlight=False,
        )
        raise typer.Exit(EXIT_BAD_INPUT) from None


@contextmanager
def open_store(database: DatabaseSettings) -> Iterator[Store]:
    """The database on an up-to-date schema (migrations applied), closed on the way out."""
    from mutualaid.adapters.db import make_engine, make_session_factory
    from mutualaid.adapters.migrate import upgrade

    with opening(database.url):
        engine = make_engine(database.url, echo=database.echo)
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    try:
        yield Store(make_session_factory(engine), database.lock_wait_seconds)
    finally:
        engine.dispose()


def run_server(server: ServerSettings) -> None:
    """Serve the API with uvicorn on `server`'s address, in the foreground; the app reads its
    settings from the same environment."""
    import uvicorn

    uvicorn.run(APP_FACTORY, factory=True, **server.uvicorn_options())


db = WordedTyper(no_args_is_help=True, help="The database: migrations.")
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
    with opening(target):
        upgrade(target)
        revision = current(target)
    console.print(msg("cli_db_upgraded", revision=revision))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address (default: $MUTUALAID_HOST).")] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default: $MUTUALAID_PORT).")
    ] = None,
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
    from mutualaid.errors import MutualAidError, ScenarioError
    from mutualaid.services import access, roster, weeks

    settings = settings_from_env()
    server = dataclasses.replace(
        settings.server, host=host or settings.server.host, port=port or settings.server.port
    )
    settings = dataclasses.replace(settings, server=server)
    _address_free(server)
    try:
        with open_store(settings.database) as infra:
            areas = roster.list_areas(infra.reader(), access.CLI)
            if load is not None and not areas:
                try:
                    read = weeks.read_scenario(load.read_bytes(), "application/yaml")
                except ScenarioError as exc:  # every problem with the file's name, as check
                    for problem in shown(exc.problems):
                        errors.print(problem.render(str(load)), markup=False, highlight=False)
                    errors.print(msg("scenario_invalid", file=load, count=len(exc.problems)))
                    raise typer.Exit(EXIT_BAD_INPUT) from None
                week = read.scenario.week_start.isoformat()
                weeks.import_scenario(infra.uow(), access.CLI, area, week, read)
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
        raise refuse(exc) from None
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
    run_server(server)


def _address_free(server: ServerSettings) -> None:
    """Exit 2 before any work (nothing loaded, no token made or printed) when the server's
    address cannot be bound: another server on the port, most often, which uvicorn said only
    after the banner, in English."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            server.host, server.port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as exc:
        where = f"{server.host}:{server.port}"
        key = "cli_port_taken" if exc.errno == errno.EADDRINUSE else "cli_address_refused"
        errors.print(msg(key, address=where, why=exc.strerror or exc, port=server.port + 1),
                     markup=False, highlight=False)  # fmt: skip
        raise typer.Exit(EXIT_BAD_INPUT) from None


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


def _page_tokens(infra: Store, area: str, path: Path) -> dict[str, str]:
    """A coordinator's and a volunteer's (the area's first volunteer) secrets for the demo:
    those in `path` while they still sign in, else new ones, written there (owner-only)."""
    from mutualaid.services import access, roster

    kept: dict[str, str] = {}
    if path.exists():
        try:
            kept = {str(k): str(v) for k, v in json.loads(path.read_text("utf-8-sig")).items()}
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
            volunteer = people[0].id
        _, out[role] = access.create_token(
            infra.uow(), access.CLI, role, [area], volunteer, name=f"demo {role}"
        )
    if out != kept:
        path.touch(mode=0o600)
        path.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    return out


token_app = WordedTyper(no_args_is_help=True, help="API tokens.")
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
        with open_store(settings_from_env(url).database) as infra:
            token, secret = access.create_token(
                infra.uow(), access.CLI, role, area or [], volunteer, name, lasts
            )
    except MutualAidError as exc:
        raise refuse(exc) from None
    errors.print(msg("cli_token_created", id=token.id, role=token.role))
    if token.expires_at is not None:
        errors.print(msg("cli_token_expires", at=token.expires_at.to_iso8601_string()))
    sys.stdout.write(secret + "\n")
