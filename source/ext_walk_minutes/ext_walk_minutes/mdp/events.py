"""Randomisation terms that follow legged_gym where Isaac Lab's terms sample differently."""

from __future__ import annotations

from isaaclab.envs.mdp import randomize_rigid_body_material
from isaaclab.managers import EventTermCfg, ManagerTermBase, SceneEntityCfg
from isaaclab.utils.math import sample_uniform

_AXES = ("x", "y", "z", "roll", "pitch", "yaw")

GROUND_FRICTION = 1e-4
"""The ground's own friction coefficient: above MuJoCo's smallest (``MJ_MINMU`` 1e-5, which MuJoCo Warp warns below
of, and which float32 rounds under), far below any robot's draw, so that MuJoCo's max rule gives every robot-ground
contact the robot's coefficient."""


class randomize_robot_friction(ManagerTermBase):
    """One friction coefficient per robot, ``mu ~ U(friction_range)``: the coefficient of every contact the robot
    makes with the ground (the *effective* friction, not the robot's half of a combination).

    legged_gym draws one friction per robot (64 buckets) for all its shapes and PhysX averages it with the ground's
    1.0; we sample the averaged value directly (the tasks' ranges are legged_gym's after averaging). On Newton the
    coefficient is written to the model's per-shape ``mu`` of the robot's shapes and the ground's shapes get
    :data:`GROUND_FRICTION` (about 0):
    MuJoCo gives a contact the larger of its two shapes' coefficients, so every robot-ground contact has the
    robot's. (Isaac Lab's terrain material does not reach a terrain Newton turns into a height field, so the
    ground is zeroed here.) Other physics backends fall back to Isaac Lab's per-shape term with the same range.

    Params: ``friction_range`` (low, high) [-]; ``asset_cfg`` the robot (all bodies).
    """

    def __init__(self, cfg: EventTermCfg, env) -> None:
        super().__init__(cfg, env)
        self._asset = env.scene[cfg.params["asset_cfg"].name]
        self._physics = env.sim.physics_manager
        self._fallback = None
        if hasattr(self._physics, "get_model") and hasattr(self._asset._root_view, "get_attribute"):
            import warp as wp

            model = self._physics.get_model()
            mu = self._asset._root_view.get_attribute("shape_material_mu", model)[:, 0]
            self.shape_friction = wp.to_torch(mu)
            """The robots' per-shape friction coefficients, shape (num_envs, num_shapes) (a view on the model)."""
            ground = wp.to_torch(model.shape_body) == -1  # shapes on no body: the terrain
            wp.to_torch(model.shape_material_mu)[ground] = GROUND_FRICTION
        else:
            low, high = cfg.params["friction_range"]
            fallback_cfg = EventTermCfg(
                func=randomize_rigid_body_material,
                mode=cfg.mode,
                params={
                    "asset_cfg": cfg.params["asset_cfg"],
                    "static_friction_range": (low, high),
                    "dynamic_friction_range": (low, high),
                    "restitution_range": (0.0, 0.0),
                    "num_buckets": 64,
                },
            )
            self._fallback = randomize_rigid_body_material(fallback_cfg, env)
            self._fallback_params = fallback_cfg.params

    def __call__(self, env, env_ids, friction_range: tuple[float, float], asset_cfg: SceneEntityCfg) -> None:
        if self._fallback is not None:
            self._fallback(env, env_ids, **self._fallback_params)
            return
        from newton import ModelFlags

        rows = slice(None) if env_ids is None else env_ids
        num = env.num_envs if env_ids is None else len(env_ids)
        mu = sample_uniform(friction_range[0], friction_range[1], (num, 1), device=self.shape_friction.device)
        self.shape_friction[rows] = mu.expand(-1, self.shape_friction.shape[1])
        self._physics.add_model_change(ModelFlags.SHAPE_PROPERTIES)


def push_by_replacing_velocity(
    env, env_ids, velocity_range: dict[str, tuple[float, float]], asset_cfg: SceneEntityCfg = SceneEntityCfg("robot")
) -> None:
    """Set the named root (centre of mass) velocity components (world frame) to uniform samples, keep the others.

    legged_gym's push sets the base (v_x, v_y) to U(-1, 1) m/s; Isaac Lab's ``push_by_setting_velocity``
    adds the sample to the current velocity. ``velocity_range`` keys: x, y, z [m/s], roll, pitch, yaw [rad/s].
    ``env_ids`` None (a global-time event) pushes every robot.
    """
    asset = env.scene[asset_cfg.name]
    rows = slice(None) if env_ids is None else env_ids
    vel = asset.data.root_com_vel_w.torch[rows].clone()
    for axis, bounds in velocity_range.items():
        i = _AXES.index(axis)
        vel[:, i] = sample_uniform(bounds[0], bounds[1], (vel.shape[0],), device=vel.device)
    asset.write_root_velocity_to_sim_index(root_velocity=vel, env_ids=None if env_ids is None else env_ids)
