"""Browser tests: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against a
real server (uvicorn on a free port of 127.0.0.1, a temp SQLite file, the in-process job
runner), with the sample week loaded and a coordinator's and a volunteer's token.

Every test fails on a console error or an uncaught script error; `Browser.shoot` keeps a
screenshot of each page under test-artifacts/screenshots/ (gitignored); `assert_labelled`
checks that every field has a label. Reuse `served`, `Browser` and these helpers for new pages.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import Infrastructure, create_app
from api.settings import DatabaseSettings, JobSettings, PageSettings, Settings, SolverSettings
from mutualaid.services import access, roster, weeks
from tests.adapters.conftest import sqlite_template  # noqa: F401  (a fixture)
from tests.service_clock import before_the_week  # noqa: F401  (an autouse fixture)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
SHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("MUTUALAID_CHROMIUM", "/usr/bin/chromium")
AREA = "jingbalu"
WEEK = "2026-11-30"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

playwright_api = pytest.importorskip("playwright.sync_api")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)  # a browser and a server: not in make check


@dataclass
class Served:
    """The running server: its address, infrastructure and the demo tokens' secrets."""

    base: str
    infra: Infrastructure
    secrets: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[Served]:  # noqa: F811
    db = tmp_path / "mutualaid.sqlite"
    shutil.copyfile(sqlite_template, db)
    settings = Settings(
        database=DatabaseSettings(url=f"sqlite:///{db}"),
        # deterministic time: the plan (and its status) the same however loaded the machine
        solver=SolverSettings(time_limit_seconds=3.0, workers=1, deterministic=True),
        jobs=JobSettings(runner="inprocess", heartbeat_seconds=0.2, poll_seconds=0.2),
        pages=PageSettings(secret="browser-tests"),
    )
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 300  # a guard against a hang only
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        infra: Infrastructure = app.state.infra
        roster.create_area(infra.uow(), access.CLI, AREA, "经八路街道", "Asia/Shanghai")
        data = weeks.read_scenario(SAMPLE.read_bytes(), "application/yaml")
        weeks.import_scenario(infra.uow(), access.CLI, AREA, WEEK, data)
        _, coordinator = access.create_token(
            infra.uow(), access.CLI, "coordinator", [AREA], name="李主任"
        )
        _, volunteer = access.create_token(
            infra.uow(), access.CLI, "volunteer", [AREA], "v-wang", name="王师傅"
        )
        yield Served(
            f"http://127.0.0.1:{port}", infra, {"coordinator": coordinator, "volunteer": volunteer}
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def publish_a_plan(served: Served) -> None:
    """Solve the sample week and publish the plan, as a coordinator would."""
    from mutualaid.services import plans
    from tests.api.conftest import wait_for

    infra = served.infra
    plan = plans.request_plan(infra.uow(), infra.runner, access.CLI, AREA, WEEK)
    wait_for(lambda: not plans.get_plan(infra.reader(), access.CLI, plan.id).active)
    plans.publish_plan(infra.uow(), infra.repairer, access.CLI, plan.id)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium fonts-noto-cjk`")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


class Browser:
    """One person's browser (a fresh context): their language and screen, the console
    watched for errors, a screenshot of each page kept."""

    def __init__(self, chromium: Any, base: str, lang: str, phone: bool, name: str) -> None:
        self.base, self.lang, self.name = base, lang, name
        options: dict[str, Any] = {
            "locale": "zh-CN" if lang == "zh" else "en-US",
            "viewport": PHONE if phone else DESKTOP,
        }
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        self.context = chromium.new_context(**options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.allowed: set[int] = set()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: d.accept())
        self.shots = 0
        for old in SHOTS.glob(f"{name}-{lang}-*.png"):  # a walk's pictures, not an older one's
            old.unlink()

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        status = re.search(r"responded with a status of (\d+)", message.text)
        if status and int(status.group(1)) in self.allowed:
            return  # Chromium's note of a page answered with an error status the test expects
        self.errors.append(message.text)

    def allow_status(self, status: int) -> None:
        """A page answered with `status` is expected (a form sent back with its errors)."""
        self.allowed.add(status)

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def shoot(self, what: str) -> Path:
        """A full-page screenshot, numbered in the order of the walk."""
        self.shots += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{self.name}-{self.lang}-{self.shots:02d}-{what}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_labelled(self) -> None:
        """Every visible field (input, select, textarea) has a label of its own."""
        unlabelled = self.page.evaluate(
            """() => Array.from(document.querySelectorAll('input, select, textarea'))
                 .filter(e => e.type !== 'hidden')
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                 .map(e => e.outerHTML)"""
        )
        assert unlabelled == [], unlabelled

    def assert_fits(self) -> None:
        """Nothing runs off the side of the screen (tables scroll inside their box). Measured
        against the screen's width: on a phone (`is_mobile`) `window.innerWidth` grows with
        a page that runs off the side, so it would find the page always fitting."""
        screen = self.page.viewport_size["width"]
        wide = self.page.evaluate("() => document.documentElement.scrollWidth") - screen
        assert wide <= 1, f"the page is {wide}px wider than the screen"

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture
def open_browser(chromium: Any, served: Served) -> Iterator[Any]:
    opened: list[Browser] = []

    def make(lang: str, phone: bool = False, name: str = "page") -> Browser:
        browser = Browser(chromium, served.base, lang, phone, name)
        opened.append(browser)
        return browser

    yield make
    for browser in opened:
        browser.close()
