"""Unitree A1: our own description (numbers from robots.md section 5, legged_gym's model) and its Isaac Lab cfg.

Bodies ``base`` (the trunk, legged_gym's name) and ``{FL,FR,RL,RR}_{hip,thigh,calf,foot}``; joints
``{leg}_{hip,thigh,calf}_joint`` plus a fixed joint keeping each foot as a body. 12.45 kg, four times lighter than
ANYmal C. Unlike ANYmal, the hind legs are not mirror images of the front legs: only the hips sit mirrored at the
trunk's corners, and all four knees bend backwards. legged_gym's collision set (trunk box, thigh and calf boxes,
foot spheres; no hip shapes).
"""

from __future__ import annotations

from isaaclab.actuators import IdealPDActuatorCfg
from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace
from isaaclab_assets.robots import unitree as isaaclab_unitree

from .description import (
    Body,
    Box,
    FixedJoint,
    Inertial,
    RevoluteJoint,
    RobotDescription,
    Sphere,
    mirrored_legs,
    usd_path,
)

A1_LEGS: dict[str, tuple[int, int]] = {"FL": (1, 1), "FR": (1, -1), "RL": (-1, 1), "RR": (-1, -1)}
"""Leg prefix -> (sx, sy) signs (front/rear, left/right)."""

# Front-left leg (legged_gym's URDF, whose effort and velocity limits legged_gym clips to).
_LEG_BODIES = (
    Body("{leg}_hip", Inertial(0.696, (-0.003311, 0.000635, 3.1e-5), (0.000469, 0.000807, 0.000553, -9.4e-6, 0.0, 0.0))),
    Body(
        "{leg}_thigh",
        Inertial(1.013, (-0.003237, -0.022327, -0.027326), (0.005529, 0.005139, 0.001368, 4.8e-6, 3.44e-4, 2.24e-5)),
        (Box((0.034, 0.0245, 0.20), (0.0, 0.0, -0.10)),),
    ),
    Body(
        "{leg}_calf",
        Inertial(0.166, (0.006435, 0.0, -0.107388), (0.002998, 0.003014, 3.24e-5, 0.0, -1.41e-4, 0.0)),
        (Box((0.016, 0.016, 0.20), (0.0, 0.0, -0.10)),),
    ),
    Body("{leg}_foot", Inertial(0.06, (0.0, 0.0, 0.0), (9.6e-6, 9.6e-6, 9.6e-6, 0.0, 0.0, 0.0)), (Sphere(0.02),)),
)

_LEG_JOINTS = (
    RevoluteJoint("{leg}_hip_joint", "base", "{leg}_hip", (0.183, 0.047, 0.0), "x", -0.8029, 0.8029, 20.0, 52.4),
    RevoluteJoint("{leg}_thigh_joint", "{leg}_hip", "{leg}_thigh", (0.0, 0.08505, 0.0), "y", -1.0472, 4.1888, 55.0,
                  28.6),
    RevoluteJoint("{leg}_calf_joint", "{leg}_thigh", "{leg}_calf", (0.0, 0.0, -0.2), "y", -2.6965, -0.9163, 55.0, 28.6),
    FixedJoint("{leg}_foot_fixed", "{leg}_calf", "{leg}_foot", (0.0, 0.0, -0.2)),
)

_BASE = Body(
    "base",  # trunk + IMU
    Inertial(4.714, (0.012731, 0.002186, 0.000515), (0.016940, 0.056679, 0.064814, 8.4e-5, 5.98e-4, 2.5e-5)),
    (Box((0.267, 0.194, 0.114)),),
)

_legs = mirrored_legs(_LEG_BODIES, _LEG_JOINTS, legs=A1_LEGS, mirror_x={"{leg}_hip", "{leg}_hip_joint"})

UNITREE_A1 = RobotDescription(name="unitree_a1", root="base", bodies=(_BASE, *_legs[0]), joints=_legs[1])
"""Unitree A1 description (SI units, base-aligned frames)."""

JOINT_ARMATURE = 0.01
"""Reflected rotor inertia [kg m^2] of the A1 motors (MuJoCo Menagerie's value, robots.md 5.4)."""

UNITREE_A1_CFG: ArticulationCfg = replace(
    isaaclab_unitree.UNITREE_A1_CFG,
    spawn=replace(isaaclab_unitree.UNITREE_A1_CFG.spawn, usd_path=usd_path(UNITREE_A1)),
    # legged_gym's PD (no actuator model): Kp 20, Kd 0.5, torque clipped to the URDF effort (20 / 55 / 55 N m,
    # authored in our USD, which the actuator takes as its limit when none is given here)
    actuators={
        "legs": IdealPDActuatorCfg(
            joint_names_expr=[".*_hip_joint", ".*_thigh_joint", ".*_calf_joint"],
            stiffness=20.0,
            damping=0.5,
            armature=JOINT_ARMATURE,
        )
    },
)
"""Isaac Lab's A1 cfg (spawn height 0.42 m, legged_gym's default pose, soft joint limits at 90 %, no self
collisions) on our USD, with legged_gym's PD gains instead of Isaac Lab's DC motor (Kp 25, 33.5 N m)."""
