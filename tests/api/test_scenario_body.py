"""A scenario sent whole (YAML or JSON) is read and built once: import_scenario stores what
read_scenario built, without building it again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mutualaid.contract.scenario import load_scenario
from mutualaid.services import access, weeks
from mutualaid.services.ports import InvalidRequest
from tests.adapters.conftest import UowFactory

SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "01-jingbalu-life-centre.yaml"


def _no_second_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(*_: object) -> None:
        raise AssertionError("the scenario was built again")

    monkeypatch.setattr(weeks, "build_scenario", build)


@pytest.mark.parametrize("media", ["application/yaml", "application/json"])
def test_a_scenario_body_is_stored_as_read_without_a_second_build(
    make_uow: UowFactory, monkeypatch: pytest.MonkeyPatch, media: str
) -> None:
    text = SAMPLE.read_text("utf-8")
    if media == "application/json":
        text = json.dumps(yaml.safe_load(text), default=str)
    read = weeks.read_scenario(text.encode(), media)
    assert read.scenario.tasks == load_scenario(SAMPLE).tasks
    _no_second_build(monkeypatch)
    week = read.scenario.week_start.isoformat()
    record = weeks.import_scenario(make_uow(), access.CLI, "jingbalu", week, read)
    exported = weeks.export_scenario(make_uow(), access.CLI, "jingbalu", week)
    assert record.week_start == read.scenario.week_start
    assert {t.id for t in exported.tasks} == {t["id"] for t in read.data["tasks"]}


def test_a_body_that_is_not_utf8_is_refused_before_it_is_read() -> None:
    with pytest.raises(InvalidRequest):
        weeks.read_scenario(b"name: \xff", "application/yaml")
