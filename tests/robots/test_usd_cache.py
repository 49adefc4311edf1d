"""The robot USD cache: written on first use, never on import; keyed on the description data and the USD writer."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ext_walk_minutes
from ext_walk_minutes.robots import ANYMAL_C, DESCRIPTIONS
from ext_walk_minutes.robots.usd_cache import cache_key, usd_path

PACKAGE = Path(ext_walk_minutes.__file__).parent
KEY_OF_ANYMAL_C = (
    "import ext_walk_minutes; from ext_walk_minutes.robots import ANYMAL_C; "
    "from ext_walk_minutes.robots.usd_cache import cache_key; "
    "print(ext_walk_minutes.__file__, cache_key(ANYMAL_C))"
)


def _python(code: str, cache: Path, pythonpath: Path | None = None) -> str:
    """Stdout of ``code`` run by a fresh interpreter with ``cache`` as the cache dir (``pythonpath`` first)."""
    env = dict(os.environ, EXT_WALK_MINUTES_CACHE=str(cache), OMP_NUM_THREADS="1")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, timeout=300, capture_output=True, text=True
    ).stdout


def test_importing_the_tasks_leaves_an_empty_cache_empty(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    _python("import ext_walk_minutes.tasks", cache)  # registers every task (what `isaaclab list_envs` does)
    assert list(cache.iterdir()) == []
    # the first use writes into that folder, so the check above would see a file written on import
    monkeypatch.setenv("EXT_WALK_MINUTES_CACHE", str(cache))
    assert Path(usd_path(ANYMAL_C)).is_relative_to(cache)


def test_cache_key_follows_the_description_data():
    key = cache_key(ANYMAL_C)
    assert cache_key(dataclasses.replace(ANYMAL_C, bodies=tuple(ANYMAL_C.bodies))) == key  # equal data, new value
    base = ANYMAL_C.body("base")
    heavier = dataclasses.replace(base, inertial=dataclasses.replace(base.inertial, mass=base.inertial.mass + 1.0))
    assert cache_key(dataclasses.replace(ANYMAL_C, bodies=(heavier, *ANYMAL_C.bodies[1:]))) != key
    assert cache_key(DESCRIPTIONS["anymal_c"]["detailed"]) != key  # same robot, other colliders


def test_cache_key_reads_the_writer_source_and_no_other_module(tmp_path):
    """Edited text in the description, mirroring and robot modules keeps the key; an edited writer changes it."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "ext_walk_minutes", ignore=shutil.ignore_patterns("__pycache__"))
    robots = copy / "ext_walk_minutes" / "robots"

    def edit(module: str) -> None:
        with open(robots / module, "a") as f:
            f.write("\n# an edited comment\n")

    for module in ("description.py", "mirroring.py", "merging.py", "anymal_c.py", "usd_cache.py"):
        edit(module)
    file, key = _python(KEY_OF_ANYMAL_C, tmp_path / "cache", copy).split()
    assert Path(file).is_relative_to(copy)  # the edited copy ran, not the installed package
    assert key == cache_key(ANYMAL_C)
    edit("usd_writer.py")
    assert _python(KEY_OF_ANYMAL_C, tmp_path / "cache", copy).split()[1] != key
