"""Unitree A1: our own description (numbers from docs/robots.md §5, legged_gym's model) and its Isaac Lab cfg.

Bodies ``base`` (the trunk, legged_gym's name) and ``{FL,FR,RL,RR}_{hip,thigh,calf,foot}``; joints
``{leg}_{hip,thigh,calf}_joint`` plus a fixed joint keeping each foot as a body. 12.45 kg, four times lighter than
ANYmal C. Unlike ANYmal, the hind legs are not mirror images of the front legs: only the hips sit mirrored at the
trunk's corners, and all four knees bend backwards. Collision sets: legged_gym's (trunk box, thigh and calf boxes,
foot spheres; no hip shapes) and a detailed one with hip motors.
"""

from __future__ import annotations

import math

from isaaclab.actuators import DCMotorCfg
from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace
from isaaclab_assets.robots import unitree as isaaclab_unitree

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
    with_shapes,
)
from .drives import drive_choice
from .mirroring import mirrored_legs
from .spawn import robot_spawn_cfg

A1_LEGS: dict[str, tuple[int, int]] = {"FL": (1, 1), "FR": (1, -1), "RL": (-1, 1), "RR": (-1, -1)}
"""Leg prefix -> (sx, sy) signs (front/rear, left/right)."""

# Front-left leg (legged_gym's URDF, whose effort and velocity limits legged_gym clips to); colliders come from the
# collision sets below.
_LEG_BODIES = (
    Body(
        "{leg}_hip", Inertial(0.696, (-0.003311, 0.000635, 3.1e-5), (0.000469, 0.000807, 0.000553, -9.4e-6, 0.0, 0.0))
    ),
    Body(
        "{leg}_thigh",
        Inertial(1.013, (-0.003237, -0.022327, -0.027326), (0.005529, 0.005139, 0.001368, 4.8e-6, 3.44e-4, 2.24e-5)),
    ),
    Body("{leg}_calf", Inertial(0.166, (0.006435, 0.0, -0.107388), (0.002998, 0.003014, 3.24e-5, 0.0, -1.41e-4, 0.0))),
    Body("{leg}_foot", Inertial(0.06, (0.0, 0.0, 0.0), (9.6e-6, 9.6e-6, 9.6e-6, 0.0, 0.0, 0.0))),
)

# position limits [rad] of legged_gym's URDF, which writes them in radians of whole and half degrees
_HIP_RANGE = (math.radians(-46.0), math.radians(46.0))
_THIGH_RANGE = (math.radians(-60.0), math.radians(240.0))
_CALF_RANGE = (math.radians(-154.5), math.radians(-52.5))

_LEG_JOINTS = (
    RevoluteJoint("{leg}_hip_joint", "base", "{leg}_hip", (0.183, 0.047, 0.0), "x", *_HIP_RANGE, 20.0, 52.4),
    RevoluteJoint("{leg}_thigh_joint", "{leg}_hip", "{leg}_thigh", (0.0, 0.08505, 0.0), "y", *_THIGH_RANGE, 55.0, 28.6),
    RevoluteJoint("{leg}_calf_joint", "{leg}_thigh", "{leg}_calf", (0.0, 0.0, -0.2), "y", *_CALF_RANGE, 55.0, 28.6),
    FixedJoint("{leg}_foot_fixed", "{leg}_calf", "{leg}_foot", (0.0, 0.0, -0.2)),
)

_BASE = Body(
    "base",  # trunk + IMU
    Inertial(4.714, (0.012731, 0.002186, 0.000515), (0.016940, 0.056679, 0.064814, 8.4e-5, 5.98e-4, 2.5e-5)),
)

_LEGGED_GYM_SHAPES: dict[str, tuple[Shape, ...]] = {
    "base": (Box((0.267, 0.194, 0.114)),),
    "{leg}_thigh": (Box((0.034, 0.0245, 0.20), (0.0, 0.0, -0.10)),),
    "{leg}_calf": (Box((0.016, 0.016, 0.20), (0.0, 0.0, -0.10)),),
    "{leg}_foot": (Sphere(0.02),),
}

COLLISION_SHAPES: dict[str, dict[str, tuple[Shape, ...]]] = {
    # legged_gym's URDF: trunk, thigh and calf boxes, foot spheres; its hip shapes are commented out
    # (docs/robots.md §5.3)
    "legged_gym": _LEGGED_GYM_SHAPES,
    # A1 has no manufacturer primitives; "detailed" adds MuJoCo Menagerie's hip motor (r 0.04, 0.08 long along y,
    # 0.055 m outboard of the hip joint) to legged_gym's set
    "detailed": {**_LEGGED_GYM_SHAPES, "{leg}_hip": (Cylinder(0.04, 0.08, "y", (0.0, 0.055, 0.0)),)},
}
"""Colliders per template body (front-left leg), for each collision set (:data:`.description.COLLISION_SETS`)."""


def _unitree_a1(shapes: dict[str, tuple[Shape, ...]]) -> RobotDescription:
    base, *leg_bodies = with_shapes((_BASE, *_LEG_BODIES), shapes)
    bodies, joints = mirrored_legs(leg_bodies, _LEG_JOINTS, legs=A1_LEGS, mirror_x={"{leg}_hip", "{leg}_hip_joint"})
    return RobotDescription(name="unitree_a1", root="base", bodies=(base, *bodies), joints=joints)


UNITREE_A1_SETS = {name: _unitree_a1(shapes) for name, shapes in COLLISION_SHAPES.items()}
"""Unitree A1 descriptions (SI units, base-aligned frames) by collision set."""

UNITREE_A1 = UNITREE_A1_SETS[DEFAULT_COLLISION_SET]
"""Unitree A1 with the default collision set."""

JOINT_ARMATURE = 0.01
"""Reflected rotor inertia [kg m^2] of the A1 motors (MuJoCo Menagerie's value, docs/robots.md §5.4)."""

UNITREE_A1_CFG: ArticulationCfg = replace(
    isaaclab_unitree.UNITREE_A1_CFG,
    spawn=robot_spawn_cfg(isaaclab_unitree.UNITREE_A1_CFG.spawn, "unitree_a1"),
    # legged_gym's PD (no actuator model): Kp 20, Kd 0.5, torque clipped to the URDF effort (20 / 55 / 55 N m,
    # authored in our USD, which the actuator takes as its limit when none is given here)
    actuators={
        "legs": drive_choice(
            DCMotorCfg(
                joint_names_expr=[".*_hip_joint", ".*_thigh_joint", ".*_calf_joint"],
                stiffness=20.0,
                damping=0.5,
                armature=JOINT_ARMATURE,
                saturation_effort=33.5,  # dc_motor: Isaac Lab's A1 motor curve (stall 33.5 N m, no load 21 rad/s)
                actuator_velocity_limit=21.0,
            ),
            default="ideal_pd",
        )
    },
)
"""Isaac Lab's A1 cfg (spawn height 0.42 m, legged_gym's default pose, soft joint limits at 90 %, no self
collisions) on our USD, with legged_gym's PD (Kp 20, Kd 0.5, torque clipped at the URDF effort; drive model
``ideal_pd``) instead of Isaac Lab's DC motor (Kp 25, 33.5 N m), whose torque-speed curve ``presets=dc_motor`` adds."""
