"""The package's metadata as a fresh `make demo` builds it: setuptools since 77 printed a
boxed warning on every install of a licence written as a TOML table ("By 2027-Feb-18, you
need to update your project ... or your builds will no longer be supported")."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_licence_is_an_spdx_expression_read_by_the_setuptools_required() -> None:
    project = tomllib.loads(PYPROJECT.read_text("utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    (requirement,) = [r for r in project["build-system"]["requires"] if "setuptools" in r]
    found = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", requirement)
    assert found and int(found.group(1)) >= 77  # SPDX strings in `license` since 77


@pytest.mark.slow
def test_the_editable_install_that_make_runs_prints_no_warning_box(tmp_path: Path) -> None:
    """`make demo`'s `pip install -e` as a new user sees it (pip 26 shows the build backend's
    warnings): four top-level packages found from the root made setuptools 80+ install a meta
    path finder behind a boxed "Editable installation" warning. Installed into a prefix of its
    own, beside this venv's own install (`--ignore-installed`: nothing of it is uninstalled)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--ignore-installed",
            "--no-input",
            "--disable-pip-version-check",
            "-e",
            str(PYPROJECT.parent),
            "--prefix",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    said = [
        line for line in (done.stdout + done.stderr).splitlines() if "Location 'file" not in line
    ]
    assert not [line for line in said if "Warning" in line or line.strip() == "!!"], "\n".join(said)
    (pth,) = tmp_path.glob("lib/python*/site-packages/__editable__.mutualaid-*.pth")
    assert pth.read_text("utf-8").split() == [str(PYPROJECT.parent)]
