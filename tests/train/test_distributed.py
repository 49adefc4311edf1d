"""--distributed with torchrun: two CPU processes on the gloo backend, one PPO iteration per backend.

Each rank prints a digest of its policy and value parameters after the update; equal digests (which
rank 0's checkpoint also gives) show that the gradients were averaged over the ranks. Without the
all-reduce they differ: each rank steps its own robots with its own seed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import torch
import yaml

from ext_walk_minutes.train import backends
from ext_walk_minutes.train.checkpoints import checkpoints_in
from ext_walk_minutes.train.distributed import parameter_digest
from helpers import REPO

TASK = "Walk-Flat-AnymalC"
DIGEST = re.compile(r"\[train\] rank (\d)/2: parameter digest ([0-9a-f]{16})")
WORKER = re.compile(r"\[train\] rank 1/2 on cpu: 2 envs, seed (\d+)")


@pytest.mark.parametrize("agent", ["rsl_rl", "skrl"])
def test_two_cpu_processes(agent, tmp_path):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(REPO / "scripts" / "train.py"), "--distributed", "--device", "cpu", "--task", TASK, "--agent", agent,
           "--num_envs", "2", "--max_iterations", "1"]
    proc = subprocess.run(cmd, cwd=tmp_path, env=dict(os.environ, PYTHONUNBUFFERED="1"), capture_output=True,
                          text=True, timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]

    # both ranks trained and ended with the same parameters
    digests = dict(DIGEST.findall(out))
    assert set(digests) == {"0", "1"}, out[-4000:]
    assert digests["0"] == digests["1"]

    # one run folder, written by rank 0 alone: its checkpoint holds the parameters both ranks reported
    (run_dir,) = (tmp_path / "logs" / agent / TASK).iterdir()
    (checkpoint,) = checkpoints_in(run_dir)
    data = torch.load(checkpoint, map_location="cpu", weights_only=False)
    assert data["iter"] == 0
    assert parameter_digest(data, backends.get(agent).parameter_keys) == digests["0"]
    writers = {path.name.split(".")[-2] for path in run_dir.glob("events.out.tfevents.*")}  # ...<host>.<pid>.<n>
    assert len(writers) == 1, writers

    # num_envs is per process, and each process has its own seed
    resolved = yaml.safe_load((run_dir / "resolved_config.yaml").read_text())
    assert resolved["processes"] == 2 and resolved["num_envs"] == 2
    worker = WORKER.search(out)
    assert worker and int(worker[1]) == resolved["seed"] + 1, out[-4000:]
