"""Shared base of every walking task: legged_gym's MDP expressed as Isaac Lab manager terms.

Every task is ``Walk-{Flat,Rough}-<Robot>``: :class:`WalkRoughEnvCfg` or :class:`WalkFlatEnvCfg`
plus a robot (see :mod:`ext_walk_minutes.tasks.robots`). Numbers are legged_gym's
(``LeggedRobotCfg`` and the ANYmal C configs); Isaac Lab multiplies reward weights by the policy
step (0.02 s) exactly as legged_gym multiplies its scales by dt.
"""

from __future__ import annotations

import math

from isaaclab.assets import ArticulationCfg
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.utils import configclass
from isaaclab_tasks.core.velocity.velocity_env_cfg import LocomotionVelocityRoughEnvCfg

from .. import mdp
from ..device import default_device, default_num_envs
from ..terrains import FLAT_TERRAIN_CFG, ROUGH_TERRAIN_CFG

# legged_gym observation scales (obs = scale * quantity; noise is given in physical units before scaling)
OBS_SCALES = {
    "base_lin_vel": 2.0,
    "base_ang_vel": 0.25,
    "velocity_commands": (2.0, 2.0, 0.25),
    "joint_vel": 0.05,
    "height_scan": 5.0,
}
CLIP_OBSERVATIONS = 100.0


@configclass
class WalkRoughEnvCfg(LocomotionVelocityRoughEnvCfg):
    """Rough-terrain walking with the terrain curriculum: 235 observations for a 12-joint robot.

    The robot and its contact bodies are set by the robot's task config with :meth:`use_robot`.
    """

    only_positive_rewards: bool = True
    """legged_gym's clip of each step's total reward at zero (see :class:`ext_walk_minutes.envs.WalkEnv`)."""

    reward_clip_exempt_terms: tuple[str, ...] = ()
    """Reward terms added after the clip (legged_gym: the termination penalty)."""

    self_collisions: bool = False
    """Collisions between the robot's own bodies; legged_gym turns them off on rough terrain (cheaper)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        # -- device: CUDA when present, else CPU with a small robot count (train.py can override both)
        self.sim.device = default_device()
        self.scene.num_envs = default_num_envs(self.sim.device)

        # -- scene: legged_gym's terrain grid; nothing from the asset server (no MDL, no HDR sky)
        self.scene.terrain.terrain_generator = ROUGH_TERRAIN_CFG.replace()
        self.scene.terrain.terrain_generator.curriculum = True
        self.scene.terrain.max_init_terrain_level = 5
        self.scene.terrain.visual_material = None
        self.scene.sky_light = None

        # -- observations: legged_gym scales and clipping
        policy = self.observations.policy
        for name, scale in OBS_SCALES.items():
            term = getattr(policy, name)
            if term is not None:
                term.scale = scale
        for name in ("base_lin_vel", "base_ang_vel", "projected_gravity", "velocity_commands", "joint_pos",
                     "joint_vel", "actions"):
            getattr(policy, name).clip = (-CLIP_OBSERVATIONS, CLIP_OBSERVATIONS)

        # -- commands: heading mode, resampled every 10 s, |v| <= 1 m/s, yaw rate clipped to 1 rad/s
        cmd = self.commands.base_velocity
        cmd.resampling_time_range = (10.0, 10.0)
        cmd.heading_command = True
        cmd.heading_control_stiffness = 0.5
        cmd.rel_heading_envs = 1.0
        cmd.ranges.lin_vel_x = (-1.0, 1.0)
        cmd.ranges.lin_vel_y = (-1.0, 1.0)
        cmd.ranges.ang_vel_z = (-1.0, 1.0)
        cmd.ranges.heading = (-math.pi, math.pi)
        cmd.debug_vis = False

        # -- rewards: legged_gym weights (before x dt)
        rew = self.rewards
        rew.track_lin_vel_xy_exp.weight = 1.0
        rew.track_ang_vel_z_exp.weight = 0.5
        rew.lin_vel_z_l2.weight = -2.0
        rew.ang_vel_xy_l2.weight = -0.05
        rew.dof_torques_l2.weight = -1.0e-5
        rew.dof_acc_l2.weight = -2.5e-7
        rew.action_rate_l2.weight = -0.01
        rew.feet_air_time.weight = 1.0
        rew.feet_air_time.params["threshold"] = 0.5
        rew.undesired_contacts.weight = -1.0
        rew.undesired_contacts.params["threshold"] = 0.1
        rew.flat_orientation_l2 = None
        rew.dof_pos_limits = None

        # -- randomisation: friction U(0.5, 1.25), base mass +-5 kg, pushes to +-1 m/s every 15 s
        ev = self.events
        ev.physics_material.params["static_friction_range"] = (0.5, 1.25)
        ev.physics_material.params["dynamic_friction_range"] = (0.5, 1.25)
        ev.add_base_mass = EventTerm(
            func=mdp.randomize_rigid_body_mass,
            mode="startup",
            params={
                "asset_cfg": SceneEntityCfg("robot", body_names="base"),
                "mass_distribution_params": (-5.0, 5.0),
                "operation": "add",
            },
        )
        ev.base_com = None
        ev.base_external_force_torque = None
        ev.reset_base.params["pose_range"] = {"x": (-1.0, 1.0), "y": (-1.0, 1.0), "yaw": (-math.pi, math.pi)}
        ev.push_robot.interval_range_s = (15.0, 15.0)
        ev.push_robot.params["velocity_range"] = {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}

    def use_robot(self, robot: ArticulationCfg, *, base: str, feet: str, penalized: list[str]) -> None:
        """Put ``robot`` in the scene and name the bodies the contact terms use (regexes on body names).

        Args:
            robot: the robot's articulation config (any prim path; it is spawned at ``{ENV_REGEX_NS}/Robot``).
            base: body whose contact ends the episode (a failure, not a time-out).
            feet: bodies whose air time is rewarded.
            penalized: bodies whose contacts are penalised (legged_gym's ``penalize_contacts_on``).
        """
        articulation_props = [props.replace() for props in robot.spawn.articulation_props]
        for props in articulation_props:  # PhysX and Newton name the switch differently
            for name in ("enabled_self_collisions", "self_collision_enabled"):
                if hasattr(props, name):
                    setattr(props, name, self.self_collisions)
        self.scene.robot = robot.replace(
            prim_path="{ENV_REGEX_NS}/Robot", spawn=robot.spawn.replace(articulation_props=articulation_props)
        )
        self.rewards.feet_air_time.params["sensor_cfg"] = SceneEntityCfg("contact_forces", body_names=feet)
        self.rewards.undesired_contacts.params["sensor_cfg"] = SceneEntityCfg("contact_forces", body_names=penalized)
        self.terminations.base_contact.params["sensor_cfg"] = SceneEntityCfg("contact_forces", body_names=base)
        self.events.add_base_mass.params["asset_cfg"] = SceneEntityCfg("robot", body_names=base)


@configclass
class WalkFlatEnvCfg(WalkRoughEnvCfg):
    """Flat-ground walking (legged_gym's ``anymal_c_flat``): no height scan, 48 observations, no curriculum."""

    self_collisions: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        # -- physics: a flat ground needs far fewer contact slots (as Isaac Lab's flat velocity tasks)
        newton_mjwarp = self.sim.physics.newton_mjwarp
        newton_mjwarp.solver_cfg.njmax = 60
        newton_mjwarp.solver_cfg.nconmax = 25
        self.sim.physics.default = newton_mjwarp

        # -- scene
        self.scene.terrain.terrain_generator = FLAT_TERRAIN_CFG.replace()
        self.scene.terrain.max_init_terrain_level = None
        self.scene.height_scanner = None
        self.observations.policy.height_scan = None
        self.curriculum.terrain_levels = None

        # -- commands: yaw-rate mode, resampled every 4 s, |yaw rate| <= 1.5 rad/s
        cmd = self.commands.base_velocity
        cmd.heading_command = False
        cmd.rel_heading_envs = 0.0
        cmd.resampling_time_range = (4.0, 4.0)
        cmd.ranges.ang_vel_z = (-1.5, 1.5)
        cmd.ranges.heading = None

        # -- rewards: the flat config's overrides
        self.rewards.flat_orientation_l2 = RewTerm(func=mdp.flat_orientation_l2, weight=-5.0)
        self.rewards.dof_torques_l2.weight = -2.5e-5
        self.rewards.feet_air_time.weight = 2.0
