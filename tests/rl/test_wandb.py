"""``--logger wandb`` sends the run to Weights & Biases through each library's own W&B support (offline here:
``WANDB_MODE=offline`` writes the run to be synced later), with W&B's files in the run folder."""

from __future__ import annotations

import os

import pytest

from helpers import SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow  # trains per backend


@pytest.mark.parametrize("agent", ["rsl_rl", "skrl"])
def test_wandb_offline_run_in_the_run_folder(tmp_path, agent):
    env = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true")
    env.pop("WANDB_DIR", None)
    run_script(
        "train.py",
        "--task",
        "Walk-Flat-AnymalC",
        "--agent",
        agent,
        "--num_envs",
        "2",
        "--device",
        "cpu",
        "--max_iterations",
        "1",
        "--logger",
        "wandb",
        "--wandb-project",
        "walk-test",
        *SMALL_TERRAIN,
        cwd=tmp_path,
        env=env,
    )
    (run,) = (tmp_path / "logs" / agent / "Walk-Flat-AnymalC").iterdir()
    offline = list((run / "wandb").glob("offline-run-*/run-*.wandb"))
    assert offline and offline[0].stat().st_size > 0, sorted(p.name for p in run.rglob("*"))[:40]
    assert not (tmp_path / "wandb").exists(), "W&B wrote into the working folder"
