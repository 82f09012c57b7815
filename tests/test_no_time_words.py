"""The no_time reason's words fit the task: a one-person visit is not "never free together"
(stop 25 D's leftover), a crew says how many must be free at once. The code stays `no_time`
(the contract fixes it); only the detail a coordinator reads changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mutualaid.contract.scenario import parse_scenario
from mutualaid.messages import say, using_locale
from solver.analysis import Analyzer

WORLD = Path(__file__).resolve().parents[1] / "scenarios" / "09-edge-reason-codes.yaml"


def _details() -> dict[str, tuple[str, str]]:
    data = yaml.safe_load(WORLD.read_text(encoding="utf-8"))
    data.pop("expect", None)
    monday = [{"days": ["mon"], "from": "09:00", "to": "11:00"}]
    data["tasks"] += [
        {"id": "t-talk-one", "site": "jzj-station", "duration_minutes": 60, "windows": monday,
         "needs": [{"skill": "companionship", "count": 1}]},
        {"id": "t-talk-crew", "site": "jzj-station", "duration_minutes": 60, "windows": monday,
         "needs": [{"skill": "companionship", "count": 2}]},
    ]  # fmt: skip
    out = _said(data, {t: t for t in ("t-tap-feng", "t-talk-one", "t-talk-crew")})
    data["volunteers"].append({**data["volunteers"][1], "id": "v-wu2", "name": "吴二哥"})
    return out | _said(data, {"t-talk-crew": "t-talk-crew-of-3"})


def _said(data: dict[str, object], tasks: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The no_time detail of each task (by the name given), in English and Chinese."""
    sc = parse_scenario(yaml.safe_dump(data, allow_unicode=True))
    analyzer = Analyzer(sc)
    out = {}
    for tid, name in tasks.items():
        a = analyzer.analyse(sc.tasks[tid])
        assert a.reason == "no_time", tid
        assert a.detail is not None
        with using_locale("en"):
            en = say(a.detail)
        with using_locale("zh"):
            zh = say(a.detail)
        out[name] = (en, zh)
    return out


@pytest.fixture(scope="module")
def details() -> dict[str, tuple[str, str]]:
    return _details()


def test_a_one_person_task_with_one_who_qualifies_names_that_one(
    details: dict[str, tuple[str, str]],
) -> None:
    en, zh = details["t-tap-feng"]
    assert en.startswith("the one person who qualifies is not free for 45 minutes"), en
    assert "together" not in en
    assert zh.startswith("唯一符合条件的人"), zh
    assert "共同" not in zh


def test_a_one_person_task_says_none_is_free_not_never_together(
    details: dict[str, tuple[str, str]],
) -> None:
    en, zh = details["t-talk-one"]
    assert en.startswith("none of the 2 who qualify is free for 60 minutes"), en
    assert "together" not in en
    assert "共同" not in zh and "2 人" in zh, zh


def test_a_crew_says_how_many_must_be_free_together(details: dict[str, tuple[str, str]]) -> None:
    en, zh = details["t-talk-crew"]  # both who qualify are needed
    assert en.startswith("the 2 who qualify, all needed, are never free together for 60"), en
    assert "须全部到场" in zh and "共同的 60 分钟" in zh, zh
    en, zh = details["t-talk-crew-of-3"]
    assert en.startswith("no 2 of the 3 who qualify are free together for 60 minutes"), en
    assert "3 人中" in zh and "2 人共同空闲 60 分钟" in zh, zh
