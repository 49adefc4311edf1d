"""Warp twins of :mod:`ext_walk_minutes.mdp.events`: the robots to act on come as a Warp bool mask."""

from __future__ import annotations

import warp as wp
from isaaclab.managers import EventTermCfg
from isaaclab_experimental.managers import ManagerTermBase, SceneEntityCfg

from ...mdp import events as torch_events

_AXES = ("x", "y", "z", "roll", "pitch", "yaw")


@wp.kernel
def _fill_friction_kernel(
    env_mask: wp.array(dtype=wp.bool),
    rng_state: wp.array(dtype=wp.uint32),
    low: float,
    high: float,
    shape_friction: wp.array(dtype=wp.float32, ndim=2),
):
    """One friction U(low, high) per masked robot, written to all its shapes."""
    i = wp.tid()
    if not env_mask[i]:
        return
    state = rng_state[i]
    mu = wp.randf(state, low, high)
    rng_state[i] = state
    for s in range(shape_friction.shape[1]):
        shape_friction[i, s] = mu


class randomize_robot_friction(torch_events.randomize_robot_friction, ManagerTermBase):
    """One friction coefficient per robot, ``mu ~ U(friction_range)`` [-], on every collision shape of the robot.

    Warp twin of :class:`ext_walk_minutes.mdp.randomize_robot_friction` (legged_gym's one friction per robot):
    one kernel writes the model's per-shape ``mu``, shape (num_envs, num_shapes). Newton only, as the Warp
    frontend itself.
    """

    def __init__(self, cfg: EventTermCfg, env) -> None:
        super().__init__(cfg, env)
        self._shape_friction_wp = wp.from_torch(self.shape_friction)

    def __call__(self, env, env_mask: wp.array, friction_range: tuple[float, float], asset_cfg: SceneEntityCfg) -> None:
        from newton import ModelFlags

        wp.launch(
            _fill_friction_kernel,
            dim=env.num_envs,
            inputs=[env_mask, env.rng_state_wp, float(friction_range[0]), float(friction_range[1])],
            outputs=[self._shape_friction_wp],
            device=env.device,
        )
        self._physics.add_model_change(ModelFlags.SHAPE_PROPERTIES)

    def reset(self, env_mask: wp.array | None = None) -> None:
        """Nothing to reset: the frictions are drawn once at start-up."""


@wp.kernel
def _replace_velocity_kernel(
    env_mask: wp.array(dtype=wp.bool),
    rng_state: wp.array(dtype=wp.uint32),
    root_vel_w: wp.array(dtype=wp.spatial_vectorf),
    replaced: wp.spatial_vectorf,
    low: wp.spatial_vectorf,
    high: wp.spatial_vectorf,
    vel_out: wp.array(dtype=wp.spatial_vectorf),
):
    """vel_out[i] = root_vel_w[i] with the components flagged in ``replaced`` drawn from U(low, high)."""
    i = wp.tid()
    if not env_mask[i]:
        return
    state = rng_state[i]
    vel = root_vel_w[i]
    for k in range(6):
        if replaced[k] != 0.0:
            vel[k] = wp.randf(state, low[k], high[k])
    rng_state[i] = state
    vel_out[i] = vel


class push_by_replacing_velocity(ManagerTermBase):
    """Set the named root (centre of mass) velocity components (world frame) to uniform samples, keep the others.

    Warp twin of :func:`ext_walk_minutes.mdp.push_by_replacing_velocity` (legged_gym's push: base (v_x, v_y) set
    to U(-1, 1) m/s). ``velocity_range`` keys: x, y, z [m/s], roll, pitch, yaw [rad/s]. The masked robots' root
    velocities, shape (num_envs,) of 6-vectors, are written in one kernel and one masked write.
    """

    def __init__(self, cfg: EventTermCfg, env) -> None:
        super().__init__(cfg, env)
        velocity_range = cfg.params["velocity_range"]
        self._replaced = wp.spatial_vectorf(*(float(axis in velocity_range) for axis in _AXES))
        self._low = wp.spatial_vectorf(*(float(velocity_range.get(axis, (0.0, 0.0))[0]) for axis in _AXES))
        self._high = wp.spatial_vectorf(*(float(velocity_range.get(axis, (0.0, 0.0))[1]) for axis in _AXES))
        self._vel = wp.zeros(env.num_envs, dtype=wp.spatial_vectorf, device=env.device)
        """The pushed root velocities, shape (num_envs,) (a fixed buffer: the Warp event stages are captured)."""

    def __call__(
        self,
        env,
        env_mask: wp.array,
        velocity_range: dict[str, tuple[float, float]],
        asset_cfg: SceneEntityCfg = SceneEntityCfg("robot"),
    ) -> None:
        asset = env.scene[asset_cfg.name]
        wp.launch(
            _replace_velocity_kernel,
            dim=env.num_envs,
            inputs=[env_mask, env.rng_state_wp, asset.data.root_com_vel_w.warp, self._replaced, self._low, self._high],
            outputs=[self._vel],
            device=env.device,
        )
        asset.write_root_velocity_to_sim_mask(root_velocity=self._vel, env_mask=env_mask)
