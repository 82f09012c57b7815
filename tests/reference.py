"""The reference checker (../shared/tools/checkplan.py), written apart from the project, loaded
as a module so tests can hold our plans against it."""

from __future__ import annotations

import functools
import gc
import importlib.util
import json
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

CHECKER = Path(__file__).resolve().parent.parent.parent / "shared" / "tools" / "checkplan.py"


@functools.cache
def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("checkplan", CHECKER)
    assert spec is not None and spec.loader is not None, f"reference checker missing: {CHECKER}"
    module = importlib.util.module_from_spec(spec)
    sys.modules["checkplan"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def reference_check(
    scenario: Path | dict[str, Any], plan: dict[str, Any], tmp: Path
) -> tuple[list[str], dict[str, Any]]:
    """(violations, figures) from the reference checker for a scenario file or dict."""
    if isinstance(scenario, dict):
        path = tmp / "scenario.yaml"
        path.write_text(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False))
    else:
        path = scenario
    plan_path = tmp / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    mod = checker()
    with warnings.catch_warnings():
        # the checker opens files without closing them; that is its business, not a failure
        warnings.simplefilter("ignore", ResourceWarning)
        world = mod.load(str(path))
        gc.collect()
    errs, figures = mod.check(world, json.loads(plan_path.read_text()))
    return list(errs), dict(figures)
