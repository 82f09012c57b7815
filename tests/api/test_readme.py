"""The README's walkthrough (section "Service", its sh block) runs as written against a live
`mutualaid serve --load … --admin-token` (what `make demo` runs), so the two cannot drift."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

MUTUALAID = Path(sys.executable).with_name("mutualaid")


def walkthrough() -> str:
    """The first sh block of the README's section "Service"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Service\n", 1)[1].split("\n## ", 1)[0]
    found = re.search(r"^```sh\n(.*?)^```$", section, re.S | re.M)
    assert found is not None, "no sh block in the README's section Service"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`mutualaid serve` as `make demo` runs it, in a folder of its own (SQLite there, the
    scenarios beside it), with short solves; its URL and folder."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mutualaid.db'}",
        "MUTUALAID_PORT": str(port),
        "MUTUALAID_JOB_RUNNER": "inprocess",
        "MUTUALAID_SOLVER_TIME_LIMIT": "2",
        "MUTUALAID_LANG": "en",
    }
    args = [str(MUTUALAID), "serve", "--load", "scenarios/01-jingbalu-life-centre.yaml",
            "--area", "jingbalu", "--admin-token"]  # fmt: skip
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # a guard against a hang only
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            try:
                httpx.get(f"{base}/schema/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_readme_walkthrough_runs_as_written(demo: tuple[str, Path]) -> None:
    base, folder = demo
    assert (folder / ".demo-token").stat().st_mode & 0o777 == 0o600
    for run in range(2):  # and once more on the same database, as a reader would
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", walkthrough()],
            cwd=folder, env={**os.environ, "B": base}, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, f"run {run}:\n{done.stdout}\n{done.stderr}"
        assert '"state":"accepted"' in done.stdout
        assert '"kind":"repair"' in done.stdout
        assert "STATUS:" in (folder / "v-wang.ics").read_text()
