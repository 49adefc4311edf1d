"""Warp twin of Isaac Lab's ``height_scan`` observation, which Isaac Lab's Warp frontend does not have (its velocity
twins stop at flat ground): found before Isaac Lab's own twins, as the task's mirror comes first in the lookup."""

from __future__ import annotations

import warp as wp
from isaaclab_experimental.managers import SceneEntityCfg


@wp.kernel
def _height_scan_kernel(
    sensor_pos_w: wp.array(dtype=wp.vec3f),
    ray_hits_w: wp.array(dtype=wp.vec3f, ndim=2),
    offset: float,
    out: wp.array(dtype=wp.float32, ndim=2),
):
    """out[i, r] = sensor height - height of ray r's hit - offset [m]."""
    i, r = wp.tid()
    out[i, r] = sensor_pos_w[i][2] - ray_hits_w[i, r][2] - offset


def height_scan(env, out: wp.array, sensor_cfg: SceneEntityCfg, offset: float = 0.5, out_dim: int = 0) -> None:
    """Writes ``out`` (num_envs, num_rays): the height of the ray caster above each ray's hit, less ``offset`` [m].

    Warp twin of Isaac Lab's :func:`isaaclab.envs.mdp.height_scan`. ``out_dim``, the number of rays, is not used
    here: Isaac Lab's Warp observation manager sizes ``out`` from it (:func:`declare_height_scan_width`).
    """
    sensor = env.scene.sensors[sensor_cfg.name]
    wp.launch(
        _height_scan_kernel,
        dim=out.shape,
        inputs=[sensor.data.pos_w.warp, sensor.data.ray_hits_w.warp, float(offset)],
        outputs=[out],
        device=env.device,
    )


def declare_height_scan_width(cfg) -> None:
    """Put the ray count of its sensor's pattern into each ``height_scan`` term's ``out_dim`` param of ``cfg``.

    Isaac Lab's Warp observation manager takes a term's width from its decorator (a constant or a joint, body,
    command or action count) or from an ``out_dim`` param; a scan's width is its sensor's ray count, which only
    the config knows (e.g. 17 x 11 = 187 for the 1.6 m x 1.0 m grid at 0.1 m).
    """
    for group in vars(cfg.observations).values():
        for term in vars(group).values() if hasattr(group, "__dataclass_fields__") else ():
            if getattr(getattr(term, "func", None), "__name__", None) != "height_scan":
                continue
            pattern = getattr(cfg.scene, term.params["sensor_cfg"].name).pattern_cfg
            ray_starts, _ = pattern.func(pattern, "cpu")
            term.params["out_dim"] = len(ray_starts)
