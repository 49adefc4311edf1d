"""A robot whose physics blows up (NaN state) is reset alone and counted; the batch stays finite."""

from __future__ import annotations

import pytest
import torch

from helpers import SMALL_TERRAIN, walk_run

pytestmark = pytest.mark.slow


def test_a_nan_robot_is_reset_and_counted():
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Flat-AnymalC", 4, SMALL_TERRAIN)
    with running_env(spec, configs) as env:
        base = env.unwrapped
        robot = base.scene["robot"]
        env.reset()
        zeros = torch.zeros(4, base.action_manager.total_action_dim)
        for _ in range(3):
            env.step(zeros)
        joint_vel = robot.data.joint_vel.torch.clone()
        joint_vel[1] = float("nan")  # robot 1's state blows up
        robot.write_joint_velocity_to_sim_index(velocity=joint_vel)
        obs, reward, terminated, truncated, extras = env.step(zeros)
        assert terminated.tolist() == [False, True, False, False]
        assert torch.isfinite(reward).all() and all(torch.isfinite(o).all() for o in obs.values())
        assert all(torch.isfinite(o).all() for o in extras["final_obs"].values())
        assert extras["log"]["Episode_Termination/non_finite_state"] > 0
        for _ in range(3):  # reset: robot 1 walks on with a finite state
            obs, reward, terminated, *_ = env.step(zeros)
            assert not terminated[1] and torch.isfinite(robot.data.joint_vel.torch).all()
