"""Termination terms of our own."""

from __future__ import annotations

import torch
from isaaclab.managers import SceneEntityCfg


def non_finite_state(env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
    """(num_envs,) bool: the robot's root pose or velocity, joint positions or velocities hold NaN or inf.

    A local physics blow-up: the robot is reset like a fallen one (and counted as
    ``Episode_Termination/non_finite_state``) instead of feeding NaN into the batch of every robot.
    """
    data = env.scene[asset_cfg.name].data
    states = (data.root_pose_w.torch, data.root_vel_w.torch, data.joint_pos.torch, data.joint_vel.torch)
    finite = torch.ones(env.num_envs, dtype=torch.bool, device=env.device)
    for state in states:
        finite &= torch.isfinite(state).all(dim=-1)
    return ~finite
