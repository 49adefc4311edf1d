"""Adding a PPO library is one file: a stub backend module dropped into a copy of the package is a full
``--agent``: train.py trains with it, its checkpoints are found, presets take a section for it."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys

from helpers import REPO, SMALL_TERRAIN

PACKAGE = REPO / "source" / "ext_walk_minutes" / "ext_walk_minutes"
STUB = '''"""A stub PPO library: steps the env with zero actions and saves a checkpoint without parameters."""

import re
from pathlib import Path

import torch

from . import Backend
from ..job import TrainingResult


class Stub(Backend):
    name = "stub"
    entry_point = "rsl_rl_cfg_entry_point"  # borrows rsl-rl's agent config
    steps_per_env_key = "agent.num_steps_per_env"
    checkpoint_pattern = re.compile(r"stub_(\\d+)\\.pt$")
    tensorboard_tags = {"value_loss": "stub/value_loss"}
    parameter_keys = ()

    def apply_run_settings(self, agent_cfg, device, seed):
        agent_cfg.seed = agent_cfg.seed if seed is None else seed
        return agent_cfg.seed

    def seed_for_rank(self, agent_cfg, rank):
        return agent_cfg.seed + rank

    def default_iterations(self, agent_cfg):
        return agent_cfg.max_iterations

    def train(self, env, job):
        base = env.unwrapped
        env.reset()
        for _ in range(job.iterations):
            env.step(torch.zeros(base.num_envs, base.action_manager.total_action_dim, device=base.device))
        path = Path(job.log_dir) / f"stub_{job.iterations - 1}.pt"
        torch.save({"iter": job.iterations - 1, "steps": int(base.common_step_counter)}, path)
        return TrainingResult(path)


BACKEND = Stub()
'''
CHECK = """
from pathlib import Path
from ext_walk_minutes.rl import backends
from ext_walk_minutes.run import presets
from ext_walk_minutes.run.checkpoints import find_checkpoint
print(backends.names())
print(find_checkpoint("latest", Path("logs"), list(backends.names()), "Walk-Flat-AnymalC")[1])
print(presets.merged_overrides(presets.load("mine.yaml"), "stub", []))
"""


def test_a_stub_backend_needs_one_file(tmp_path):
    copy = tmp_path / "src" / "ext_walk_minutes"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "rl" / "backends" / "stub.py").write_text(STUB)
    added, changed = _differences(PACKAGE, copy)
    assert (added, changed) == (["rl/backends/stub.py"], [])

    env = dict(os.environ, PYTHONPATH=str(copy.parent), PYTHONUNBUFFERED="1")
    train = subprocess.run(
        [
            sys.executable,
            "-m",
            "ext_walk_minutes.cli.train",
            "--agent",
            "stub",
            "--device",
            "cpu",
            "--num_envs",
            "2",
            "--max_iterations",
            "3",
            *SMALL_TERRAIN,
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert train.returncode == 0, train.stdout[-3000:] + train.stderr[-3000:]
    (run,) = (tmp_path / "logs" / "stub" / "Walk-Flat-AnymalC").iterdir()
    assert (run / "stub_2.pt").is_file()

    (tmp_path / "mine.yaml").write_text("stub:\n  agent.num_steps_per_env: 7\n")
    check = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stderr[-3000:]
    names, agent, overrides = check.stdout.strip().splitlines()[-3:]
    assert names == "('rsl_rl', 'skrl', 'stub')"
    assert agent == "stub"  # the checkpoint's backend, from its file name
    assert overrides == "['agent.num_steps_per_env=7']"


def _differences(original, copy) -> tuple[list[str], list[str]]:
    """Files only in ``copy`` and files that differ, as paths relative to the package."""
    added, changed = [], []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        added.extend(prefix + name for name in cmp.right_only)
        changed.extend(prefix + name for name in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(original, copy, ignore=["__pycache__"]), "")
    return sorted(added), sorted(changed)
