"""An Isaac Lab user's route works: into an environment that already has Isaac Lab 3 (installed first, as a user's
checkout or `pip install isaaclab` would have it), `pip install --no-deps -e source/ext_walk_minutes` adds our
package without touching Isaac Lab; then `isaaclab -p scripts/train.py ... --rl_library skrl` and Isaac Lab's own
`isaaclab train --rl_library rsl_rl` train our task.

The fresh environment takes the versions of uv.lock (as constraints), so its packages come from uv's cache."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import REPO, SMALL_TERRAIN

pytestmark = pytest.mark.slow  # installs Isaac Lab into a new environment, then trains

PACKAGE = REPO / "source" / "ext_walk_minutes"


def _uv() -> str:
    return os.environ.get("UV") or shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")


def _run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1"),
    )
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    )
    return proc


def _isaaclab_env(tmp_path: Path) -> Path:
    """A new virtual environment holding Isaac Lab 3.0.0 with its skrl extra and pip, at uv.lock's versions."""
    import sys

    venv = tmp_path / "isaaclab-env"
    constraints = tmp_path / "constraints.txt"
    _run(
        [
            _uv(),
            "export",
            "--frozen",
            "--no-hashes",
            "--no-dev",
            "--no-emit-workspace",
            # every extra but physx, which uv.lock resolves in a fork of its own (ovphysx pins packaging<24)
            *("--package", "ext-walk-minutes", "--extra", "all"),
            "-q",
            "-o",
            str(constraints),
        ],
        cwd=REPO,
    )
    _run([_uv(), "venv", "-q", "--seed", "--python", sys.executable, str(venv)], cwd=tmp_path)
    _run(
        [
            _uv(),
            "pip",
            "install",
            "-q",
            "--python",
            str(venv / "bin" / "python"),
            "-c",
            str(constraints),
            "isaaclab[skrl]==3.0.0",
        ],
        cwd=tmp_path,
    )
    return venv


def _installed(venv: Path, name: str) -> tuple[str, ...]:
    """The version and location of package ``name`` in ``venv`` (as ``pip show`` gives them)."""
    shown = _run([str(venv / "bin" / "pip"), "show", name], cwd=venv).stdout.splitlines()
    return tuple(line for line in shown if line.startswith(("Version:", "Location:", "Editable")))


def test_pip_install_into_an_isaaclab_environment_then_train_both_ways(tmp_path):
    venv = _isaaclab_env(tmp_path)
    isaaclab_before = _installed(venv, "isaaclab")
    _run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "-e", str(PACKAGE)], cwd=tmp_path)
    assert _installed(venv, "isaaclab") == isaaclab_before, "installing our package changed Isaac Lab"

    ours = _run(
        [
            str(venv / "bin" / "isaaclab"),
            "-p",
            str(REPO / "scripts" / "train.py"),
            "--task",
            "Walk-Flat-AnymalC",
            "--rl_library",
            "skrl",
            "--num_envs",
            "2",
            "--max_iterations",
            "1",
            "--device",
            "cpu",
            *SMALL_TERRAIN,
        ],
        cwd=tmp_path,
    )
    assert "[train] done: checkpoint" in ours.stdout
    assert list((tmp_path / "logs" / "skrl" / "Walk-Flat-AnymalC").glob("*/checkpoints/agent_*.pt"))

    theirs = _run(
        [
            str(venv / "bin" / "isaaclab"),
            "train",
            "--rl_library",
            "rsl_rl",
            "--task",
            "Walk-Flat-AnymalC",
            "--device",
            "cpu",
            "--num_envs",
            "2",
            "--max_iterations",
            "1",
            *SMALL_TERRAIN,
        ],
        cwd=tmp_path,
    )
    checkpoints = list((tmp_path / "logs" / "rsl_rl").rglob("model_*.pt"))
    assert checkpoints, theirs.stdout[-3000:]
