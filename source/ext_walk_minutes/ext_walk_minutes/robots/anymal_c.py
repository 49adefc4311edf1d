"""ANYbotics ANYmal C: our own description (numbers from docs/robots.md §2) and its Isaac Lab cfg.

Bodies ``base`` and ``{LF,RF,LH,RH}_{HIP,THIGH,SHANK,FOOT}``; joints ``{leg}_{HAA,HFE,KFE}`` plus a
fixed joint per foot that keeps ``{leg}_FOOT`` as a body for contact sensing. Composite inertials
(fixed links merged, 52.135 kg in total), two collision sets (legged_gym's and the manufacturer's "simple
description" primitives) and legged_gym's joint limits. The ArticulationCfg is Isaac Lab's own ``ANYMAL_C_CFG``
with our cached USD and the ANYdrive DC-motor actuator instead of the LSTM actuator net (whose weights we cannot ship).
"""

from __future__ import annotations

from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace
from isaaclab_assets.robots import anymal as isaaclab_anymal

from .description import (
    DEFAULT_COLLISION_SET,
    Body,
    Box,
    Cylinder,
    FixedJoint,
    Inertial,
    RevoluteJoint,
    RobotDescription,
    Shape,
    Sphere,
    urdf_cylinder_as_capsule,
    with_shapes,
)
from .drives import drive_choice
from .mirroring import mirrored_legs
from .spawn import robot_spawn_cfg

# legged_gym's URDF: every joint limit="80" N m, velocity 20 rad/s, no position limits (the manufacturer's HAA range,
# [-0.72, 0.49] rad mirrored, is left out as legged_gym's robots never met it); the ANYdrive model bounds the speed
_EFFORT = 80.0  # N m
_VELOCITY = 20.0  # rad/s
_FOOT_IN_SHANK = (0.08795, 0.01305, -0.33797)  # m: FOOT frame origin in the SHANK frame

# Left-front leg (mass properties; colliders come from the collision sets below); the other legs are mirrored
# (x*sx, y*sy) by `mirrored_legs`.
_LEG_BODIES = (
    Body(  # hip + HFE drive
        "{leg}_HIP",
        Inertial(2.781, (0.05666, 0.01739, -0.00046), (0.003296, 0.004938, 0.005833, -4.5e-5, -9.8e-5, 1.36e-4)),
    ),
    Body(  # thigh + KFE drive
        "{leg}_THIGH",
        Inertial(3.071, (-0.00005, 0.03081, -0.24570), (0.029904, 0.029564, 0.004861, -4.4e-5, -9.4e-5, 0.004142)),
    ),
    Body(
        "{leg}_SHANK",
        Inertial(0.33842, (0.03453, 0.00686, 0.00098), (0.000329, 0.001112, 0.000896, 2.1e-5, 1.3e-5, 0.0)),
    ),
    Body(  # foot + carbon lower-leg tube
        "{leg}_FOOT",
        Inertial(0.25, (0.00948, -0.00948, 0.14680), (0.003172, 0.003172, 0.000083, 3e-6, 6.8e-5, 6.8e-5)),
    ),
)

_LEG_JOINTS = (
    RevoluteJoint("{leg}_HAA", "base", "{leg}_HIP", (0.2999, 0.104, 0.0), "x", None, None, _EFFORT, _VELOCITY),
    RevoluteJoint("{leg}_HFE", "{leg}_HIP", "{leg}_THIGH", (0.0599, 0.08381, 0.0), "y", None, None, _EFFORT, _VELOCITY),
    RevoluteJoint(
        "{leg}_KFE", "{leg}_THIGH", "{leg}_SHANK", (0.0, 0.1003, -0.285), "y", None, None, _EFFORT, _VELOCITY
    ),
    FixedJoint("{leg}_FOOT_FIXED", "{leg}_SHANK", "{leg}_FOOT", _FOOT_IN_SHANK),
)

_BASE = Body(  # + 4 HAA drives, shells, battery, faces, cameras, lidar, handle, hatch
    "base",
    Inertial(26.3732, (-0.01779, -0.00018, 0.00850), (0.216712, 1.785162, 1.833699, 0.009224, 0.058933, -0.000164)),
)

FOOT_SPHERE = Sphere(0.03, (0.0, 0.0, 0.0225))
"""The foot's contact sphere, in the FOOT frame (both sets)."""

COLLISION_SHAPES: dict[str, dict[str, tuple[Shape, ...]]] = {
    # legged_gym's URDF after merging fixed links: 13 shapes, its cylinders as its simulator's capsules (0.95, 0.20
    # and 0.235 m long in all)
    "legged_gym": {
        "base": (urdf_cylinder_as_capsule(0.10, 0.75, "x"),),
        "{leg}_THIGH": (urdf_cylinder_as_capsule(0.06, 0.08, "y", (0.0, 0.0303, -0.285)),),  # KFE drive, at the knee
        "{leg}_SHANK": (urdf_cylinder_as_capsule(0.0175, 0.2, "z", (0.10, 0.01, -0.20)),),  # lower-leg (adapter) tube
        "{leg}_FOOT": (FOOT_SPHERE,),
    },
    # the manufacturer's "simple description" primitives: 44 shapes
    "detailed": {
        "base": (
            Box((0.58, 0.14, 0.18)),
            *(Cylinder(0.09, 0.145, "x", (sx * 0.2175, sy * 0.07, 0.0)) for sx in (1, -1) for sy in (1, -1)),
            *(Box((0.11, 0.14, 0.18), (sx * 0.4695, 0.0, 0.0)) for sx in (1, -1)),
            *(Cylinder(0.09, 0.11, "x", (sx * 0.4695, sy * 0.07, 0.0)) for sx in (1, -1) for sy in (1, -1)),
            Cylinder(0.07, 0.12, "z", (-0.364, 0.0, 0.1335)),  # lidar cage
        ),
        "{leg}_HIP": (Cylinder(0.05, 0.14, "y", (0.0599, 0.0138, 0.0)),),
        "{leg}_THIGH": (
            Cylinder(0.065, 0.08, "y", (0.0, 0.04, 0.0)),
            Box((0.075, 0.06, 0.2826), (0.0, 0.03, -0.1413)),
            Cylinder(0.05, 0.14, "y", (0.0, 0.0303, -0.285)),
        ),
        "{leg}_SHANK": (
            Cylinder(0.06, 0.04, "y", (0.0, 0.02, 0.0)),
            Box((0.115, 0.04, 0.0675), (0.0575, 0.02, 0.0)),
            # the lower-leg tube: its mass rides on FOOT, but its collider sits on SHANK as in legged_gym, so that a
            # shin striking an edge is a penalised shank contact, not a foot contact (manufacturer: centre (0, 0,
            # 0.169) in the FOOT frame)
            Cylinder(0.0175, 0.2825, "z", tuple(a + b for a, b in zip(_FOOT_IN_SHANK, (0.0, 0.0, 0.169)))),
        ),
        "{leg}_FOOT": (FOOT_SPHERE,),
    },
}
"""Colliders per template body (left-front leg), for each collision set (:data:`.description.COLLISION_SETS`)."""


def _anymal_c(shapes: dict[str, tuple[Shape, ...]]) -> RobotDescription:
    base, *leg_bodies = with_shapes((_BASE, *_LEG_BODIES), shapes)
    bodies, joints = mirrored_legs(leg_bodies, _LEG_JOINTS)
    return RobotDescription(name="anymal_c", root="base", bodies=(base, *bodies), joints=joints)


MANUFACTURER_POSITION_LIMITS = {
    "LF_HAA": (-0.72, 0.49),
    "LH_HAA": (-0.72, 0.49),
    "RF_HAA": (-0.49, 0.72),
    "RH_HAA": (-0.49, 0.72),
}
"""ANYbotics' hip abduction range [rad] (docs/robots.md §2.1; asymmetric, so mirrored on the right), which
legged_gym's URDF leaves out: ``env.scene.robot.spawn.joint_limits=manufacturer`` (the H200 fixture policy was trained
with it)."""

ANYMAL_C_SETS = {name: _anymal_c(shapes) for name, shapes in COLLISION_SHAPES.items()}
"""ANYmal C descriptions (SI units, base-aligned frames) by collision set."""

ANYMAL_C = ANYMAL_C_SETS[DEFAULT_COLLISION_SET]
"""ANYmal C with the default collision set."""

JOINT_ARMATURE = 0.01
"""Joint armature (reflected drive inertia) [kg m^2] set by the actuator cfg, not the USD. Light links
held by an explicit PD can chatter under MJWarp at 5 ms without it; ANYmal C measured stable either
way (standing and random targets), so this is a small safety margin, not a fitted value."""

ANYDRIVE_PD_GAINS = {"stiffness": 80.0, "damping": 2.0}
"""legged_gym's ANYmal PD gains when its actuator network is off (Kp [N m/rad], Kd [N m s/rad]). The network's
weights can't be shipped, so the ANYdrive DC-motor model (saturation 120 N m, effort 80 N m, 7.5 rad/s) gets these
gains instead of Isaac Lab's Kp 40 / Kd 5: with Kp 40 the static knee load (~28 N m) needs ~0.7 rad of error and
the stance sags to 0.40 m (the 62.5 kg armed robot onto its shanks); with Kp 80 ANYmal C holds 0.49 m."""

ANYDRIVE_DC_MOTOR_CFG = replace(
    isaaclab_anymal.ANYDRIVE_3_SIMPLE_ACTUATOR_CFG, armature=JOINT_ARMATURE, **ANYDRIVE_PD_GAINS
)
"""Isaac Lab's ANYdrive DC motor (saturation 120 N m, effort 80 N m, no-load speed 7.5 rad/s) at legged_gym's PD
gains."""

ANYDRIVE_DEFAULT_MODEL = "dc_motor"
"""Kept until a GPU comparison of time to walk decides (docs/mdp.md); ``presets=ideal_pd`` selects legged_gym's
fallback PD (clip at 80 N m, no speed cut)."""

ANYMAL_C_CFG: ArticulationCfg = replace(
    isaaclab_anymal.ANYMAL_C_CFG,
    spawn=robot_spawn_cfg(isaaclab_anymal.ANYMAL_C_CFG.spawn, "anymal_c"),
    actuators={"legs": drive_choice(ANYDRIVE_DC_MOTOR_CFG, ANYDRIVE_DEFAULT_MODEL)},
)
"""Isaac Lab's ANYmal C cfg (spawn height 0.6 m, default pose, contact sensors, self collisions) on our USD,
with a choice of drive model (:func:`.drives.drive_choice`, default the ANYdrive DC motor) at legged_gym's PD gains
(:data:`ANYDRIVE_PD_GAINS`). Holding the default
targets, the base settles at 0.49 m (0.549 m kinematically): a policy adds the remaining offsets itself."""
