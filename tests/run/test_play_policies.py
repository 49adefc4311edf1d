"""``play.py --checkpoint zero|random|pretrained``: no policy (the default pose, random joint targets) and the policy
shipped with the package."""

from __future__ import annotations

import pytest
import torch

from helpers import FIXTURE_POLICY, run_script, walk_run

TASK = "Walk-Flat-AnymalC"


def test_pretrained_for_a_task_without_one_is_one_error_line(tmp_path):
    proc = run_script(
        "play.py", "--checkpoint", "pretrained", "--task", "Walk-Rough-AnymalC", cwd=tmp_path, check=False, timeout=120
    )
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert proc.returncode == 2 and len(errors) == 1, proc.stderr[-2000:]
    assert "Walk-Rough-AnymalC" in errors[0] and "tasks with one: Walk-Flat-AnymalC" in errors[0]
    assert "Traceback" not in proc.stderr


def test_zero_export_is_one_error_line(tmp_path):
    proc = run_script("play.py", "--checkpoint", "zero", "--export", cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines()[-1].startswith("error: --export"), proc.stderr


def test_the_shipped_policy_is_the_fixture():
    from ext_walk_minutes.run.policy import pretrained_checkpoint

    shipped = pretrained_checkpoint(TASK)
    assert "site-packages" in str(shipped) or shipped.parent.name == "pretrained"
    assert shipped.read_bytes() == FIXTURE_POLICY.read_bytes()
    assert (shipped.parent / "README.md").is_file()


@pytest.mark.slow
def test_pretrained_plays_the_shipped_policy_in_its_training_physics(tmp_path):
    proc = run_script("play.py", "--checkpoint", "pretrained", "--num_envs", "2", "--steps", "50", cwd=tmp_path)
    assert "pretrained/walk_flat_anymalc_h200_it192.pt" in proc.stdout, proc.stdout[-3000:]
    assert "env.sim.physics.num_substeps=2" in proc.stdout  # its stored config is applied
    assert "distance walked" in proc.stdout


@pytest.mark.slow
def test_zero_holds_the_default_pose_and_random_does_not():
    """Zero actions: the joint targets are the default pose; the robots drop from their spawn, sag under their weight
    (ANYmal C's Kp 80 N m/rad: the base from 0.6 m to about 0.4 m) and stand there, neither falling nor creeping more
    than 0.1 rad in the second second (the feet slide apart slowly: 0.07 rad). Random joint targets then move the
    joints away."""
    from ext_walk_minutes.run.policy import StandInPolicy, running_stand_in

    spec, configs = walk_run(TASK, 2, play_mode=True)
    with running_stand_in(spec, configs, "zero") as run:
        env = run.env.unwrapped
        robot = env.scene["robot"]
        obs = run.env.reset()[0]
        poses, heights = [], []
        for _ in range(100):  # 2 s
            obs, _, terminated, truncated, _ = run.env.step(run.act(obs["policy"]))
            assert not (terminated | truncated).any()
            assert torch.equal(robot.data.joint_pos_target, robot.data.default_joint_pos)
            poses.append(robot.data.joint_pos.clone())
            heights.append(robot.data.root_pos_w[:, 2].clone())
        drift = (poses[-1] - poses[50]).abs().mean().item()
        assert drift < 0.1, f"the joints still moved {drift:.3f} rad on average in the second second"
        assert heights[-1].min().item() > 0.3, f"the base sank to {heights[-1].min().item():.2f} m"
        random_policy = StandInPolicy("random", env.action_manager.total_action_dim)
        for _ in range(10):
            obs, *_ = run.env.step(random_policy(obs["policy"]))
        moved = (robot.data.joint_pos_target - robot.data.default_joint_pos).abs().max().item()
        assert moved > 0.1, f"random joint targets are within {moved:.3f} rad of the default pose"
