"""The package's imports run one way: scripts -> studies -> train -> tasks -> mdp/terrains/robots/warp -> common.

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
    "warp": 1,  # the Warp-frontend twins of mdp and envs
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


def _upward_imports(relative: Path, source: str) -> list[str]:
    """The imports of ``source``, the package's module at ``relative`` (e.g. ``mdp/rewards.py``), that point up."""
    own = relative.parts[0].removesuffix(".py")
    package_parts = ("ext_walk_minutes", *relative.parts[:-1])
    upward = []
    for line, target in _imported_layers(source, package_parts):
        assert target in LAYERS, f"{relative}:{line} imports {target}, which has no layer"
        if LAYERS[target] > LAYERS[own]:
            upward.append(f"{relative}:{line} ({own}) imports {target}")
    return upward


def test_every_import_points_down():
    upward, checked = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _layer_of(path) not in LAYERS:
            continue  # the package's __init__
        upward += _upward_imports(path.relative_to(PACKAGE), path.read_text())
        checked.append(path.relative_to(PACKAGE).as_posix())
    assert not upward, "\n".join(upward)
    # the walk saw the package (a wrong PACKAGE path would check nothing and pass)
    assert {"train/train_main.py", "studies/sweep.py", "mdp/rewards.py", "tasks/walk_env_cfg.py"} <= set(checked)


def test_the_check_flags_upward_imports():
    """The negative control: a layer-1 module importing train or studies (relative, absolute, inside a function)
    is reported line by line; its own layer, a lower one and other packages are not."""
    source = (
        "import torch\nfrom ..train import session\nfrom . import rewards\nfrom ..common import errors\n\n\n"
        "def f():\n    import ext_walk_minutes.studies.sweep\n"
    )
    assert _upward_imports(Path("mdp/rewards.py"), source) == [
        "mdp/rewards.py:2 (mdp) imports train",
        "mdp/rewards.py:8 (mdp) imports studies",
    ]
    assert _upward_imports(Path("studies/sweep.py"), source) == []


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
    scripts = sorted((REPO / "scripts").glob("*.py"))
    assert {"train.py", "play.py", "evaluate.py"} <= {path.name for path in scripts}
    for path in scripts:
        tree = ast.parse(path.read_text())
        ours = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("ext_")]
        assert ours, f"{path.name} does not call into the package"
