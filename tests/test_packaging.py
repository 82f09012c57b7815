"""The package's metadata as a fresh `make demo` builds it: setuptools since 77 printed a
boxed warning on every install of a licence written as a TOML table ("By 2027-Feb-18, you
need to update your project ... or your builds will no longer be supported")."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_licence_is_an_spdx_expression_read_by_the_setuptools_required() -> None:
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    (requirement,) = [r for r in project["build-system"]["requires"] if "setuptools" in r]
    found = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", requirement)
    assert found and int(found.group(1)) >= 77  # SPDX strings in `license` since 77
