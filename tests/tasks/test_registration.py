"""All ten tasks are registered (also for Isaac Lab's CLI), build on CPU and step with finite values."""

from __future__ import annotations

import importlib.metadata

import pytest
import torch

from helpers import SMALL_TERRAIN, walk_run

pytestmark = pytest.mark.slow  # builds and steps all ten tasks

ROBOTS = ("AnymalC", "AnymalB", "AnymalCArm", "A1", "Cassie")
# observations: 48 proprioceptive + a 17 x 11 height scan on rough terrain (Cassie: 11 x 11)
EXPECTED = {
    f"Walk-{terrain}-{robot}": 48 + {"Flat": 0, "Rough": 121 if robot == "Cassie" else 187}[terrain]
    for robot in ROBOTS
    for terrain in ("Flat", "Rough")
}


def test_entry_point_registers_the_tasks():
    """Isaac Lab's CLI imports the ``isaaclab.tasks`` entry points; ours must register every task."""
    (entry,) = [ep for ep in importlib.metadata.entry_points(group="isaaclab.tasks") if ep.name == "ext_walk_minutes"]
    tasks = entry.load()
    assert set(EXPECTED) <= set(tasks.TASKS)
    import gymnasium as gym

    for task in EXPECTED:
        spec = gym.spec(task)
        assert {"env_cfg_entry_point", "rsl_rl_cfg_entry_point", "skrl_cfg_entry_point"} <= set(spec.kwargs)


@pytest.mark.parametrize("task", list(EXPECTED))
def test_task_builds_and_steps(task):
    from ext_walk_minutes.run.spec import running_env

    num_envs = 2
    spec, configs = walk_run(task, num_envs, SMALL_TERRAIN)
    assert type(configs.env_cfg.sim.physics).__name__ == "NewtonCfg"
    with running_env(spec, configs) as env:
        obs, _ = env.reset()
        assert obs["policy"].shape == (num_envs, EXPECTED[task])
        assert env.unwrapped.action_manager.total_action_dim == 12
        gen = torch.Generator().manual_seed(0)
        term_rewards = []
        positive_only = env.unwrapped.cfg.only_positive_rewards  # legged_gym's clip (all robots but Cassie)
        for _ in range(200):
            action = torch.rand(num_envs, 12, generator=gen) * 2 - 1
            obs, reward, terminated, truncated, _ = env.step(action)
            assert torch.isfinite(obs["policy"]).all()
            assert torch.isfinite(reward).all() and (not positive_only or (reward >= 0).all())
            term_rewards.append(env.unwrapped.reward_manager._step_reward.clone())
        # random actions make the robots move: the dense reward terms vary (none is stuck at a constant)
        manager = env.unwrapped.reward_manager
        std = dict(zip(manager.active_terms, torch.stack(term_rewards).flatten(0, 1).std(dim=0).tolist()))
        dense = (
            "track_lin_vel_xy_exp",
            "track_ang_vel_z_exp",
            "lin_vel_z_l2",
            "ang_vel_xy_l2",
            "dof_torques_l2",
            "dof_acc_l2",
            "action_rate_l2",
        )
        # every task has these terms (Cassie drops ang_vel_xy_l2 only): a renamed term is not skipped unseen
        assert set(dense) - {"ang_vel_xy_l2"} <= set(std), std
        assert all(std[name] > 0 for name in dense if name in std), std
