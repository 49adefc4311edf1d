"""The package's imports run one way: scripts -> studies -> train -> tasks -> mdp/terrains/robots -> common.

A module may import its own layer and the layers below it, never one above (parsed, not imported: a lazy import
inside a function counts too).
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import REPO

PACKAGE = REPO / "source" / "ext_walk_minutes" / "ext_walk_minutes"
LAYERS = {  # top-level subpackage or module -> layer (higher imports lower)
    "common": 0,
    "device": 0,
    "agents": 1,
    "envs": 1,
    "mdp": 1,
    "robots": 1,
    "terrains": 1,
    "tasks": 2,
    "train": 3,
    "studies": 4,
}


def _layer_of(module_path: Path) -> str:
    parts = module_path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if parts[0] != "__init__" else ""


def _imported_layers(source: str, package_parts: tuple[str, ...]) -> list[tuple[int, str]]:
    """``(line, top-level name)`` of every import of our package in ``source``, a module of the package
    ``package_parts`` (e.g. ``("ext_walk_minutes", "train")``), relative imports resolved."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [target] if node.module else [[*base, alias.name] for alias in node.names]
            else:
                names = [(node.module or "").split(".")]
        elif isinstance(node, ast.Import):
            names = [alias.name.split(".") for alias in node.names]
        else:
            continue
        found += [(node.lineno, name[1]) for name in names if name[0] == "ext_walk_minutes" and len(name) > 1]
    return found


def test_every_import_points_down():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _layer_of(path)
        if own not in LAYERS:
            continue  # the package's __init__
        package_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
        for line, target in _imported_layers(path.read_text(), package_parts):
            assert target in LAYERS, f"{path.relative_to(PACKAGE)}:{line} imports {target}, which has no layer"
            if LAYERS[target] > LAYERS[own]:
                upward.append(f"{path.relative_to(PACKAGE)}:{line} ({own}) imports {target}")
    assert not upward, "\n".join(upward)


def test_the_check_resolves_imports():
    """Relative (``..studies``, ``.backends``) and absolute imports, at the top and inside functions."""
    source = (
        "from ..studies import outputs\nfrom . import backends\nfrom .. import tasks\nimport torch\n\n\n"
        "def f():\n    from ext_walk_minutes.studies import sweep\n"
    )
    assert [target for _, target in _imported_layers(source, ("ext_walk_minutes", "train"))] == [
        "studies",
        "train",
        "tasks",
        "studies",
    ]


def test_scripts_import_only_the_package():
    for path in sorted((REPO / "scripts").glob("*.py")):
        tree = ast.parse(path.read_text())
        ours = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("ext_")]
        assert ours, f"{path.name} does not call into the package"
