"""The service's settings: one frozen dataclass per concern, read from the environment here
and nowhere else (`Settings.from_env()`). Below both entry points: the API builds on them, the
CLI reads them to serve the API and to open the store."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mutualaid.errors import MutualAidError
from mutualaid.messages import msg

T = TypeVar("T")
RUNNERS = ("inprocess", "dask")


class SettingsError(MutualAidError):
    """An environment variable the service cannot use."""


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///mutualaid.db"
    """DATABASE_URL: SQLite (a file; the default is ./mutualaid.db) or PostgreSQL
    (`postgresql://user:pass@host:5432/db`, driven by psycopg 3)."""
    echo: bool = False
    """MUTUALAID_DB_ECHO: log every SQL statement."""
    lock_wait_seconds: float = 5.0
    """MUTUALAID_DB_LOCK_WAIT: how long a request waits for a lock held by other writers
    before it is answered 503 with Retry-After (nothing stored)."""


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    """MUTUALAID_HOST: the address `mutualaid serve` listens on."""
    port: int = 8000
    """MUTUALAID_PORT: the port `mutualaid serve` listens on."""
    trusted_proxies: tuple[str, ...] = ()
    """MUTUALAID_TRUSTED_PROXIES: comma-separated addresses (or networks, `10.0.0.0/8`) of
    reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: the client
    address the sign-in throttle counts is then the one the proxy saw. Unset (the default),
    the headers are ignored and the address is the connection's, so nobody, not even a
    program on the server's own machine, picks the address it is throttled as."""

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def uvicorn_options(self) -> dict[str, Any]:
        """uvicorn's options for this server. Proxy headers are believed only from the
        trusted proxies (none by default): uvicorn's own default trusts X-Forwarded-For from
        127.0.0.1, so any program on the machine could send each failed sign-in as another
        address and never be throttled."""
        proxies = list(self.trusted_proxies)
        return {
            "host": self.host,
            "port": self.port,
            "proxy_headers": bool(proxies),
            "forwarded_allow_ips": proxies or "",
        }


@dataclass(frozen=True)
class SolverSettings:
    time_limit_seconds: float | None = None
    """MUTUALAID_SOLVER_TIME_LIMIT: seconds per solve; unset, each scenario's own
    `settings.time_limit_seconds`."""
    workers: int = 1
    """MUTUALAID_SOLVER_WORKERS: CP-SAT search workers per solve."""
    deterministic: bool = False
    """MUTUALAID_SOLVER_DETERMINISTIC: false (the default), the time limit is wall-clock time
    over the whole solve (loading, analysis, greedy and every part share one deadline): the
    time a coordinator waits. True (with one worker), it is CP-SAT's deterministic time, so the
    same week and seed always give the same plan, but a loaded machine may take several times
    the limit."""
    suggest: bool = False
    """MUTUALAID_SOLVER_SUGGEST: true, each plan's unserved tasks carry suggestions (the
    smallest changes that would serve them, each checked by a one-worker solve of the changed
    week, so a plan with many unserved tasks takes many solves longer); false (the default),
    none."""
    suggest_within_seconds: float = 2.0
    """MUTUALAID_SOLVER_SUGGEST_WITHIN: with suggestions, a plan finishes with those checked
    within this many seconds of its solve; the tasks still being checked say so
    (`suggestions_checking`), and the plan is updated as their checks end. 0, as the CLI's
    `--suggest-within 0`: no waiting, the plan at once and every check after it; `inf`:
    every check before the plan finishes."""
    repair_seconds: float = 1.0
    """MUTUALAID_REPAIR_SECONDS: the CP-SAT budget of the repair a decline triggers, in the
    request (deterministic time on one worker, so the same decline gives the same repair;
    on a quiet machine wall time is about the same, each step is capped at 10x + 5 s)."""


@dataclass(frozen=True)
class JobSettings:
    runner: str = "dask"
    """MUTUALAID_JOB_RUNNER: what runs solves; `dask` (the default) Dask distributed tasks,
    on an in-process cluster unless `dask_scheduler` names one; `inprocess` a plain worker
    thread in the server (no Dask at all: starts faster, one solve at a time)."""
    dask_scheduler: str | None = None
    """MUTUALAID_DASK_SCHEDULER: with the `dask` runner, the address of a cluster's scheduler
    (`tcp://host:8786`) whose workers can reach DATABASE_URL; unset, an in-process cluster."""
    dask_connect_seconds: float = 10.0
    """MUTUALAID_DASK_CONNECT_SECONDS: how long a poll waits for the Dask client to connect
    (Dask's own timeout, and a bound on the client's making: a scheduler answering garbage
    could hang it for good) before it says the scheduler does not answer."""
    lease_seconds: float = 60.0
    """MUTUALAID_JOB_LEASE_SECONDS: how long a worker's claim on a plan holds without a
    heartbeat, on top of the solve's budget; then another worker takes the plan."""
    heartbeat_seconds: float = 1.0
    """MUTUALAID_JOB_HEARTBEAT_SECONDS: how often, at most, a solve writes its progress."""
    poll_seconds: float = 2.0
    """MUTUALAID_JOB_POLL_SECONDS: how often an idle runner looks for queued plans it was
    not told about (plans left by another process, or by a worker that died)."""


@dataclass(frozen=True)
class AuthSettings:
    failure_burst: int = 20
    """MUTUALAID_AUTH_FAILURE_BURST: failed sign-ins (an unknown, revoked or expired token) an
    address may make at once; then its requests are answered 429 with Retry-After, except
    those with a token that already signed in from it."""
    failures_per_minute: float = 6.0
    """MUTUALAID_AUTH_FAILURES_PER_MINUTE: how fast a throttled address earns tries back
    (6: one every 10 s)."""
    throttled_hold_seconds: float = 1.0
    """MUTUALAID_AUTH_THROTTLED_HOLD_SECONDS: how long a throttled request waits before its
    429 (on the event loop, no thread): a guesser waiting for answers slows to that pace
    instead of taking the server's time away from good requests (bench/auth.py); 0 answers
    at once."""
    tracked_addresses: int = 10_000
    """MUTUALAID_AUTH_TRACKED_ADDRESSES: client addresses remembered (the least recently seen
    are forgotten first), which bounds the throttle's memory. Behind a reverse proxy every
    client has the proxy's address, unless MUTUALAID_TRUSTED_PROXIES names the proxy
    (`ServerSettings.trusted_proxies`): throttle at the proxy, or trust it."""


@dataclass(frozen=True)
class PageSettings:
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    """MUTUALAID_SECRET_KEY: signs the pages' CSRF tokens; unset, a new random key each start
    (forms open across a restart must then be sent again). Give every process the same one."""
    secure_cookies: bool = False
    """MUTUALAID_SECURE_COOKIES: mark the session and CSRF cookies Secure; set it when the
    pages are served over https (behind a proxy)."""
    session_hours: float = 12.0
    """MUTUALAID_SESSION_HOURS: how long a sign-in lasts in the browser."""
    tile_url: str | None = None
    """MUTUALAID_MAP_TILES: a map tile URL (`https://tiles.example/{z}/{x}/{y}.png`) drawn
    under the plan's map; unset, the map is drawn from the coordinates alone."""


@dataclass(frozen=True)
class NoticeSettings:
    send: bool = False
    """MUTUALAID_NOTICES_SEND: the server sends notices in a background loop (true by default
    from the environment; off in Settings() so tests send only when they ask)."""
    poll_seconds: float = 5.0
    """MUTUALAID_NOTICES_POLL_SECONDS: how often the loop looks for notices due."""
    lease_seconds: float = 60.0
    """MUTUALAID_NOTICES_LEASE_SECONDS: how long a sender's claim on a notice holds; a sender
    that dies leaves it to the next claim after this. A sender stops sending its batch after
    half of it, so keep it above four times MUTUALAID_NOTICES_TIMEOUT."""
    retry_seconds: float = 30.0
    """MUTUALAID_NOTICES_RETRY_SECONDS: the wait after a first failed delivery; doubled after
    each next one, up to MUTUALAID_NOTICES_RETRY_MAX_SECONDS (3600)."""
    retry_max_seconds: float = 3600.0
    attempts: int = 8
    """MUTUALAID_NOTICES_ATTEMPTS: deliveries tried before a notice is given up (`failed`)."""
    timeout_seconds: float = 10.0
    """MUTUALAID_NOTICES_TIMEOUT: seconds a webhook or the SMTP server has to answer."""
    allow_loopback: bool = False
    """MUTUALAID_NOTICES_ALLOW_LOOPBACK: a webhook may point at this host itself (127.0.0.1,
    ::1, localhost), for a receiver on the same machine; off, it is refused like link-local,
    unspecified and multicast addresses always are (mutualaid/services/web_addresses.py)."""
    smtp_host: str | None = None
    """MUTUALAID_SMTP_HOST: the SMTP server for email notices; unset, no email is sent."""
    smtp_port: int = 25
    """MUTUALAID_SMTP_PORT."""
    smtp_from: str = "mutualaid@localhost"
    """MUTUALAID_SMTP_FROM: the sender address of email notices."""
    smtp_user: str | None = None
    """MUTUALAID_SMTP_USER and MUTUALAID_SMTP_PASSWORD: a login, when the server wants one."""
    smtp_password: str | None = None
    smtp_starttls: bool = False
    """MUTUALAID_SMTP_STARTTLS: upgrade the connection with STARTTLS before the login."""


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    solver: SolverSettings = field(default_factory=SolverSettings)
    jobs: JobSettings = field(default_factory=JobSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    pages: PageSettings = field(default_factory=PageSettings)
    notices: NoticeSettings = field(default_factory=NoticeSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment (or `env`); defaults for what is unset.
        SettingsError names a variable that is set but unusable."""
        env = os.environ if env is None else env
        read = _Reader(env)
        settings = cls(
            database=DatabaseSettings(
                url=read("DATABASE_URL", str, DatabaseSettings.url),
                echo=read("MUTUALAID_DB_ECHO", _bool, False),
                lock_wait_seconds=read(
                    "MUTUALAID_DB_LOCK_WAIT", _positive, DatabaseSettings.lock_wait_seconds
                ),
            ),
            server=ServerSettings(
                host=read("MUTUALAID_HOST", str, ServerSettings.host),
                port=read("MUTUALAID_PORT", _port, ServerSettings.port),
                trusted_proxies=read("MUTUALAID_TRUSTED_PROXIES", _addresses, ()),
            ),
            solver=SolverSettings(
                time_limit_seconds=read("MUTUALAID_SOLVER_TIME_LIMIT", _positive, None),
                workers=read("MUTUALAID_SOLVER_WORKERS", _count, SolverSettings.workers),
                deterministic=read("MUTUALAID_SOLVER_DETERMINISTIC", _bool, False),
                suggest=read("MUTUALAID_SOLVER_SUGGEST", _bool, False),
                suggest_within_seconds=read(
                    "MUTUALAID_SOLVER_SUGGEST_WITHIN",
                    _nonnegative,
                    SolverSettings.suggest_within_seconds,
                ),
                repair_seconds=read(
                    "MUTUALAID_REPAIR_SECONDS", _positive, SolverSettings.repair_seconds
                ),
            ),
            jobs=JobSettings(
                runner=read("MUTUALAID_JOB_RUNNER", _runner, JobSettings.runner),
                dask_scheduler=read("MUTUALAID_DASK_SCHEDULER", _scheduler, None),
                dask_connect_seconds=read(
                    "MUTUALAID_DASK_CONNECT_SECONDS", _timer, JobSettings.dask_connect_seconds
                ),
                lease_seconds=read(
                    "MUTUALAID_JOB_LEASE_SECONDS", _timer, JobSettings.lease_seconds
                ),
                heartbeat_seconds=read(
                    "MUTUALAID_JOB_HEARTBEAT_SECONDS", _timer, JobSettings.heartbeat_seconds
                ),
                poll_seconds=read("MUTUALAID_JOB_POLL_SECONDS", _timer, JobSettings.poll_seconds),
            ),
            auth=AuthSettings(
                failure_burst=read(
                    "MUTUALAID_AUTH_FAILURE_BURST", _count, AuthSettings.failure_burst
                ),
                failures_per_minute=read(
                    "MUTUALAID_AUTH_FAILURES_PER_MINUTE",
                    _positive,
                    AuthSettings.failures_per_minute,
                ),
                throttled_hold_seconds=read(
                    "MUTUALAID_AUTH_THROTTLED_HOLD_SECONDS",
                    _nonnegative,
                    AuthSettings.throttled_hold_seconds,
                ),
                tracked_addresses=read(
                    "MUTUALAID_AUTH_TRACKED_ADDRESSES", _count, AuthSettings.tracked_addresses
                ),
            ),
            pages=PageSettings(
                secret=read("MUTUALAID_SECRET_KEY", str, None) or secrets.token_hex(32),
                secure_cookies=read("MUTUALAID_SECURE_COOKIES", _bool, False),
                session_hours=read("MUTUALAID_SESSION_HOURS", _positive, 12.0),
                tile_url=read("MUTUALAID_MAP_TILES", str, None),
            ),
            notices=_notices(read),
        )
        return settings


def _notices(read: _Reader) -> NoticeSettings:
    d = NoticeSettings
    return NoticeSettings(
        send=read("MUTUALAID_NOTICES_SEND", _bool, True),
        poll_seconds=read("MUTUALAID_NOTICES_POLL_SECONDS", _timer, d.poll_seconds),
        lease_seconds=read("MUTUALAID_NOTICES_LEASE_SECONDS", _timer, d.lease_seconds),
        retry_seconds=read("MUTUALAID_NOTICES_RETRY_SECONDS", _positive, d.retry_seconds),
        retry_max_seconds=read(
            "MUTUALAID_NOTICES_RETRY_MAX_SECONDS", _positive, d.retry_max_seconds
        ),
        attempts=read("MUTUALAID_NOTICES_ATTEMPTS", _count, d.attempts),
        timeout_seconds=read("MUTUALAID_NOTICES_TIMEOUT", _positive, d.timeout_seconds),
        allow_loopback=read("MUTUALAID_NOTICES_ALLOW_LOOPBACK", _bool, False),
        smtp_host=read("MUTUALAID_SMTP_HOST", str, None),
        smtp_port=read("MUTUALAID_SMTP_PORT", _port, d.smtp_port),
        smtp_from=read("MUTUALAID_SMTP_FROM", str, d.smtp_from),
        smtp_user=read("MUTUALAID_SMTP_USER", str, None),
        smtp_password=read("MUTUALAID_SMTP_PASSWORD", str, None),
        smtp_starttls=read("MUTUALAID_SMTP_STARTTLS", _bool, False),
    )


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def __call__(self, name: str, parse: Callable[[str], T], default: T) -> T:
        raw = self.env.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            return parse(raw.strip())
        except ValueError as exc:
            raise SettingsError(msg("setting_invalid", name=name, got=raw, problem=exc)) from None


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(msg("not_bool", got=text))


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise ValueError(msg("not_positive_number", got=text))
    return value


def _timer(text: str) -> float:
    """Seconds a thread waits for (poll, heartbeat, lease): > 0 and within what wait() takes,
    threading.TIMEOUT_MAX (about 292 years), which raises OverflowError past it."""
    value = _positive(text)
    if value > threading.TIMEOUT_MAX:
        raise ValueError(msg("not_timer_seconds", most=f"{threading.TIMEOUT_MAX:.0f}", got=text))
    return value


def _nonnegative(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise ValueError(msg("not_nonneg_number", got=text))
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(msg("not_positive_int", got=text))
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError(msg("not_choice", choices="0..65535", got=text))
    return value


def _addresses(text: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks, each checked."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ValueError(msg("not_address", got=part)) from None
        out.append(part)
    return tuple(out)


_SCHEDULER = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})/?"
)


def _scheduler(text: str) -> str:
    """A Dask scheduler's address, [tcp://]host:port (tls, ws, wss, ucx too): a mistake here
    would only show as solves that never start."""
    found = _SCHEDULER.fullmatch(text)
    if found is None or not 0 < int(found.group(1)) <= 65535:
        raise ValueError(msg("not_dask_scheduler", got=text))
    return text


def _runner(text: str) -> str:
    if text not in RUNNERS:
        raise ValueError(msg("not_choice", choices=", ".join(RUNNERS), got=text))
    return text
