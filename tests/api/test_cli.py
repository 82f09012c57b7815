"""`mutualaid token create` and `mutualaid serve` (up to where uvicorn would take over), and
what `solve` and `check` refuse before doing any work."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mutualaid.cli import app, service
from mutualaid.services import access

from .conftest import SAMPLE

runner = CliRunner()
ADDRESS_FREE = service._address_free


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite file of its own, and the test's folder as the working directory (`serve
    --admin-token` writes .demo-token there, not into the checkout)."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    # serve's tests stop where uvicorn would take over: its port is not theirs to check (a
    # server of another checkout may be on 8000); the test of a taken port checks it
    monkeypatch.setattr("mutualaid.cli.service._address_free", lambda server: None)
    return url


def test_token_create_prints_the_secret_once_and_refuses_bad_roles(database: str) -> None:
    made = runner.invoke(app, ["token", "create", "--role", "admin", "--name", "ops"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ma_")
    from api.app import open_infrastructure
    from api.settings import Settings

    with open_infrastructure(Settings.from_env()) as infra:
        actor = access.authenticate(infra.reader(), secret)
    assert actor is not None and actor.role == "admin"
    for args in (["--role", "mayor"], ["--role", "coordinator"], ["--role", "coordinator",
                 "--area", "nowhere"]):  # fmt: skip
        refused = runner.invoke(app, ["token", "create", *args])
        assert refused.exit_code == 2, refused.output


def test_serve_loads_the_sample_into_an_empty_database_and_prints_how_to_start(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[object] = []
    monkeypatch.setattr("mutualaid.cli.service.run_server", served.append)
    args = ["serve", "--port", "8123", "--load", str(SAMPLE), "--area", "jingbalu",
            "--admin-token"]  # fmt: skip
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "loaded" in first.output and "http://127.0.0.1:8123" in first.output
    assert 'curl -X POST -H "Authorization: Bearer ma_' in first.output
    assert "/weeks/2026-11-30/plans?area=jingbalu" in first.output
    again = runner.invoke(app, args)  # not empty any more: nothing loaded twice
    assert again.exit_code == 0 and "loaded" not in again.output
    assert len(served) == 2
    assert [server.port for server in served] == [8123, 8123]  # type: ignore[attr-defined]
    missing = runner.invoke(app, ["serve", "--load", "nope.yaml", "--area", "x"])
    assert missing.exit_code == 2


def test_serve_load_of_a_bad_scenario_names_the_file_line_and_field_and_serves_nothing(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    served: list[object] = []
    monkeypatch.setattr("mutualaid.cli.service.run_server", served.append)
    bad = tmp_path / "week.yaml"
    bad.write_text(SAMPLE.read_text().replace("duration_minutes:", "duration_minute:", 1))
    result = runner.invoke(app, ["serve", "--load", str(bad), "--area", "x"])
    assert result.exit_code == 2 and not served, result.output
    assert re.search(rf"{re.escape(str(bad))}:\d+: tasks\[0\]\.duration_minutes: ", result.output)


def test_token_create_for_an_unknown_area_says_so_in_the_chosen_language(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under MUTUALAID_LANG=zh the refusal read 'no area 'nowhere'' in English."""
    args = ["token", "create", "--role", "coordinator", "--area", "nowhere"]
    english = runner.invoke(app, args)
    assert english.exit_code == 2 and "no area 'nowhere'" in english.output
    monkeypatch.setenv("MUTUALAID_LANG", "zh")
    chinese = runner.invoke(app, args)
    assert chinese.exit_code == 2 and "不存在的区域 'nowhere'" in chinese.output, chinese.output


@pytest.fixture
def no_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail a test that reaches the solver."""
    monkeypatch.setenv("MUTUALAID_LANG", "en")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the solver was reached")

    monkeypatch.setattr("mutualaid.cli.plans._solve", refuse)


@pytest.mark.parametrize(
    ("lang", "where", "gist"),
    [
        ("en", "missing/plan.json", "cannot write the plan to {out}: its folder does not exist"),
        ("en", "file/plan.json", "a part of its path is a file, not a folder"),
        ("zh", "missing/plan.json", "所在文件夹不存在"),
        ("zh", "file/plan.json", "路径中有一段是文件而不是文件夹"),
    ],
)
def test_solve_refuses_an_unwritable_out_before_solving_in_the_users_language(
    tmp_path: Path, no_solving: None, monkeypatch: pytest.MonkeyPatch, lang: str, where: str,
    gist: str,
) -> None:  # fmt: skip
    """Said from the catalogue: the system's own words ('No such file or directory') are
    English only."""
    monkeypatch.setenv("MUTUALAID_LANG", lang)
    (tmp_path / "file").write_text("x")
    out = tmp_path / where
    result = runner.invoke(app, ["solve", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert gist.format(out=out) in result.output and not out.exists()
    assert "directory" not in result.output.lower()
    assert ("nothing was solved" if lang == "en" else "未进行求解") in result.output


def test_solve_leaves_no_file_behind_when_it_checks_out_and_then_is_refused(
    tmp_path: Path, no_solving: None
) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", str(tmp_path / "nowhere.yaml"), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "value", "gist"),
    [
        ("--workers", "-3", "--workers must be a whole number from 1 to 64, got -3"),
        ("--workers", "0", "--workers must be a whole number from 1 to 64, got 0"),
        ("--time-limit", "-1", "--time-limit must be a number of seconds > 0"),
        ("--time-limit", "0", "--time-limit must be a number of seconds > 0"),
        ("--time-limit", "nan", "--time-limit must be a number of seconds > 0"),
        ("--time-limit", "1e9", "at most 86400"),
    ],
)
def test_solve_refuses_workers_below_one_and_a_time_limit_not_above_zero(
    tmp_path: Path, no_solving: None, option: str, value: str, gist: str
) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["solve", str(SAMPLE), "--out", str(out), option, value])
    assert result.exit_code == 2, result.output
    assert gist in result.output and "MODEL_INVALID" not in result.output
    assert not out.exists()


def _plan(tmp_path: Path, **fields: Any) -> Path:
    body = {"scenario": "x", "status": "optimal", "solve_seconds": 1.0, "assignments": [],
            "unserved": [], **fields}  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_says_a_plan_of_another_scenario_is_not_this_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    other = _plan(tmp_path, scenario="大河路 — week of 2026-12-07")
    result = runner.invoke(app, ["check", str(SAMPLE), "--plan", str(other)])
    assert result.exit_code == 2, result.output
    assert "is a plan for the scenario '大河路 — week of 2026-12-07', not for" in result.output
    from mutualaid.contract.scenario import load_scenario

    name = load_scenario(SAMPLE).name
    unserved = [{"task": f"t-elsewhere-{i}", "reason": "no_volunteer_free"} for i in range(5)]
    foreign = _plan(tmp_path, scenario=name, unserved=unserved)
    result = runner.invoke(app, ["check", str(SAMPLE), "--plan", str(foreign)])
    assert result.exit_code == 2, result.output
    assert "names none of the tasks" in result.output and "t-elsewhere-0" in result.output


@pytest.mark.parametrize("where", ["missing/world.yaml", "."])
def test_generate_to_an_unwritable_out_says_where_and_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    out = tmp_path / where
    result = runner.invoke(
        app, ["generate", "--tasks", "3", "--volunteers", "2", "--out", str(out)]
    )
    assert result.exit_code == 2, result.output  # a traceback would be exit 1
    assert f"cannot write the generated week to {out}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["token", "create", "--role", "admin"], ["serve"]]
)
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:///{tmp}/missing/x.db", "sqlite:///{tmp}/missing/x.db"),
        ("postgresql://bob:s3cret@127.0.0.1:1/x", "postgresql://bob:***@127.0.0.1:1/x"),
        ("nonsense", "'nonsense'"),
    ],
)
def test_a_database_that_cannot_be_opened_is_named_password_hidden_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], url: str, shown: str
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    monkeypatch.setattr(service, "_address_free", lambda server: None)  # 8000 may be taken
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output  # a traceback would be exit 1
    assert f"cannot open the database {shown.format(tmp=tmp_path)}: " in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("port", ["99999", "-5", "0"])
def test_serve_refuses_a_port_out_of_range_before_opening_anything(port: str) -> None:
    """`serve --port 99999` ended in uvicorn's OverflowError traceback."""
    result = runner.invoke(app, ["serve", "--port", port])
    assert result.exit_code == 2, result.output
    assert "--port" in result.output and "Traceback" not in result.output


def test_check_refuses_a_plan_nested_past_any_depth_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    plan = tmp_path / "plan.json"
    plan.write_text("[" * 100_000 + "]" * 100_000)
    result = runner.invoke(app, ["check", str(SAMPLE), "--plan", str(plan)])
    assert result.exit_code == 2, result.output  # a traceback would be exit 1
    assert "nested deeper than 32 levels" in result.output


def test_serve_keeps_one_demo_admin_token_and_writes_it_for_scripts(
    database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Found by probing: each `serve --admin-token` start added another admin token that never
    expired."""
    from api.app import open_infrastructure
    from api.settings import Settings

    monkeypatch.setattr("mutualaid.cli.service.run_server", lambda server: None)
    secrets = []
    for _ in range(2):
        started = runner.invoke(app, ["serve", "--admin-token"])
        assert started.exit_code == 0, started.output
        written = tmp_path / ".demo-token"
        assert written.stat().st_mode & 0o777 == 0o600
        secrets.append(written.read_text().strip())
        assert secrets[-1] in started.output and ".demo-token" in started.output
    first, second = secrets
    with open_infrastructure(Settings.from_env()) as infra:
        assert access.authenticate(infra.reader(), first) is None  # revoked at the restart
        assert access.authenticate(infra.reader(), second) is not None
        demo = [t for t in access.list_tokens(infra.reader(), access.CLI) if t.name == "demo"]
    assert [t.revoked_at is None for t in demo] == [False, True]


def test_token_create_takes_an_expiry(database: str) -> None:
    made = runner.invoke(app, ["token", "create", "--role", "admin", "--expires-in", "30d"])
    assert made.exit_code == 0, made.output
    from api.app import open_infrastructure
    from api.settings import Settings

    with open_infrastructure(Settings.from_env()) as infra:
        (token,) = access.list_tokens(infra.reader(), access.CLI)
    assert token.expires_at is not None
    assert 29.9 < (token.expires_at - token.created_at).total_days() <= 30
    for bad in ("soon", "0d", "-3d", "4000d"):
        refused = runner.invoke(app, ["token", "create", "--role", "admin", "--expires-in", bad])
        assert refused.exit_code == 2, refused.output
        assert "--expires-in" in refused.output


def test_serve_prints_the_pages_and_sign_in_tokens_kept_for_the_next_start(
    database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("mutualaid.cli.service.run_server", lambda server: None)
    kept = tmp_path / "tokens.json"
    args = ["serve", "--port", "8123", "--load", str(SAMPLE), "--page-tokens", str(kept)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "in a browser: http://127.0.0.1:8123/" in first.output
    assert "http://127.0.0.1:8123/my?week=2026-11-30" in first.output
    secrets = [line.strip() for line in first.output.splitlines() if line.strip().startswith("ma_")]
    assert len(secrets) == 2
    assert kept.stat().st_mode & 0o077 == 0  # the owner's only
    again = runner.invoke(app, args)
    assert [line.strip() for line in again.output.splitlines()
            if line.strip().startswith("ma_")] == secrets  # fmt: skip
    from api.app import open_infrastructure
    from api.settings import Settings

    with open_infrastructure(Settings.from_env()) as infra:
        roles = [access.authenticate(infra.reader(), s) for s in secrets]
        tokens = access.list_tokens(infra.reader(), access.CLI)
    assert [(a.role, a.volunteer) for a in roles if a] == [
        ("coordinator", None),
        ("volunteer", "v-wang"),
    ]
    assert len(tokens) == 2  # none made again


def test_solve_in_chinese_shows_every_reason_and_suggestion_whole_on_a_narrow_console(
    tmp_path: Path,
) -> None:
    """Rich cut table cells it could not wrap at a space with '…': Chinese has no spaces, so
    at 80 columns the zh reasons and suggestions lost their ends ('……性…'). Cells fold."""
    week = Path(__file__).parents[2] / "scenarios" / "09-edge-reason-codes.yaml"
    args = ["solve", str(week), "--suggest", "--out", str(tmp_path / "plan.json")]
    shown = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "zh", "COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.output
    flat = re.sub(r"[\s│]", "", shown.output)
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert any(u.get("suggestions") for u in plan["unserved"])
    for unserved in plan["unserved"]:
        assert re.sub(r"\s", "", unserved["detail"]) in flat
        for s in unserved.get("suggestions", ()):
            assert re.sub(r"\s", "", s["text"]) in flat


def test_generate_says_what_it_wrote_without_a_wrong_plural(tmp_path: Path) -> None:
    """It said 'wrote …: 3 tasks, 1 volunteers, 1 subdistricts' (found by the outsider's
    attack): the counts follow their names, right for one and many."""
    out = tmp_path / "week.yaml"
    args = [
        "generate",
        "--tasks",
        "3",
        "--volunteers",
        "1",
        "--subdistricts",
        "1",
        "--out",
        str(out),
    ]
    said = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "en", "COLUMNS": "200"})
    assert said.exit_code == 0, said.output
    assert "1 volunteers" not in said.output and "volunteers 1" in said.output


def test_solve_in_chinese_words_each_reason_and_keeps_its_code_in_the_plan(
    tmp_path: Path,
) -> None:
    """The reason column printed the codes (`no_skill`) in the zh output: it prints the
    catalogue's words for them; the plan JSON keeps the codes, which `expect:` blocks name."""
    from mutualaid.domain.plan import REASONS
    from mutualaid.messages import msg_in

    week = Path(__file__).parents[2] / "scenarios" / "09-edge-reason-codes.yaml"
    args = ["solve", str(week), "--out", str(tmp_path / "plan.json")]
    shown = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "zh", "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    codes = {u["reason"] for u in plan["unserved"]}
    assert len(codes) >= 3 and codes <= set(REASONS)
    flat = re.sub(r"[\s│]", "", shown.output)
    for code in REASONS:
        assert code not in shown.output
    for code in codes:
        assert re.sub(r"\s", "", msg_in("zh", f"cli_reason_{code}")) in flat


def test_solve_in_chinese_names_each_priority_and_the_status_in_chinese(tmp_path: Path) -> None:
    """The coverage table's priority column and the status line printed the codes (`high`,
    `normal`, `optimal`) in the zh output, beside a gap line that says 紧急/高/普通/低; en keeps
    the codes (the plan JSON's words)."""
    week = Path(__file__).parents[2] / "scenarios" / "09-edge-reason-codes.yaml"
    args = ["solve", str(week), "--out", str(tmp_path / "plan.json")]
    shown = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "zh", "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    for code in ("optimal", "high", "normal", "low"):
        assert not re.search(rf"\b{code}\b", shown.output), (code, shown.output)
    assert "最优" in shown.output and "普通" in shown.output
    shown = CliRunner().invoke(app, args, env={"MUTUALAID_LANG": "en", "COLUMNS": "200"})
    flat = " ".join(shown.output.split())  # however the console wraps its lines
    assert "status optimal" in flat and re.search(r"\bnormal\b", flat)


@pytest.mark.parametrize(("lang", "words"), [("en", "in use"), ("zh", "已被占用")])
def test_serve_on_a_port_already_taken_says_so_before_any_work(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    """`make demo` beside another server on 8000 loaded the sample, made and printed an admin
    token and the pages' tokens, said 'mutualaid serves at http://127.0.0.1:8000', and only
    then uvicorn said '[Errno 98] ... address already in use' (English) and make 'Error 3'."""
    import socket

    monkeypatch.setenv("MUTUALAID_LANG", lang)
    monkeypatch.setattr(service, "_address_free", ADDRESS_FREE)
    served: list[object] = []
    monkeypatch.setattr("mutualaid.cli.service.run_server", served.append)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = runner.invoke(app, ["serve", "--port", str(port), "--load", str(SAMPLE),
                                     "--area", "jingbalu", "--admin-token"])  # fmt: skip
    assert result.exit_code == 2 and not served, result.output
    assert words in result.output and f"127.0.0.1:{port}" in result.output
    assert "MUTUALAID_PORT" in result.output and "Traceback" not in result.output
    assert "ma_" not in result.output and not (tmp_path / ".demo-token").exists()
    assert not (tmp_path / "cli.db").exists()  # nothing loaded: the next start loads it
