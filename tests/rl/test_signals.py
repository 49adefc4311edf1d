"""SIGTERM (docker stop, Kubernetes, Slurm, ``timeout``) saves a checkpoint like Ctrl-C and exits 143; an
interrupt before the first iteration ends saves nothing (no untrained checkpoint becomes ``latest``)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from helpers import REPO, SMALL_TERRAIN

pytestmark = pytest.mark.slow  # trains until the signal

TRAIN = [
    sys.executable,
    str(REPO / "scripts" / "train.py"),
    "--task",
    "Walk-Flat-AnymalC",
    "--num_envs",
    "4",
    "--device",
    "cpu",
    "--max_iterations",
    "1000",
    *SMALL_TERRAIN,
]


def _run_until(cmd: list[str], cwd: Path, marker: str, sig: int) -> tuple[int, str]:
    """Start ``cmd``, send ``sig`` when a line containing ``marker`` appears; return (exit status, output)."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines, deadline = [], time.monotonic() + 400
    for line in proc.stdout:
        lines.append(line)
        if marker in line:
            proc.send_signal(sig)
            break
        assert time.monotonic() < deadline, "".join(lines[-50:])
    rest, _ = proc.communicate(timeout=120)
    return proc.returncode, "".join(lines) + rest


@pytest.mark.parametrize("agent", ["rsl_rl", "skrl"])
def test_sigterm_from_timeout_saves_a_checkpoint(tmp_path, agent):
    """``timeout`` relays the SIGTERM it receives to the run (as when its own time is up)."""
    status, out = _run_until(
        ["timeout", "--preserve-status", "-s", "TERM", "900", *TRAIN, "--agent", agent],
        tmp_path,
        "] it 2/1000",
        signal.SIGTERM,
    )
    assert status == 143, out[-3000:]
    saved = re.search(r"terminated: saved checkpoint (\S+)", out)
    assert saved, out[-3000:]
    path = Path(saved[1])
    assert torch.load(path, weights_only=True)["iter"] >= 1
    assert not list(path.parent.glob(".*.tmp")), "a temporary checkpoint file was left behind"


def test_interrupt_before_the_first_iteration_saves_nothing(tmp_path):
    status, out = _run_until(TRAIN, tmp_path, "[train] logs:", signal.SIGINT)
    assert status == 130, out[-3000:]
    assert "interrupted before the first iteration ended: no checkpoint saved" in out, out[-3000:]
    assert not list((tmp_path / "logs").rglob("*.pt"))
