"""Warp twins of :mod:`ext_walk_minutes.mdp.rewards`."""

from __future__ import annotations

import warp as wp
from isaaclab.managers import RewardTermCfg
from isaaclab_experimental.managers import ManagerTermBase, SceneEntityCfg


@wp.kernel
def _joint_acc_sq_sum_kernel(
    joint_vel: wp.array(dtype=wp.float32, ndim=2),
    joint_mask: wp.array(dtype=wp.bool),
    inv_dt: float,
    last_joint_vel: wp.array(dtype=wp.float32, ndim=2),
    out: wp.array(dtype=wp.float32),
):
    """out[i] = sum over masked joints of ((last - now) / dt)^2; last = now."""
    i = wp.tid()
    total = float(0.0)
    for j in range(joint_vel.shape[1]):
        now = joint_vel[i, j]
        if joint_mask[j]:
            acc = (last_joint_vel[i, j] - now) * inv_dt
            total += acc * acc
        last_joint_vel[i, j] = now
    out[i] = total


@wp.kernel
def _zero_rows_kernel(env_mask: wp.array(dtype=wp.bool), rows: wp.array(dtype=wp.float32, ndim=2)):
    i, j = wp.tid()
    if env_mask[i]:
        rows[i, j] = 0.0


class joint_acc_l2_policy_step(ManagerTermBase):
    """Sum of squared joint accelerations over one policy step, ``sum_j ((qd_prev_j - qd_j) / dt)^2`` [rad^2/s^4].

    Warp twin of :class:`ext_walk_minutes.mdp.joint_acc_l2_policy_step` (legged_gym's ``dof_acc``): one kernel
    per step that also stores the velocities for the next one. The previous velocity is zero after a reset.
    Writes ``out``, shape (num_envs,).
    """

    def __init__(self, cfg: RewardTermCfg, env) -> None:
        super().__init__(cfg, env)
        asset_cfg = cfg.params.get("asset_cfg")
        asset = env.scene[asset_cfg.name if asset_cfg is not None else "robot"]
        self._last_joint_vel = wp.zeros((env.num_envs, asset.num_joints), dtype=wp.float32, device=env.device)
        """Joint velocities of the previous policy step [rad/s], shape (num_envs, num_joints)."""
        self._all_joints = wp.ones(asset.num_joints, dtype=wp.bool, device=env.device)
        self._all_envs = wp.ones(env.num_envs, dtype=wp.bool, device=env.device)

    def reset(self, env_mask: wp.array | None = None) -> None:
        wp.launch(
            _zero_rows_kernel,
            dim=self._last_joint_vel.shape,
            inputs=[self._all_envs if env_mask is None else env_mask, self._last_joint_vel],
            device=self.device,
        )

    def __call__(self, env, out: wp.array, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
        joint_mask = asset_cfg.joint_mask if asset_cfg.joint_mask is not None else self._all_joints
        wp.launch(
            _joint_acc_sq_sum_kernel,
            dim=env.num_envs,
            inputs=[env.scene[asset_cfg.name].data.joint_vel.warp, joint_mask, 1.0 / env.step_dt, self._last_joint_vel],
            outputs=[out],
            device=env.device,
        )
