"""JSON from a user may begin with a UTF-8 byte order mark (Notepad writes one): it is read as
the same JSON, as YAML with one always was — over HTTP (every JSON body: a scenario, a task)
and from the command line's files (a plan). Before, every JSON reader refused it ("invalid
character", "Unexpected UTF-8 BOM") while the same text as YAML was accepted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.edge import WithoutBom
from mutualaid.cli import app
from mutualaid.services import weeks
from tests.adapters import world

from .conftest import Client

BOM = "\ufeff".encode()
ROOT = Path(__file__).resolve().parents[2]
WEEK = world.WEEK.isoformat()
Q = f"?area={world.AREA}"


@pytest.mark.parametrize("media", ["application/json", "application/yaml"])
def test_a_scenario_body_with_a_bom_is_stored_as_without(
    client: Client, admin: dict[str, str], media: str
) -> None:
    body = BOM + json.dumps(world.scenario(), ensure_ascii=False, default=str).encode()
    answer = client.post(f"/weeks/{WEEK}/scenario{Q}", content=body,
                         headers={**admin, "Content-Type": media})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["week_start"] == WEEK


def test_a_task_body_with_a_bom_is_stored_and_a_broken_one_still_refused(
    client: Client, admin: dict[str, str]
) -> None:
    assert client.post(f"/weeks/{WEEK}/scenario{Q}", json=world.scenario(),
                       headers=admin).status_code == 200  # fmt: skip
    task = next(t for t in world.scenario()["tasks"])
    task = {**task, "id": "t-bom", "title": "带BOM的任务"}
    headers = {**admin, "Content-Type": "application/json"}
    body = BOM + json.dumps(task, ensure_ascii=False).encode()
    answer = client.put(f"/weeks/{WEEK}/tasks/t-bom{Q}", content=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["title"] == "带BOM的任务"
    broken = client.put(f"/weeks/{WEEK}/tasks/t-bom{Q}", content=BOM + b'{"id":', headers=headers)
    assert broken.status_code == 400, broken.text
    only = client.put(f"/weeks/{WEEK}/tasks/t-bom{Q}", content=BOM, headers=headers)
    assert only.status_code == 400, only.text


def test_the_service_reads_a_json_scenario_with_a_bom() -> None:
    text = json.dumps(world.scenario(), ensure_ascii=False, default=str)
    read = weeks.read_scenario(BOM + text.encode(), "application/json")
    assert read.scenario.name == world.scenario()["name"]


async def _through(chunks: list[bytes], content_type: bytes) -> bytes:
    """What an app behind WithoutBom receives of a body sent in `chunks`."""
    got: list[bytes] = []
    sent = iter(chunks)

    async def receive() -> dict[str, Any]:
        chunk = next(sent, None)
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        while True:
            event = await receive()
            got.append(event["body"])
            if not event["more_body"]:
                return

    async def send(_: Any) -> None:
        return None

    scope = {"type": "http", "headers": [(b"content-type", content_type)]}
    await WithoutBom(inner)(scope, receive, send)  # type: ignore[arg-type]
    return b"".join(got)


@pytest.mark.parametrize("size", [1, 2, 3, 1000])
def test_a_bom_split_across_chunks_is_taken_off_whole(size: int) -> None:
    import anyio

    body = BOM + b'{"a": "\xe4\xb8\xad"}'
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    assert anyio.run(_through, chunks, b"application/json") == body[3:]
    assert anyio.run(_through, chunks, b"application/problem+json") == body[3:]
    # only JSON loses it: a CSV's BOM tells its reader the encoding, and stays
    assert anyio.run(_through, chunks, b"text/csv") == body
    assert anyio.run(_through, [b"\xef\xbb"], b"application/json") == b"\xef\xbb"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_reads_a_plan_file_with_a_bom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", lang)
    name = "09-edge-reason-codes"
    plan = tmp_path / "plan.json"
    plan.write_bytes(BOM + (ROOT / "tests/golden/plans" / f"{name}.json").read_bytes())
    scenario = ROOT / "scenarios" / f"{name}.yaml"
    result = CliRunner().invoke(app, ["check", str(scenario), "--plan", str(plan)])
    assert result.exit_code == 0, result.output


def test_check_reads_a_json_scenario_file_with_a_bom(tmp_path: Path) -> None:
    scenario = tmp_path / "week.json"
    text = json.dumps(world.scenario(), ensure_ascii=False, default=str)
    scenario.write_bytes(BOM + text.encode())
    result = CliRunner().invoke(app, ["check", str(scenario)])
    assert result.exit_code == 0, result.output
