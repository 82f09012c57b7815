"""`mutualaid token create` and `mutualaid serve` (up to where uvicorn would take over)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.services import access

from .conftest import SAMPLE

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALAID_LANG", "en")
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
    monkeypatch.setattr("api.app.run", served.append)
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
    missing = runner.invoke(app, ["serve", "--load", "nope.yaml", "--area", "x"])
    assert missing.exit_code == 2


def test_serve_prints_the_pages_and_sign_in_tokens_kept_for_the_next_start(
    database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("api.app.run", lambda settings: None)
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
