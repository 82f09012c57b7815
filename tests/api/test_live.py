"""Through a real uvicorn server: what a raw socket can do that a test client cannot."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from api.app import create_app
from api.settings import Settings
from mutualaid.services import access

from .conftest import wait_for
from .live import serving

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)


class Records(logging.Handler):
    """Keeps what is logged to it (the app's logging set-up replaces the root's handlers,
    caplog's among them, so this one sits on the logger itself)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[Records]:
    handler, logger = Records(), logging.getLogger("api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_client_that_hangs_up_mid_body_is_a_log_line_not_a_traceback(
    settings: Settings, logged: Records
) -> None:
    """Found by probing: a Content-Length larger than what was sent, then a close, logged an
    'unexpected error' with a traceback (a 500 nobody read)."""
    app = create_app(settings)
    caplog = logged
    with serving(app) as base:
        _, secret = access.create_token(app.state.infra.uow(), access.CLI, "admin", name="t")
        port = int(base.rsplit(":", 1)[1])
        for method, path in (("POST", "/tokens"), ("PUT", "/weeks/2026-11-30/tasks?area=a")):
            with socket.create_connection(("127.0.0.1", port)) as raw:
                head = (
                    f"{method} {path} HTTP/1.1\r\nHost: test\r\n"
                    f"Authorization: Bearer {secret}\r\nContent-Type: application/json\r\n"
                    "Content-Length: 100000\r\n\r\n"
                )
                raw.sendall(head.encode() + b'[{"id": "t-')
            where = f"{method} {path.split('?')[0]}"
            wait_for(lambda where=where: [r for r in caplog.records if where in r.getMessage()])
    mine = caplog.records
    assert [r for r in mine if "hung up" in r.getMessage()]
    assert not [r for r in mine if r.levelno >= logging.ERROR or r.exc_info], [
        r.getMessage() for r in mine
    ]
