"""The package's imports run one way: scripts -> studies -> cli -> run -> rl -> tasks -> mdp/terrains/robots/warp ->
common, and no modules import each other round in a circle.

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
    "rl": 3,  # the PPO runtime: backends and what a training loop needs around them
    "run": 4,  # a run built from what was asked: spec, configs, folders, policies, video
    "cli": 5,  # the entry points' mains and flags
    "studies": 6,
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
    assert {"cli/train.py", "studies/sweep.py", "mdp/rewards.py", "tasks/walk_env_cfg.py"} <= set(checked)


def test_the_check_flags_upward_imports():
    """The negative control: a layer-1 module importing run or studies (relative, absolute, inside a function)
    is reported line by line; its own layer, a lower one and other packages are not."""
    source = (
        "import torch\nfrom ..run import spec\nfrom . import rewards\nfrom ..common import errors\n\n\n"
        "def f():\n    import ext_walk_minutes.studies.sweep\n"
    )
    assert _upward_imports(Path("mdp/rewards.py"), source) == [
        "mdp/rewards.py:2 (mdp) imports run",
        "mdp/rewards.py:8 (mdp) imports studies",
    ]
    assert _upward_imports(Path("studies/sweep.py"), source) == []


def test_the_check_resolves_imports():
    """Relative (``..studies``, ``.backends``) and absolute imports, at the top and inside functions."""
    source = (
        "from ..studies import outputs\nfrom . import backends\nfrom .. import tasks\nimport torch\n\n\n"
        "def f():\n    from ext_walk_minutes.studies import sweep\n"
    )
    assert [target for _, target in _imported_layers(source, ("ext_walk_minutes", "run"))] == [
        "studies",
        "run",
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


def _module_imports(path: Path) -> set[str]:
    """The package's modules ``path`` imports (dotted, under ``ext_walk_minutes``), at the top or inside functions;
    ``from package import name`` counts as the module ``package.name`` where that is a module."""
    relative = path.relative_to(PACKAGE).with_suffix("")
    package_parts = ("ext_walk_minutes", *relative.parts[:-1])
    if relative.name == "__init__":
        package_parts = ("ext_walk_minutes", *relative.parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package_parts[: len(package_parts) - node.level + 1] if node.level else ()
            target = [*base, *(node.module.split(".") if node.module else [])]
            candidates = [[*target, alias.name] for alias in node.names] + [target]
        elif isinstance(node, ast.Import):
            candidates = [alias.name.split(".") for alias in node.names]
        else:
            continue
        for name in candidates:
            if name[:1] != ["ext_walk_minutes"]:
                continue
            module = PACKAGE.joinpath(*name[1:])
            if module.with_suffix(".py").is_file() or (module / "__init__.py").is_file():
                found.add(".".join(name))
                break
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(("ext_walk_minutes", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle of ``graph`` (module -> modules it imports), each once, by a depth-first walk."""
    circles, done = [], set()

    def walk(module: str, trail: list[str]) -> None:
        if module in trail:
            circle = trail[trail.index(module) :]
            if set(circle) not in [set(c) for c in circles]:
                circles.append(circle)
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            walk(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
    return circles


def test_no_import_circle():
    """No two modules import each other, directly or round a longer circle (a lazy import inside a function counts:
    it only hides the circle until the function runs)."""
    graph = {_module_name(path): _module_imports(path) for path in sorted(PACKAGE.rglob("*.py"))}
    graph = {module: {t for t in targets if t != module} for module, targets in graph.items()}
    # a package's __init__ importing its own submodules is how a package lists them, not a circle
    graph = {m: {t for t in targets if not t.startswith(m + ".")} for m, targets in graph.items()}
    assert "ext_walk_minutes.rl.checkpoint_files" in graph["ext_walk_minutes.rl.backends"]
    assert _circles(graph) == []


def test_the_circle_check_finds_circles():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_the_package_map_names_every_subpackage():
    """The package docstring's layout lists every subpackage and top-level module (a new one cannot hide)."""
    import ext_walk_minutes

    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if not p.name.startswith(("_", "."))}
    parts = {p for p in parts if (PACKAGE / p).is_dir() and (PACKAGE / p / "__init__.py").is_file() or p in LAYERS}
    missing = [p for p in sorted(parts) if f":mod:`.{p}`" not in ext_walk_minutes.__doc__]
    assert not missing, f"add {missing} to the layout in ext_walk_minutes/__init__.py"
    assert parts >= {"rl", "run", "cli", "studies", "robots"}
