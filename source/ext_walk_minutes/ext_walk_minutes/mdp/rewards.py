"""Reward terms where legged_gym computes something other than Isaac Lab's functions of the same name."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from isaaclab.managers import ManagerTermBase, RewardTermCfg, SceneEntityCfg


class joint_acc_l2_policy_step(ManagerTermBase):
    """Sum of squared joint accelerations over one policy step, ``sum_j ((qd_prev_j - qd_j) / dt)^2`` [rad^2/s^4].

    legged_gym's ``dof_acc`` differences the joint velocities of consecutive policy steps (dt = 0.02 s);
    Isaac Lab's ``joint_acc_l2`` uses the acceleration of the last physics step (5 ms), which is noisier and
    larger under the same weight. The previous velocity is zero after a reset (as legged_gym's ``last_dof_vel``).
    Returns shape (num_envs,).
    """

    def __init__(self, cfg: RewardTermCfg, env) -> None:
        super().__init__(cfg, env)
        asset_cfg: SceneEntityCfg = cfg.params.get("asset_cfg", SceneEntityCfg("robot"))
        self._asset = env.scene[asset_cfg.name]
        self._last_joint_vel = torch.zeros_like(self._asset.data.joint_vel.torch[:, asset_cfg.joint_ids])

    def reset(self, env_ids: Sequence[int] | None = None) -> None:
        self._last_joint_vel[slice(None) if env_ids is None else env_ids] = 0.0

    def __call__(self, env, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> torch.Tensor:
        joint_vel = self._asset.data.joint_vel.torch[:, asset_cfg.joint_ids]
        acc = (self._last_joint_vel - joint_vel) / env.step_dt
        self._last_joint_vel[:] = joint_vel
        return torch.sum(torch.square(acc), dim=1)
