"""Warp twin of :mod:`ext_walk_minutes.mdp.cassie` (legged_gym's ``no_fly``)."""

from __future__ import annotations

import warp as wp
from isaaclab_experimental.managers import SceneEntityCfg


@wp.kernel
def _single_foot_contact_kernel(
    net_forces_w: wp.array(dtype=wp.vec3f, ndim=2),
    body_ids: wp.array(dtype=wp.int32),
    threshold: float,
    out: wp.array(dtype=wp.float32),
):
    """out[i] = 1 where exactly one of the bodies has a vertical contact force above ``threshold``, else 0."""
    i = wp.tid()
    feet_down = int(0)
    for k in range(body_ids.shape[0]):
        if net_forces_w[i, body_ids[k]][2] > threshold:
            feet_down += 1
    out[i] = wp.where(feet_down == 1, 1.0, 0.0)


def single_foot_contact(env, out: wp.array, sensor_cfg: SceneEntityCfg, threshold: float = 0.1) -> None:
    """Writes ``out`` (num_envs,): 1 where exactly one of the feet pushes on the ground, else 0.

    Warp twin of :func:`ext_walk_minutes.mdp.single_foot_contact`: a foot is in contact when the vertical component
    of its net contact force exceeds ``threshold`` [N]. ``sensor_cfg``: the contact sensor and its foot bodies.
    """
    sensor = env.scene.sensors[sensor_cfg.name]
    wp.launch(
        _single_foot_contact_kernel,
        dim=env.num_envs,
        inputs=[sensor.data.net_forces_w.warp, sensor_cfg.body_ids_wp, float(threshold)],
        outputs=[out],
        device=env.device,
    )
