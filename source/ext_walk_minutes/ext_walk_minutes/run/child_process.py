"""One training run in a fresh process: how the studies train many configurations."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..common.cli import LOG_ROOT


def train_in_child(
    task: str, agent: str, args: Sequence[str], workdir: Path, log_file: Path | None = None
) -> tuple[int, Path | None]:
    """Run ``scripts/train.py --task task --agent agent *args`` in its own process with ``workdir`` as its folder.

    A fresh process per run: the simulator keeps state between envs built in one process. The run's output goes
    to ``log_file`` (None: this process's console). Returns the exit status and the run folder it created under
    ``workdir/logs/<agent>/<task>/`` (None if it created none).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    runs = workdir / LOG_ROOT / agent / task
    before = set(runs.glob("*"))
    cmd = [sys.executable, "-m", "ext_walk_minutes.cli.train", "--task", task, "--agent", agent, *args]
    if log_file is None:
        status = subprocess.run(cmd, cwd=workdir).returncode
    else:
        with log_file.open("w") as log:
            status = subprocess.run(cmd, cwd=workdir, stdout=log, stderr=subprocess.STDOUT).returncode
    created = sorted(set(runs.glob("*")) - before)
    return status, created[-1] if created else None
