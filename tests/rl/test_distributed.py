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

from ext_walk_minutes.rl import backends
from ext_walk_minutes.run.checkpoints import checkpoints_in
from ext_walk_minutes.rl.distributed import parameter_digest
from helpers import REPO, optimizer_steps

TASK = "Walk-Flat-AnymalC"
DIGEST = re.compile(r"\[train\] rank (\d)/2: parameter digest ([0-9a-f]{16})")
WORKER = re.compile(r"\[train\] rank 1/2 on cpu: 2 envs, seed (\d+)")


@pytest.mark.slow
@pytest.mark.parametrize("agent", ["rsl_rl", "skrl"])
def test_two_cpu_processes(agent, tmp_path):
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        str(REPO / "scripts" / "train.py"),
        "--distributed",
        "--device",
        "cpu",
        "--task",
        TASK,
        "--agent",
        agent,
        "--num_envs",
        "2",
        "--max_iterations",
        "1",
    ]
    proc = subprocess.run(
        cmd, cwd=tmp_path, env=dict(os.environ, PYTHONUNBUFFERED="1"), capture_output=True, text=True, timeout=600
    )
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
    assert optimizer_steps(checkpoint) > 0  # the update ran: equal digests of untouched initial weights prove nothing
    assert parameter_digest(data, backends.get(agent).parameter_keys) == digests["0"]
    writers = {path.name.split(".")[-2] for path in run_dir.glob("events.out.tfevents.*")}  # ...<host>.<pid>.<n>
    assert len(writers) == 1, writers

    # num_envs is per process, and each process has its own seed
    resolved = yaml.safe_load((run_dir / "resolved_config.yaml").read_text())
    assert resolved["processes"] == 2 and resolved["num_envs"] == 2
    worker = WORKER.search(out)
    assert worker and int(worker[1]) == resolved["seed"] + 1, out[-4000:]


def test_parameter_digest_tells_parameters_apart():
    """Negative control of the digest the test above compares: it changes with any one value, a key, a tensor's name
    or a key left out, and is the same for equal tensors on another dtype (it hashes the float64 values)."""
    gen = torch.Generator().manual_seed(0)
    checkpoint = {
        "policy": {"w": torch.randn(4, 3, generator=gen), "b": torch.randn(3, generator=gen)},
        "value": {"w": torch.randn(3, generator=gen)},
        "iter": 0,
    }
    digest = parameter_digest(checkpoint, ("policy", "value"))
    assert re.fullmatch(r"[0-9a-f]{16}", digest)
    nudged = {**checkpoint, "value": {"w": checkpoint["value"]["w"].clone()}}
    nudged["value"]["w"][2] = torch.nextafter(nudged["value"]["w"][2], torch.tensor(1e9))  # one ulp of one value
    renamed = {**checkpoint, "policy": {"weight": checkpoint["policy"]["w"], "b": checkpoint["policy"]["b"]}}
    others = [
        parameter_digest(nudged, ("policy", "value")),
        parameter_digest(renamed, ("policy", "value")),
        parameter_digest(checkpoint, ("policy",)),
        parameter_digest(checkpoint, ("value", "policy")),
    ]
    assert digest not in others and len(set(others)) == len(others)
    as_double = {key: {n: t.double() for n, t in checkpoint[key].items()} for key in ("policy", "value")}
    assert parameter_digest(as_double, ("policy", "value")) == digest
