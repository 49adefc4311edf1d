"""docs/add_a_robot.md, followed as written: its code blocks go into a copy of the package, whose new task is then
registered, carries the changed robot and stands under ``play.py --checkpoint zero``.

A block whose first line is ``# new file: PATH`` is written to PATH, one with ``# append to: PATH`` is appended to
it (PATH relative to the repository). The copy is put first on ``PYTHONPATH`` of the subprocesses, so the installed
package stays as it is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, run_script

pytestmark = pytest.mark.slow

RECIPE = REPO / "docs" / "add_a_robot.md"
PACKAGE = Path("source/ext_walk_minutes/ext_walk_minutes")
TASK = "Walk-Flat-AnymalCPayload"
BLOCK = re.compile(r"```python\n# (new file|append to): (\S+)\n(.*?)```", re.S)


def recipe_blocks() -> list[tuple[str, Path, str]]:
    """``(action, path, code)`` of the recipe's file blocks, in page order."""
    return [(action, Path(path), code) for action, path, code in BLOCK.findall(RECIPE.read_text())]


def test_recipe_names_its_files():
    """The recipe has the four blocks the test follows: two new files, two appends, all inside the package."""
    blocks = recipe_blocks()
    assert [action for action, _, _ in blocks] == ["new file", "append to", "new file", "append to"]
    assert all(path.is_relative_to(PACKAGE) for _, path, _ in blocks)
    assert all((REPO / path).exists() for action, path, _ in blocks if action == "append to")


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory) -> Path:
    """A copy of the package with the recipe applied; returns the folder to put on ``PYTHONPATH``."""
    root = tmp_path_factory.mktemp("recipe")
    shutil.copytree(REPO / PACKAGE, root / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    for action, path, code in recipe_blocks():
        target = root / path
        assert (action == "new file") != target.exists(), f"{action} {path}: the copy disagrees with the recipe"
        with target.open("a") as f:
            f.write(("\n" if action == "append to" else "") + code)
    return (root / PACKAGE).parent


def env_with(package_root: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(package_root), os.environ.get("PYTHONPATH", "")]))


def test_new_task_is_registered_with_the_changed_robot(package_copy):
    probe = (
        "import json, ext_walk_minutes; from ext_walk_minutes.tasks import TASKS; "
        "from ext_walk_minutes.robots import DESCRIPTIONS as D; "
        "print(json.dumps({'file': ext_walk_minutes.__file__, 'tasks': TASKS, "
        "'mass': D['anymal_c_payload']['legged_gym'].total_mass, 'anymal_c': D['anymal_c']['legged_gym'].total_mass}))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], env=env_with(package_copy), capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(seen["file"]).is_relative_to(package_copy), "the subprocess imported the installed package"
    assert {TASK, "Walk-Rough-AnymalCPayload"} <= set(seen["tasks"])
    assert seen["mass"] == pytest.approx(seen["anymal_c"] + 5.0)


def test_new_robot_stands_with_zero_actions(package_copy, tmp_path):
    """Step 4's check, smaller: 2 robots hold the default pose for 100 steps (2 s) and none falls."""
    proc = run_script(
        "play.py",
        *("--task", TASK, "--checkpoint", "zero", "--num_envs", "2", "--steps", "100", "--device", "cpu"),
        cwd=tmp_path,
        env=env_with(package_copy),
        timeout=600,
    )
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("[play] 2 robots"), proc.stdout[-2000:]
    assert last.endswith("falls 0"), last
