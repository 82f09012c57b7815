"""The composition root: `create_app(settings)` builds everything the service runs on — the
engine, sessions, migrations, the planner and the job runner — and nothing else does (the CLI
opens only the store, for its own commands).

    app = create_app(Settings.from_env())  # `mutualaid serve`: uvicorn, api.app:create_app_from_env
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio.to_thread
import pendulum
from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.stores.memory import MemoryStore
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    import uvicorn

from api.auth import PUBLIC, BearerAuth, provide_actor
from api.controllers import ROUTES
from api.controllers.volunteers import WeekBodies
from api.dask_jobs import DaskJobRunner
from api.edge import WithoutBom, check_request
from api.errors import handle
from api.jobs import InProcessJobRunner
from api.language import LanguageMiddleware, language
from api.notices import NoticeSender
from api.pages import pages_router, template_config
from api.pages.common import page_error, wants_page
from api.pages.sessions import SESSION_STORE
from api.settings import ServerSettings, Settings, SolverSettings
from api.throttle import FailedSignIns
from mutualaid.adapters.base import utc_now
from mutualaid.adapters.changes import revocations, writes
from mutualaid.adapters.db import SessionFactory, make_engine, make_session_factory
from mutualaid.adapters.delivery import NetworkTransport
from mutualaid.adapters.migrate import upgrade
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.messages import using_locale
from mutualaid.services.access import VerifiedTokens
from mutualaid.services.ports import JobRunner, Repairer, UnitOfWork
from mutualaid.services.recommend import Recommender
from mutualaid.services.restart_checks import unmark_abandoned
from solver.service import (
    PlannerSettings,
    RepairSettings,
    SolverPlanner,
    SolverRecommender,
    SolverRepairer,
)

DESCRIPTION = """\
Plans a community's week of mutual aid. JSON field names are the scenario format's
(docs/scenarios.md). Every route but /schema needs `Authorization: Bearer <token>`
(`mutualaid token create`). Area-owned resources take `?area=`, which may be left out when
the token names exactly one area. Errors: 400 with every problem's field path, 401, 403,
404, 409, 422 and 429 (too many failed sign-ins from an address; Retry-After), one body shape
(`ErrorBody`).
"""


@dataclass
class Infrastructure:
    """What requests and jobs run on; built by `open_infrastructure` only."""

    engine: Engine
    sessions: SessionFactory
    runner: JobRunner
    repairer: Repairer
    recommender: Recommender
    lock_wait: float | None = None
    """Seconds a request waits for a lock before 503 (None: as long as the engine says)."""
    verified: VerifiedTokens = field(default_factory=lambda: VerifiedTokens(revocations))
    """Tokens verified lately (a revocation in this process forgets them at once)."""
    bodies: WeekBodies = field(default_factory=lambda: WeekBodies(writes))
    """Volunteers' weeks as JSON, read lately (a write in this process forgets them)."""
    notices: NoticeSender | None = None
    """Delivers notices in a thread of its own (None: MUTUALAID_NOTICES_SEND is off)."""
    loopback_webhooks: bool = False
    """A webhook may point at this host (MUTUALAID_NOTICES_ALLOW_LOOPBACK)."""

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, lock_wait=self.lock_wait)

    def reader(self) -> SqlUnitOfWork:
        """A unit of work for requests that only read (never waits for SQLite writers)."""
        return SqlUnitOfWork(self.sessions, read_only=True)


def planner_settings(solver: SolverSettings) -> PlannerSettings:
    """The solver's own settings from the server's."""
    return PlannerSettings(
        solver.time_limit_seconds, solver.workers, solver.deterministic, suggest=solver.suggest,
        suggest_within_seconds=solver.suggest_within_seconds,
    )  # fmt: skip


def service_now() -> pendulum.DateTime:
    """The moment a repair is made at (no visit it moves or adds starts before it):
    `utc_now`, looked up at each call so that the tests pin it before their week."""
    return utc_now()


@contextmanager
def open_infrastructure(settings: Settings) -> Iterator[Infrastructure]:
    """Engine and sessions on an up-to-date schema (migrations applied), and a job runner
    (not started). Everything is closed on the way out."""
    engine = make_engine(settings.database.url, echo=settings.database.echo)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        planner = SolverPlanner(planner_settings(settings.solver))
        runner: JobRunner
        if settings.jobs.runner == "dask":
            runner = DaskJobRunner(
                lambda: SqlUnitOfWork(sessions), planner, settings.jobs, settings.database.url
            )
        else:
            runner = InProcessJobRunner(lambda: SqlUnitOfWork(sessions), planner, settings.jobs)
        repairs = RepairSettings(settings.solver.repair_seconds, suggest=settings.solver.suggest)
        sender = None
        if settings.notices.send:
            transport = NetworkTransport(settings.notices)
            sender = NoticeSender(
                lambda: SqlUnitOfWork(sessions, outbox_only=True), transport, settings.notices
            )
        yield Infrastructure(
            engine, sessions, runner, SolverRepairer(repairs, service_now),
            SolverRecommender(repairs, service_now),
            settings.database.lock_wait_seconds, notices=sender,
            loopback_webhooks=settings.notices.allow_loopback,
        )  # fmt: skip
    finally:
        engine.dispose()


CHECKS_STOP_SECONDS = 5.0
"""How long a stop waits for each suggestion check it started to end (one check's solve)."""


def create_app(settings: Settings) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        opened = open_infrastructure(settings)
        infra = await anyio.to_thread.run_sync(opened.__enter__)
        app.state.infra = infra
        app.state.throttle = FailedSignIns(
            settings.auth.failure_burst,
            settings.auth.failures_per_minute,
            settings.auth.tracked_addresses,
            settings.auth.throttled_hold_seconds,
        )
        # a killed process's marks: its published plans' suggestions checked again
        stopping = threading.Event()
        checking = await anyio.to_thread.run_sync(
            unmark_abandoned, infra.uow, infra.repairer, stopping.is_set
        )
        infra.runner.start()
        if infra.notices is not None:
            infra.notices.start()
        try:
            yield
        finally:
            if infra.notices is not None:
                await anyio.to_thread.run_sync(infra.notices.stop)
            await anyio.to_thread.run_sync(infra.runner.stop)
            stopping.set()  # checks stop at their next write, marks kept for the next start
            for thread in checking:
                await anyio.to_thread.run_sync(thread.join, CHECKS_STOP_SECONDS)
            await anyio.to_thread.run_sync(opened.__exit__, None, None, None)

    return Litestar(
        route_handlers=[*ROUTES, *pages_router(settings.pages)],
        template_config=template_config(),
        stores={SESSION_STORE: MemoryStore()},
        state=State({"pages": settings.pages}),
        lifespan=[lifespan],
        middleware=[LanguageMiddleware, WithoutBom, DefineMiddleware(BearerAuth, exclude=PUBLIC)],
        dependencies={
            "actor": Provide(provide_actor, sync_to_thread=False),
            "uow": Provide(provide_uow, sync_to_thread=False),
            "reader": Provide(provide_reader, sync_to_thread=False),
            "jobs": Provide(provide_jobs, sync_to_thread=False),
            "repairer": Provide(provide_repairer, sync_to_thread=False),
            "recommender": Provide(provide_recommender, sync_to_thread=False),
        },
        exception_handlers={Exception: handle_any},
        before_request=check_request,
        openapi_config=OpenAPIConfig(
            title="mutualaid",
            version="0.1.0",
            description=DESCRIPTION,
            path="/schema",
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", description="a token")
                }
            ),
            security=[{"bearer": []}],
        ),
        debug=False,
    )


def handle_any(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The app's exception handler: JSON (`api.errors.handle`), but a page for a browser
    that asks for an address nothing serves. Worded in the request's language: an error
    raised before a route's middleware ran (an unknown address, a refused token) too."""
    with using_locale(language(request)):
        if isinstance(exc, NotFoundException | MethodNotAllowedException) and wants_page(request):
            return page_error(request, exc)
        return handle(request, exc)


def create_app_from_env() -> Litestar:
    """The app on the environment's settings: the factory `mutualaid serve` gives uvicorn by
    import string (`api.app:create_app_from_env`), so the CLI never imports the API."""
    return create_app(Settings.from_env())


def server_config(app: Litestar, server: ServerSettings, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the app (`ServerSettings.uvicorn_options`: proxy headers
    believed only from the trusted proxies)."""
    import uvicorn

    return uvicorn.Config(app, **server.uvicorn_options(), **options)


def provide_uow(state: State) -> UnitOfWork:
    """A unit of work for the request: one session, opened by the use case."""
    infra: Infrastructure = state.infra
    return infra.uow()


def provide_reader(state: State) -> UnitOfWork:
    infra: Infrastructure = state.infra
    return infra.reader()


def provide_jobs(state: State) -> JobRunner:
    infra: Infrastructure = state.infra
    return infra.runner


def provide_repairer(state: State) -> Repairer:
    infra: Infrastructure = state.infra
    return infra.repairer


def provide_recommender(state: State) -> Recommender:
    infra: Infrastructure = state.infra
    return infra.recommender
