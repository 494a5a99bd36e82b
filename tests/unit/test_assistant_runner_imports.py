"""The assistant's conversation runner starts from Rasa's own environment (Python 3.10, pydantic 1).

It imports tests.support.rasa, so that module, and every module of ours it imports at load time,
must stand on the standard library and pytest alone; an import of the app's packages there broke
`make test` before the unit tests ever ran.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ALLOWED_THIRD_PARTY = {"pytest"}


def _top_level_imports(path: Path) -> set[str]:
    """Module names imported at module level (not inside functions) by one file."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _closure(start: str) -> dict[str, set[str]]:
    """Every module of ours reached at load time from `start`, with what each imports."""
    seen: dict[str, set[str]] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        path = REPO / (module.replace(".", "/") + ".py")
        seen[module] = _top_level_imports(path)
        todo.extend(name for name in seen[module] if name.startswith("tests.support."))
    return seen


def test_runner_support_modules_need_only_the_standard_library_and_pytest():
    """tests.support.rasa and what it loads import nothing outside the stdlib, pytest and itself."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    offending = {
        module: sorted(
            name for name in imports
            if name.split(".")[0] not in stdlib
            and name.split(".")[0] not in ALLOWED_THIRD_PARTY
            and not name.startswith("tests.support."))
        for module, imports in _closure("tests.support.rasa").items()
    }
    assert {m: names for m, names in offending.items() if names} == {}
    assert "tests.support.clock" in _closure("tests.support.rasa")
