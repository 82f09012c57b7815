"""Input bounds the tester of issue 7 broke through: a flat document of millions of values, a
list that is wrong in every item, unpaired surrogates, text of megabytes, and the spellings
of a date, a seed, a worker count, a time zone and an id that only look right."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mutualaid.bounds import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NODES,
    MAX_PROBLEMS,
    MAX_PROBLEMS_SHOWN,
    MAX_TEXT_LENGTH,
    check_data,
    parse_week_start,
)
from mutualaid.cli import app
from mutualaid.contract import yaml_text as loader
from mutualaid.contract.scenario import build_scenario, parse_scenario
from mutualaid.errors import ScenarioError
from tests.test_scenario_errors import problem_at, problems_in, variant, variant_data


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")


# --- 1. a flat document of millions of values -------------------------------------------------


def test_a_flat_yaml_list_past_the_bound_is_refused_before_it_is_composed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*_: object) -> None:
        raise AssertionError("the document was composed")

    monkeypatch.setattr(loader, "_read_yaml_with", never)
    text = "x: [" + ",".join(["1"] * MAX_NODES) + "]\n"  # the mapping, x and the list: 3 more
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    [problem] = caught.value.problems
    assert problem.path == "" and "more than 1,000,000 values" in problem.message


def test_a_flat_json_list_past_the_bound_is_refused_without_a_problem_per_value() -> None:
    [problem] = check_data({"tasks": [0] * MAX_NODES})
    assert problem.path == "" and "more than 1,000,000 values" in problem.message


# --- 2. a list wrong in every item --------------------------------------------------------------


def test_checking_stops_after_a_thousand_problems_and_says_so() -> None:
    data = {**variant_data(), "tasks": [0] * 100_000}
    with pytest.raises(ScenarioError) as caught:
        build_scenario(data)
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].message == "checking stopped after 1,000 problems; fix these first"


def test_the_command_lists_a_hundred_problems_then_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = {**variant_data(), "tasks": [0] * 250, "pinned": [], "declined": [], "expect": None}
    Path("bad.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "bad.yaml"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 2  # the problems, "and … more", the summary
    assert lines[MAX_PROBLEMS_SHOWN] == "bad.yaml: and 150 more problems"


# --- 3. unpaired surrogates -----------------------------------------------------------------


def test_an_unpaired_surrogate_in_yaml_text_or_an_id_is_refused_naming_the_field() -> None:
    text = variant().replace("id: t-visit", 'id: "t-\\ud800visit"', 1)
    text = text.replace("name: Centre", 'name: "Cen\\udfffre"', 1)
    problems = problems_in(text)
    assert "unpaired surrogate U+D800" in problem_at(problems, "tasks[0].id").message
    assert "unpaired surrogate U+DFFF" in problem_at(problems, "sites[0].name").message


def test_an_unpaired_surrogate_in_plain_data_is_refused_naming_the_field() -> None:
    with pytest.raises(ScenarioError) as caught:
        build_scenario(variant_data({"tasks[1].title": "a\ud800b"}))
    [problem] = caught.value.problems
    assert problem.path == "tasks[1].title" and "U+D800" in problem.message


def test_solve_refuses_an_id_with_a_surrogate_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = variant().replace("id: v-zhao", 'id: "v-\\ud800"', 1)
    Path("week.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", "week.yaml", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "volunteers[1].id: must not contain the unpaired surrogate U+D800" in result.stderr


# --- 7. text of megabytes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("tasks[0].id", MAX_ID_LENGTH),
        ("volunteers[0].id", MAX_ID_LENGTH),
        ("tasks[1].title", MAX_NAME_LENGTH),
        ("name", MAX_NAME_LENGTH),
        ("volunteers[1].name", MAX_NAME_LENGTH),
    ],
)
def test_text_one_past_its_limit_is_refused_naming_the_field(path: str, limit: int) -> None:
    try:  # at the limit: read (an id changed breaks references, told at other paths)
        parse_scenario(variant({path: "x" * limit}))
    except ScenarioError as exc:
        assert path not in {p.path for p in exc.problems}
    problems = problems_in(variant({path: "x" * (limit + 1)}))
    assert f"must be at most {limit:,} characters, got {limit + 1:,}" in (
        problem_at(problems, path).message
    )


def test_any_text_past_the_longest_limit_is_refused_before_it_is_read() -> None:
    big = "x" * (MAX_TEXT_LENGTH + 1)
    [problem] = check_data({"reason": big})
    assert problem.path == "reason" and "at most 2,000 characters" in problem.message
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(variant({"tasks[1].title": big}))
    assert [p.path for p in caught.value.problems] == ["tasks[1].title"]


# --- 11. spellings that only look right ------------------------------------------------------


@pytest.mark.parametrize("week", [" 2026-11-30", "2026-11-30 ", "2026-11-30\t"])
def test_a_week_with_spaces_around_it_is_not_a_week(week: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_week_start(week)


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "right/UTC", "posix/UTC"])
def test_a_zoneinfo_file_that_is_no_iana_place_is_not_a_time_zone(zone: str) -> None:
    problems = problems_in(variant({"timezone": zone}))
    assert "unknown time zone" in problem_at(problems, "timezone").message


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f"])
def test_a_bidirectional_control_is_refused_in_an_id_and_kept_in_free_text(control: str) -> None:
    problems = problems_in(variant({"tasks[0].id": f"t-{control}visit"}))
    assert "bidirectional control" in problem_at(problems, "tasks[0].id").message
    week = build_scenario(variant_data({"tasks[1].title": f"mend {control}שלום"}))
    assert week.tasks["t-repair"].title == f"mend {control}שלום"


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--seed", str(2**64), "--seed must be a whole number from 0 to 2147483647"),
        ("--seed", "-1", "--seed must be a whole number from 0 to 2147483647"),
        ("--workers", "100000", "--workers must be a whole number from 1 to 64"),
    ],
)
def test_solve_refuses_a_seed_or_workers_no_solver_takes_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str, value: str, words: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("week.yaml").write_text(variant(), encoding="utf-8")
    result = CliRunner().invoke(app, ["solve", "week.yaml", option, value])
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert not Path("week.plan.json").exists()
