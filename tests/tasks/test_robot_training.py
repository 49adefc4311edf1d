"""One rsl-rl PPO iteration per added robot (ANYmal C trains in tests/cli/test_train_play.py), and the
``--asset official`` errors: offline, or for the arm robot Isaac Lab has no asset for, one ``error:`` line."""

from __future__ import annotations

import os

import pytest
import torch
from isaaclab_tasks.utils import load_cfg_from_registry

from ext_walk_minutes.cli import train as train_cli
from helpers import SMALL_TERRAIN, run_script

# rough for the robots whose height scan differs (A1: ANYmal's grid on a small robot; Cassie: 11 x 11)
# observation size: 48 proprioceptive values (3 + 3 + 3 + 3 + 12 joint positions + 12 velocities + 12 actions), plus
# the height scan on rough: A1 ANYmal's 17 x 11 grid, Cassie its own 11 x 11 (1 m x 1 m at 0.1 m)
OBS_SIZE = {
    "Walk-Flat-AnymalB": 48,
    "Walk-Flat-AnymalCArm": 48,
    "Walk-Rough-A1": 48 + 187,
    "Walk-Rough-Cassie": 48 + 121,
}
TASKS = list(OBS_SIZE)


@pytest.mark.slow
@pytest.mark.parametrize("task", TASKS)
def test_one_ppo_iteration(task, tmp_path):
    """One iteration trains: the actor and critic take the robot's observation layout and give 12 actions, and the
    PPO update ran (Adam stepped once per epoch x mini-batch with non-zero gradient moments) with finite weights."""
    out = run_script(
        "train.py",
        "--task",
        task,
        "--agent",
        "rsl_rl",
        "--num_envs",
        "2",
        "--device",
        "cpu",
        "--max_iterations",
        "1",
        "agent.num_steps_per_env=8",
        "agent.algorithm.num_mini_batches=1",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    ).stdout
    assert "] it 1/1 |" in out, out[-2000:]
    (run_dir,) = (tmp_path / "logs" / "rsl_rl" / task).iterdir()
    (checkpoint,) = run_dir.glob("model_*.pt")
    data = torch.load(checkpoint, map_location="cpu", weights_only=False)
    actor, critic = data["actor_state_dict"], data["critic_state_dict"]
    assert all(torch.isfinite(t).all() for t in [*actor.values(), *critic.values()])
    assert actor["mlp.0.weight"].shape[1] == critic["mlp.0.weight"].shape[1] == OBS_SIZE[task]
    last = max((k for k in actor if k.endswith(".weight")), key=lambda k: int(k.split(".")[1]))
    assert actor[last].shape[0] == 12
    state = data["optimizer_state_dict"]["state"]
    import ext_walk_minutes.tasks  # noqa: F401  (registers the gym ids)

    epochs = load_cfg_from_registry(task, "rsl_rl_cfg_entry_point").algorithm.num_learning_epochs
    assert epochs >= 1 and {float(s["step"]) for s in state.values()} == {float(epochs)}  # 1 mini-batch per epoch
    assert all(s["exp_avg"].abs().sum() > 0 for s in state.values())


def test_official_asset_offline_is_one_clear_error(tmp_path):
    # an asset root that never resolves (.invalid, RFC 2606): the same path as a machine without network
    env = dict(os.environ, ISAACSIM_ASSET_ROOT="https://assets.invalid/Assets/Isaac/6.2")
    proc = run_script(
        "train.py",
        "--task",
        "Walk-Flat-A1",
        "--asset",
        "official",
        "--device",
        "cpu",
        cwd=tmp_path,
        check=False,
        env=env,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    (line,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert "asset server" in line and "assets.invalid" in line and "without --asset official" in line
    assert "Traceback" not in proc.stderr and not (tmp_path / "logs").exists()


def test_official_asset_for_the_arm_robot_does_not_exist(capsys):
    assert train_cli.main(["--task", "Walk-Flat-AnymalCArm", "--asset", "official", "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: Isaac Lab has no official asset for Walk-Flat-AnymalCArm")
    assert "A1" in err and "Cassie" in err and "\n" not in err
