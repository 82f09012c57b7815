"""The reference checker (../shared/tools/checkplan.py), written apart from the project, loaded
as a module so tests can hold our plans against it."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import yaml

CHECKER = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "checkplan.py"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def checker() -> ModuleType:
    """The checker as a module; the test is skipped, naming where it was looked for, in a
    clone without the shared contract checkout beside it (`git clone` elsewhere)."""
    if not CHECKER.is_file():
        import pytest

        pytest.skip(
            f"the reference checker {CHECKER} is not here: the shared contract checkout goes "
            "beside this one (../shared); without it the tests holding plans against it skip"
        )
    spec = importlib.util.spec_from_file_location("checkplan", CHECKER)
    assert spec is not None and spec.loader is not None, f"reference checker missing: {CHECKER}"
    module = importlib.util.module_from_spec(spec)
    sys.modules["checkplan"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _LibYaml:
    """The checker's `yaml` while it reads a world the tests wrote themselves: PyYAML's safe
    constructor on libyaml's parser instead of the pure-Python one (a random world's file took
    most of a property example's time to parse). Files of the repository (scenarios, worlds)
    are still read by the checker's own `yaml.safe_load`, whatever their YAML holds."""

    @staticmethod
    def safe_load(stream: IO[str]) -> Any:
        return yaml.load(stream, Loader=_LOADER)


def write_world(world: dict[str, Any], path: Path) -> Path:
    """A world written as YAML (plain data: what `yaml.safe_dump` writes, with libyaml)."""
    path.write_text(
        yaml.dump(world, Dumper=_DUMPER, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def load_world(path: Path, *, ours: bool = True) -> Any:
    """The checker's own reading of a scenario file; `ours`: a file `write_world` wrote."""
    mod = checker()
    if not ours:
        return mod.load(str(path))
    own = getattr(mod, "yaml")  # noqa: B009  (a module's attribute mypy cannot see)
    setattr(mod, "yaml", _LibYaml)  # noqa: B010
    try:
        return mod.load(str(path))
    finally:
        setattr(mod, "yaml", own)  # noqa: B010


def reference_check(
    scenario: Path | dict[str, Any], plan: dict[str, Any], tmp: Path
) -> tuple[list[str], dict[str, Any]]:
    """(violations, figures) from the reference checker for a scenario file or dict."""
    if isinstance(scenario, dict):
        world = load_world(write_world(scenario, tmp / "scenario.yaml"))
    else:
        world = load_world(scenario, ours=False)
    plan_path = tmp / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    errs, figures = checker().check(world, json.loads(plan_path.read_text()))
    return list(errs), dict(figures)
