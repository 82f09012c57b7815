"""Every file or folder of the house that the README and docs/ name in backticks exists: after
the house moved, the README still sent readers to `api/settings.py` for the settings and
docs/architecture.md to `messages.py`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = ("mutualaid", "api", "solver", "worldgen", "bench", "tests", "scenarios", "docs")
NAMED = re.compile(rf"`((?:{'|'.join(TOP)})/[A-Za-z0-9_./-]*)`")


def _named(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    return sorted({m.rstrip("/.") for m in NAMED.findall(text) if "*" not in m and "…" not in m})


def _exists(path: str) -> bool:
    """The path, or a short name for one (`scenarios/08` for scenarios/08-contended-...)."""
    where = ROOT / path
    return where.exists() or any(where.parent.glob(f"{where.name}-*"))


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_path_the_docs_name_exists(doc: Path) -> None:
    missing = [p for p in _named(doc) if not _exists(p)]
    assert not missing, f"{doc.name} names paths that do not exist: {missing}"


def test_the_settings_are_named_where_they_are_read() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "one place (`mutualaid/config.py`" in readme
