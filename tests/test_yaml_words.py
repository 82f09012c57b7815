"""A scenario the reader cannot read at all — a YAML syntax error, a file that is missing, a
folder or not UTF-8 — is said in the reader's language with its line: PyYAML's and the
operating system's English sentences are said again from the catalogue (no English left
under zh), and what the parser found is quoted as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mutualaid.contract.scenario import load_scenario, parse_scenario
from mutualaid.errors import ScenarioError
from mutualaid.messages import using_locale

BROKEN = {
    "name: [\n": 2,
    "name: [a, b\ntimezone: x\n": 2,
    "name: {a: 1\n": 2,
    "name: x\n  timezone: y\n": 2,
    "name: x\n- a\n": 2,
    "name: 'open\n": 2,
    "name: *nowhere\n": 1,
    "name: x\ttimezone\n\t- y\n": 1,
    'name: "bad \\q escape"\n': 1,
    "name: &a 1\nb: &a 2\nc: !!str [1]\n": 2,
}


def _english(text: str) -> list[str]:
    """Words of four letters or more outside quotes and the format's codes."""
    bare = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|U\+[0-9A-F]+|YAML|UTF-8", "", text)
    return re.findall(r"[A-Za-z]{4,}", bare)


@pytest.mark.parametrize("text", list(BROKEN))
def test_a_yaml_syntax_error_is_said_in_chinese_with_its_line(text: str) -> None:
    with using_locale("zh"), pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "week.yaml")
    [problem] = raised.value.problems
    assert problem.line == BROKEN[text], problem
    assert "YAML" in problem.message and not _english(problem.message), problem.message
    with using_locale("en"), pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "week.yaml")
    [problem] = raised.value.problems
    assert problem.message.startswith("not valid YAML: ") and len(problem.message) > 20


def test_a_file_that_cannot_be_read_says_why_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "latin1.yaml").write_bytes(b"name: \xe9t\xe9\n")
    for name, words in (
        ("missing.yaml", "不存在"),
        ("folder.yaml", "文件夹"),
        ("latin1.yaml", "UTF-8"),
    ):
        with using_locale("zh"), pytest.raises(ScenarioError) as raised:
            load_scenario(tmp_path / name)
        [problem] = raised.value.problems
        assert words in problem.message and not _english(problem.message), problem.message
