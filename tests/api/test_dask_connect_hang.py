"""A Dask scheduler address whose peer answers garbage can hang `distributed.Client()` inside
its constructor for good (seen in stop 26: its loop thread never starts). The runner bounds
the making of its client (`MUTUALAID_DASK_CONNECT_SECONDS`): a poll whose client does not come
fails as a scheduler that does not answer, said to coordinators (`trouble`, en/zh) and in one
log line, and the next poll tries again, so solving resumes once a client can be made. No
database: the client's making is all this tests (States are waited for; no time asserted)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

import api.dask_jobs
from api.dask_jobs import DaskJobRunner
from api.settings import JobSettings
from mutualaid.messages import say, using_locale

from .conftest import wait_for

ADDRESS = "tcp://127.0.0.1:9"


class Hanging:
    """Stands for `distributed.Client`: hangs in its constructor until released, as Dask's
    did; then, released, a client that says it runs."""

    release = threading.Event()
    made = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Hanging.made += 1
        if Hanging.made == 1:
            Hanging.release.wait()
        self.status = "running"
        self.closed = False

    def close(self, timeout: float | None = None) -> None:
        self.closed = True


def test_a_client_that_hangs_in_its_making_is_said_and_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(api.dask_jobs, "Client", Hanging)
    jobs = JobSettings(runner="dask", dask_scheduler=ADDRESS, poll_seconds=0.05,
                       dask_connect_seconds=0.05)  # fmt: skip
    runner = DaskJobRunner(lambda: None, None, jobs, "sqlite://")  # type: ignore[arg-type,return-value]
    dispatched: list[object] = []

    def dispatch(client: object) -> bool:
        dispatched.append(client)
        return False

    monkeypatch.setattr(runner, "_dispatch", dispatch)
    runner.start()
    try:
        trouble = wait_for(runner.trouble, timeout=120)
        assert trouble.code == "solver_unreachable"
        for lang, words in (("en", "does not answer"), ("zh", "没有响应")):
            with using_locale(lang):
                text = say(trouble)
            assert words in text and ADDRESS in text, text
        wait_for(lambda: dispatched, timeout=120)  # the next poll made a client that works
        wait_for(lambda: runner.trouble() is None, timeout=120)
    finally:
        Hanging.release.set()
        runner.stop(timeout=30)
