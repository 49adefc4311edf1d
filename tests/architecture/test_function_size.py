"""Functions a reader can hold: every ``main()`` of the package and of scripts/ is at most 40 lines, and no function
is over 80 (parsed, not imported).

A function's length runs from its ``def`` line to its last line, docstring, comments and blank lines included
(decorators not); a nested function counts within its parent and on its own. The longest functions are printed
(``pytest -s``) so the next one to cut is in view.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

PACKAGE = REPO / "source" / "ext_walk_minutes" / "ext_walk_minutes"
SCRIPTS = REPO / "scripts"
MAIN_LINES = 40
FUNCTION_LINES = 80

ALLOWED_LONG: dict[str, str] = {}
"""``"<path from the repository root>::<function>"`` -> why it cannot be cut: functions allowed over
:data:`FUNCTION_LINES` (a ``main`` over :data:`MAIN_LINES`). Each entry must still be long (a stale one fails)."""


def functions(source: str, path: str) -> list[tuple[int, str]]:
    """``(lines, "<path>::<name>")`` of every function (and method) in ``source``, the file at ``path``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((node.end_lineno - node.lineno + 1, f"{path}::{node.name}"))
    return found


def too_long(found: list[tuple[int, str]], exempt: set[str] | dict[str, str] = frozenset()) -> list[str]:
    """``found``'s functions over their limit (``main``: :data:`MAIN_LINES`, any: :data:`FUNCTION_LINES`), those
    in ``exempt`` aside, as ``"<path>::<name>: <lines> lines (limit N)"``."""
    over = []
    for lines, key in found:
        limit = MAIN_LINES if key.endswith("::main") else FUNCTION_LINES
        if lines > limit and key not in exempt:
            over.append(f"{key}: {lines} lines (limit {limit})")
    return over


def _files() -> list[Path]:
    """Every module of the package and every script (the scripts are thin: their mains live in the package)."""
    return sorted(PACKAGE.rglob("*.py")) + sorted(SCRIPTS.glob("*.py"))


def _all_functions() -> list[tuple[int, str]]:
    found = []
    for path in _files():
        found += functions(path.read_text(encoding="utf-8"), path.relative_to(REPO).as_posix())
    return found


def _synthetic(name: str, lines: int) -> str:
    """A module with one function ``name`` of exactly ``lines`` lines."""
    return f"def {name}():\n" + "    x = 1\n" * (lines - 2) + "    return x\n"


def test_the_count_is_def_to_last_line():
    source = '@decorator\ndef main():\n    """Doc."""\n\n    # why\n    return 0\n'
    assert functions(source, "m.py") == [(5, "m.py::main")]


def test_a_41_line_main_is_flagged_and_a_40_line_one_is_not():
    assert too_long(functions(_synthetic("main", 41), "m.py")) == ["m.py::main: 41 lines (limit 40)"]
    assert too_long(functions(_synthetic("main", 40), "m.py")) == []
    assert too_long(functions(_synthetic("build", 41), "m.py")) == []  # only main has the 40-line rule
    assert too_long(functions(_synthetic("build", 81), "m.py")) == ["m.py::build: 81 lines (limit 80)"]
    assert too_long(functions(_synthetic("main", 41), "m.py"), {"m.py::main"}) == []


def test_the_package_and_scripts_are_parsed():
    files = {path.relative_to(REPO).as_posix() for path in _files()}
    assert {"scripts/train.py", "scripts/play.py", "source/ext_walk_minutes/ext_walk_minutes/cli/train.py"} <= files
    found = _all_functions()
    assert sum(key.endswith("::main") for _, key in found) >= 10  # the studies' and entry points' mains
    assert len(found) > 500


def test_every_main_at_most_40_lines():
    found = [(lines, key) for lines, key in _all_functions() if key.endswith("::main")]
    over = too_long(found, set(ALLOWED_LONG))
    assert not over, "main() over 40 lines; cut it into named steps:\n" + "\n".join(over)


def test_no_function_over_80_lines():
    found = sorted(_all_functions(), reverse=True)
    print("\nlongest functions:\n" + "\n".join(f"{lines:4d} {key}" for lines, key in found[:15]))
    over = too_long([(lines, key) for lines, key in found if not key.endswith("::main")], set(ALLOWED_LONG))
    assert not over, "functions over 80 lines; cut them into named steps:\n" + "\n".join(over)
    lengths = {key: lines for lines, key in found}
    stale = [
        key for key in ALLOWED_LONG if lengths.get(key, 0) <= (MAIN_LINES if key.endswith("::main") else FUNCTION_LINES)
    ]
    assert not stale, f"ALLOWED_LONG names functions that are short now (or gone): {stale}; remove them"
