"""Shared base of every walking task: legged_gym's MDP expressed as Isaac Lab manager terms.

Every task is ``Walk-{Flat,Rough}-<Robot>``: :class:`WalkRoughEnvCfg` or :class:`WalkFlatEnvCfg`
plus a robot (one module per robot in :mod:`ext_walk_minutes.tasks`,
e.g. ``tasks/anymal_c.py``). Numbers are legged_gym's
(``LeggedRobotCfg`` and the ANYmal C configs); Isaac Lab multiplies reward weights by the policy
step (0.02 s) exactly as legged_gym multiplies its scales by dt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from isaaclab.assets import ArticulationCfg
from isaaclab.managers import CurriculumTermCfg as CurrTerm
from isaaclab.managers import EventTermCfg as EventTerm
from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.managers import TerminationTermCfg as DoneTerm
from isaaclab.sim.spawners.materials import RigidBodyMaterialBaseCfg
from isaaclab.utils import configclass
from isaaclab.utils.noise import UniformNoiseCfg
from isaaclab_newton.physics import NewtonCfg
from isaaclab_physx.sim.spawners.materials import PhysxRigidBodyMaterialCfg
from isaaclab_tasks.core.velocity.velocity_env_cfg import LocomotionVelocityRoughEnvCfg, RoughPhysicsCfg

from .. import mdp
from ..device import default_device, default_num_envs
from ..terrains import FLAT_TERRAIN_CFG, ROUGH_TERRAIN_CFG

# legged_gym observation scales: obs = scale * quantity (terms not named here have scale 1)
OBS_SCALES = {
    "base_lin_vel": 2.0,
    "base_ang_vel": 0.25,
    "velocity_commands": (2.0, 2.0, 0.25),
    "joint_vel": 0.05,
    "height_scan": 5.0,
}
# legged_gym noise (noise_scales x noise_level 1) in physical units: U(-n, n) is added before scaling
OBS_NOISE = {
    "base_lin_vel": 0.1,  # m/s
    "base_ang_vel": 0.2,  # rad/s
    "projected_gravity": 0.05,
    "joint_pos": 0.01,  # rad
    "joint_vel": 1.5,  # rad/s
    "height_scan": 0.1,  # m
}
CLIP_OBSERVATIONS = 100.0
"""legged_gym clips every scaled observation to +-100 (Isaac Lab clips before scaling: +-100 / scale)."""
ROUGH_FRICTION_RANGE = (0.75, 1.125)
"""Friction coefficient of each robot's ground contacts on rough terrain, drawn once per robot at start-up: legged_gym's
robot friction U(0.5, 1.25) averaged (PhysX's default) with its terrain mesh's 1.0."""
FLAT_FRICTION_RANGE = (0.5, 1.25)
"""The same on flat ground: legged_gym's flat config draws the robot's U(0, 1.5), averaged with its plane's 1.0."""

PHYSICS_SUBSTEPS = 1
"""Solver substeps per 5 ms physics step: one, as legged_gym's PhysX runs (Isaac Lab's locomotion tasks take 2).
It halves the physics work (measured flat, 64 robots on CPU: about 1.5x the env-steps/s of two substeps, 730 Warp
launches per env step against 1334)
and every stability test passes with it: standing with the training drives and with a stiff hold, 1000 random-target
steps on the rough grid for every robot and collision set. ``env.sim.physics.num_substeps=2`` restores Isaac Lab's."""


CONTACTS_PER_ROBOT = 64
"""MuJoCo Warp's contact room per robot on rough terrain (Isaac Lab's locomotion tasks reserve 300). The room is one
pool of ``64 x robots`` shared by all robots, so the sum matters: ANYmal C flailing under random actions on the rough
grid (32 robots, 200 policy steps) used 20 contacts per robot on average, 48 in the busiest robot. A run that
outgrows it says so once per iteration (:class:`ext_walk_minutes.envs.solver_room.SolverRoomWatch`)."""

CONSTRAINT_ROWS_PER_ROBOT = 250
"""MuJoCo Warp's constraint rows per robot (Isaac Lab's: 1000); each robot has its own world and rows, so the busiest
robot matters. A contact in the solver takes four rows (pyramidal friction cone, condim 3: 2 x (3 - 1)), a joint at its
limit one; contacts within the detection gap but not touching take none. The stability test checks every robot's own
largest use. The solver's arrays and kernels span all the rows."""


def walk_newton_cfg() -> NewtonCfg:
    """Isaac Lab's locomotion physics on Newton MuJoCo Warp with :data:`PHYSICS_SUBSTEPS` and the contact and
    constraint room our robots need (the tests' physics too)."""
    cfg = RoughPhysicsCfg().newton_mjwarp
    # contact margin stays Isaac Lab's 0 (PhysX's rest offset in legged_gym): 0.01 would stand every robot 2 cm taller
    # and, measured on the rough grid, sinks feet as deep into the surface it makes (docs/mdp.md, Contact margin)
    cfg.num_substeps = PHYSICS_SUBSTEPS
    cfg.solver_cfg.nconmax = CONTACTS_PER_ROBOT
    cfg.solver_cfg.njmax = CONSTRAINT_ROWS_PER_ROBOT
    return cfg


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
        self._set_device_and_physics()
        self._set_scene()
        self._set_observations()
        self._set_commands()
        # -- terminations: besides Isaac Lab's (time-out, base contact), a robot whose physics blew up is reset
        self.terminations.non_finite_state = DoneTerm(func=mdp.non_finite_state)
        self._set_rewards()
        # -- curriculum: legged_gym's game-inspired terrain curriculum, mean level per type logged
        self.curriculum.terrain_levels = CurrTerm(func=mdp.terrain_levels_by_type)
        self._set_events()

    def _set_device_and_physics(self) -> None:
        """CUDA when present, else CPU with a small robot count (train.py can override both); Newton MuJoCo Warp
        as the default physics preset (``physics=...`` picks another)."""
        self.sim.device = default_device()
        self.scene.num_envs = default_num_envs(self.sim.device)
        self.sim.physics.newton_mjwarp = self.sim.physics.default = walk_newton_cfg()

    def _set_scene(self) -> None:
        """legged_gym's terrain grid with its curriculum, the ground's friction and the contact sensor's threshold;
        nothing from the asset server (no MDL, no HDR sky)."""
        self.scene.terrain.terrain_generator = ROUGH_TERRAIN_CFG.replace()
        self.scene.terrain.terrain_generator.curriculum = True
        self.scene.terrain.max_init_terrain_level = 5
        self.scene.terrain.visual_material = None
        self.scene.sky_light = None
        # MuJoCo (Newton) gives a contact the larger friction of its two shapes (PhysX: combine mode "max"),
        # so the ground has none of its own and each contact has the robot's sampled friction (the friction event
        # zeroes the ground again where Newton's height-field collider drops this material)
        self.scene.terrain.physics_material = PhysxRigidBodyMaterialCfg(
            static_friction=mdp.GROUND_FRICTION,
            dynamic_friction=mdp.GROUND_FRICTION,
            friction_combine_mode="max",
            restitution_combine_mode="multiply",
        )
        self.sim.physics_material = RigidBodyMaterialBaseCfg(static_friction=1.0, dynamic_friction=1.0)
        # contact = force above 1 N (legged_gym's air-time contact); Newton's sensor default is any force
        self.scene.contact_forces.force_threshold = 1.0

    def _set_observations(self) -> None:
        """legged_gym's observation scales, noise (physical units) and clipping (+-100 after scaling)."""
        policy = self.observations.policy
        for name in policy.to_dict():
            term = getattr(policy, name, None)
            if not hasattr(term, "func"):
                continue
            scale = OBS_SCALES.get(name, 1.0)
            if name in OBS_SCALES:
                term.scale = scale
            term.noise = UniformNoiseCfg(n_min=-OBS_NOISE[name], n_max=OBS_NOISE[name]) if name in OBS_NOISE else None
            if name != "height_scan":  # the scan is clipped to +-1 m before scaling (legged_gym alike)
                bound = CLIP_OBSERVATIONS / max(scale if isinstance(scale, tuple) else (scale,))
                term.clip = (-bound, bound)

    def _set_commands(self) -> None:
        """Heading mode, resampled every 10 s, |v| <= 1 m/s, yaw rate clipped to 1 rad/s; linear commands of at
        most 0.2 m/s zeroed (instead of Isaac Lab's random standing robots)."""
        self.commands.base_velocity = mdp.ZeroSlowVelocityCommandCfg(
            asset_name="robot",
            zero_below=0.2,
            rel_standing_envs=0.0,
            resampling_time_range=(10.0, 10.0),
            heading_command=True,
            heading_control_stiffness=0.5,
            rel_heading_envs=1.0,
            debug_vis=False,
            ranges=mdp.ZeroSlowVelocityCommandCfg.Ranges(
                lin_vel_x=(-1.0, 1.0), lin_vel_y=(-1.0, 1.0), ang_vel_z=(-1.0, 1.0), heading=(-math.pi, math.pi)
            ),
        )

    def _set_rewards(self) -> None:
        """legged_gym's reward weights (before Isaac Lab's x dt)."""
        rew = self.rewards
        rew.track_lin_vel_xy_exp.weight = 1.0
        rew.track_ang_vel_z_exp.weight = 0.5
        rew.lin_vel_z_l2.weight = -2.0
        rew.ang_vel_xy_l2.weight = -0.05
        rew.dof_torques_l2.weight = -1.0e-5
        rew.dof_acc_l2 = RewTerm(func=mdp.joint_acc_l2_policy_step, weight=-2.5e-7)
        rew.action_rate_l2.weight = -0.01
        rew.feet_air_time.weight = 1.0
        rew.feet_air_time.params["threshold"] = 0.5
        rew.undesired_contacts.weight = -1.0
        rew.undesired_contacts.params["threshold"] = 0.1
        rew.flat_orientation_l2 = None
        rew.dof_pos_limits = None

    def _set_events(self) -> None:
        """Randomisation: one ground friction per robot, base mass +-5 kg, pushes to +-1 m/s every 15 s; resets
        +-1 m around the tile centre."""
        ev = self.events
        ev.physics_material = EventTerm(
            func=mdp.randomize_robot_friction,
            mode="startup",
            params={"asset_cfg": SceneEntityCfg("robot", body_names=".*"), "friction_range": ROUGH_FRICTION_RANGE},
        )
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
        # reset: +-1 m around the tile centre, base velocities U(-0.5, 0.5), no yaw (legged_gym keeps the
        # initial orientation; the heading command supplies the turning)
        ev.reset_base.params["pose_range"] = {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}
        # all robots pushed at once every 15 s (a global clock as legged_gym), base v_xy set to U(-1, 1) m/s
        ev.push_robot = EventTerm(
            func=mdp.push_by_replacing_velocity,
            mode="interval",
            interval_range_s=(15.0, 15.0),
            is_global_time=True,
            params={"velocity_range": {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}},
        )

    def use_robot(self, robot: ArticulationCfg, *, base: str, feet: str, penalized: Sequence[str]) -> None:
        """Put ``robot`` in the scene and name the bodies the contact terms use (regexes on body names).

        Args:
            robot: the robot's articulation config (any prim path; it is spawned at ``{ENV_REGEX_NS}/Robot``).
            base: name of the root body: its contact ends the episode (a failure, not a time-out), its mass is
                randomised and the height scanner hangs from it.
            feet: bodies whose air time is rewarded.
            penalized: bodies whose contacts are penalised (legged_gym's ``penalize_contacts_on``); none removes
                the term (Cassie).

        Terms a robot's task config switched off (``None``) stay off, so a robot can be swapped in later.
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
        if not penalized:
            self.rewards.undesired_contacts = None
        elif self.rewards.undesired_contacts is not None:
            self.rewards.undesired_contacts.params["sensor_cfg"] = SceneEntityCfg(
                "contact_forces", body_names=list(penalized)
            )
        self.terminations.base_contact.params["sensor_cfg"] = SceneEntityCfg("contact_forces", body_names=base)
        if self.events.add_base_mass is not None:
            self.events.add_base_mass.params["asset_cfg"] = SceneEntityCfg("robot", body_names=base)
        if self.scene.height_scanner is not None:
            self.scene.height_scanner.prim_path = f"{{ENV_REGEX_NS}}/Robot/{base}"


@configclass
class WalkFlatEnvCfg(WalkRoughEnvCfg):
    """Flat-ground walking (legged_gym's ``anymal_c_flat``): no height scan, 48 observations, no curriculum."""

    self_collisions: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        # -- physics: a flat ground needs fewer contact slots per robot than rough terrain; more than Isaac Lab's
        # flat tasks (15-30) as our ground is a noisy mesh and self-collisions are on: robots flailing under random
        # actions touched up to 42 contacts each (25 overflowed, dropping contacts)
        newton_mjwarp = self.sim.physics.newton_mjwarp
        newton_mjwarp.solver_cfg.njmax = 200
        newton_mjwarp.solver_cfg.nconmax = 50
        self.sim.physics.default = newton_mjwarp

        # -- scene
        self.scene.terrain.terrain_generator = FLAT_TERRAIN_CFG.replace()
        self.scene.terrain.max_init_terrain_level = None
        self.scene.height_scanner = None
        self.observations.policy.height_scan = None
        self.curriculum.terrain_levels = None
        self.events.physics_material.params["friction_range"] = FLAT_FRICTION_RANGE

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
