"""Warp twins of :mod:`ext_walk_minutes.mdp.terminations`."""

from __future__ import annotations

import warp as wp
from isaaclab_experimental.managers import SceneEntityCfg


@wp.func
def _finite_row(values: wp.array(dtype=wp.float32, ndim=2), i: int) -> bool:
    for j in range(values.shape[1]):
        if not wp.isfinite(values[i, j]):
            return False
    return True


@wp.kernel
def _non_finite_state_kernel(
    root_pose_w: wp.array(dtype=wp.transformf),
    root_vel_w: wp.array(dtype=wp.spatial_vectorf),
    joint_pos: wp.array(dtype=wp.float32, ndim=2),
    joint_vel: wp.array(dtype=wp.float32, ndim=2),
    out: wp.array(dtype=wp.bool),
):
    i = wp.tid()
    finite = _finite_row(joint_pos, i) and _finite_row(joint_vel, i)
    pose = root_pose_w[i]
    vel = root_vel_w[i]
    for k in range(7):
        finite = finite and wp.isfinite(pose[k])
    for k in range(6):
        finite = finite and wp.isfinite(vel[k])
    out[i] = not finite


def non_finite_state(env, out: wp.array, asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")) -> None:
    """Writes ``out`` (num_envs,) bool: the robot's root pose or velocity, joint positions or velocities hold NaN
    or inf.

    Warp twin of :func:`ext_walk_minutes.mdp.non_finite_state` (root pose: position [m] and quaternion, root
    velocity: linear [m/s] and angular [rad/s] of the centre of mass, as the torch term reads them).
    """
    data = env.scene[asset_cfg.name].data
    wp.launch(
        _non_finite_state_kernel,
        dim=env.num_envs,
        inputs=[data.root_link_pose_w.warp, data.root_com_vel_w.warp, data.joint_pos.warp, data.joint_vel.warp],
        outputs=[out],
        device=env.device,
    )
