"""The services' ports speak domain types (issue 8, item 2): no `Json`, no `dict[str, Any]`
(nor a Mapping of it) in any signature, record or alias of `mutualaid/services/ports.py`
and `*_ports.py`,
and no import of the contract's formats there. JSON is for the edges (the API's answers, the
CLI's output) and the adapters' columns. Nor does a use case turn a roster entry or a stored
task into the contract's dict to read it (`roster.to_json`, `export.stored_task_json`): it
reads the domain object's attributes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "mutualaid" / "services"
PORTS = [SERVICES / "ports.py", *sorted(SERVICES.glob("*_ports.py"))]
PLAIN_DATA = re.compile(r"\bJson\b|\b(dict|Dict|Mapping|MutableMapping)\[str, *(Any|object)\]")


def _annotations(tree: ast.AST) -> list[ast.expr]:
    """Every annotation and every top-level alias value of the module."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns:
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    if isinstance(tree, ast.Module):
        found += [n.value for n in tree.body if isinstance(n, ast.Assign)]
    return found


def plain_data_in(source: str) -> list[str]:
    """Where a port's text speaks the contract's plain data instead of domain types."""
    tree = ast.parse(source)
    found = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in _annotations(tree)
        if PLAIN_DATA.search(ast.unparse(node))
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "mutualaid.contract"
        ):
            found.append(f"line {node.lineno}: imports {node.module}")
        if isinstance(node, ast.ImportFrom) and any(a.name == "Json" for a in node.names):
            found.append(f"line {node.lineno}: imports Json")
    return found


def test_the_ports_are_found() -> None:
    assert all(p.is_file() for p in PORTS) and len(PORTS) >= 4


def test_no_port_speaks_json() -> None:
    found = {p.name: plain_data_in(p.read_text(encoding="utf-8")) for p in PORTS}
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_check_sees_json_coming_back() -> None:
    """The check itself: each way plain data could come back into a port is seen."""
    back = [
        "Json = dict[str, Any]",
        "class R:\n    result: Json | None",
        "class R:\n    detail: dict[str, Any]",
        "def finish(self, result: Mapping[str, Any]) -> None: ...",
        "def export(self) -> dict[str, object]: ...",
        "from mutualaid.contract.plan_json import dump",
        "from mutualaid.contract.data import Json",
    ]
    assert all(plain_data_in(text) for text in back)
    assert plain_data_in("class R:\n    result: Plan | None\n    detail: Facts") == []


ROUND_TRIPS = {
    "mutualaid.contract.roster": "to_json",
    "mutualaid.contract.export": "stored_task_json",
}
"""The contract's dict of a domain object, by the module that makes it: the edges' form."""


def round_trips_in(source: str) -> list[str]:
    """Where a module takes the contract's dict of a roster entry or stored task, however it
    imports it (the name, its module under any alias, or the whole dotted path)."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # a local name -> the contract module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                whole = f"{node.module}.{a.name}"
                if ROUND_TRIPS.get(node.module or "") == a.name:
                    found.append(f"line {node.lineno}: imports {whole}")
                elif whole in ROUND_TRIPS:
                    modules[a.asname or a.name] = whole
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in ROUND_TRIPS:
                    modules[a.asname or a.name] = a.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            module = modules.get(ast.unparse(node.value), ast.unparse(node.value))
            if ROUND_TRIPS.get(module) == node.attr:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


def test_no_use_case_turns_a_domain_object_into_the_contracts_dict() -> None:
    found = {
        p.name: round_trips_in(p.read_text(encoding="utf-8")) for p in sorted(SERVICES.glob("*.py"))
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_the_check_sees_a_round_trip_however_it_is_imported() -> None:
    back = [
        "from mutualaid.contract.roster import to_json as roster_json",
        "from mutualaid.contract.export import stored_task_json",
        "from mutualaid.contract import export\nexport.stored_task_json(t)",
        "from mutualaid.contract import roster as r\nr.to_json(v)",
        "import mutualaid.contract.export\nmutualaid.contract.export.stored_task_json(t)",
        "import mutualaid.contract.roster as roster\nroster.to_json(v)",
    ]
    assert [text for text in back if not round_trips_in(text)] == []
    fine = [
        "from mutualaid.contract import export\nexport.stored_task(value)",
        "from mutualaid.contract.roster import volunteer",
        "from mutualaid.contract.plan_json import to_json",
        "plan.to_json()",
    ]
    assert [text for text in fine if round_trips_in(text)] == []
