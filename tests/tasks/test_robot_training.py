"""One rsl-rl PPO iteration per added robot (ANYmal C trains in tests/train/test_train_play.py), and the
``--asset official`` errors: offline, or for the arm robot Isaac Lab has no asset for, one ``error:`` line."""

from __future__ import annotations

import os

import pytest
import torch

from ext_walk_minutes.train import train_main
from helpers import SMALL_TERRAIN, run_script

# rough for the robots whose height scan differs (A1: ANYmal's grid on a small robot; Cassie: 11 x 11)
TASKS = ["Walk-Flat-AnymalB", "Walk-Flat-AnymalCArm", "Walk-Rough-A1", "Walk-Rough-Cassie"]


@pytest.mark.parametrize("task", TASKS)
def test_one_ppo_iteration(task, tmp_path):
    out = run_script("train.py", "--task", task, "--agent", "rsl_rl", "--num_envs", "2", "--device", "cpu",
                     "--max_iterations", "1", "agent.num_steps_per_env=8", "agent.algorithm.num_mini_batches=1",
                     *SMALL_TERRAIN, cwd=tmp_path).stdout
    assert "] it 1/1 |" in out, out[-2000:]
    (run_dir,) = (tmp_path / "logs" / "rsl_rl" / task).iterdir()
    (checkpoint,) = run_dir.glob("model_*.pt")
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)["actor_state_dict"]
    assert all(torch.isfinite(t).all() for t in state.values())


def test_official_asset_offline_is_one_clear_error(tmp_path):
    # an asset root that never resolves (.invalid, RFC 2606): the same path as a machine without network
    env = dict(os.environ, ISAACSIM_ASSET_ROOT="https://assets.invalid/Assets/Isaac/6.2")
    proc = run_script("train.py", "--task", "Walk-Flat-A1", "--asset", "official", "--device", "cpu",
                      cwd=tmp_path, check=False, env=env)
    assert proc.returncode == 2, proc.stderr[-2000:]
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert "asset server" in line and "assets.invalid" in line and "without --asset official" in line
    assert "Traceback" not in proc.stderr and not (tmp_path / "logs").exists()


def test_official_asset_for_the_arm_robot_does_not_exist(capsys):
    assert train_main.main(["--task", "Walk-Flat-AnymalCArm", "--asset", "official", "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Isaac Lab has no official asset for Walk-Flat-AnymalCArm")
    assert "A1" in err and "Cassie" in err and "\n" not in err
