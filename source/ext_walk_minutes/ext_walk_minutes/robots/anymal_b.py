"""ANYbotics ANYmal B: our own description (numbers from docs/robots.md §3) and its Isaac Lab cfg.

Same layout and names as ANYmal C (``base``, ``{leg}_{HIP,THIGH,SHANK,FOOT}``, joints ``{leg}_{HAA,HFE,KFE}``),
a shorter, lighter robot: manufacturer kinematics, masses and collision primitives (30.42 kg) plus legged_gym's
0.05 kg foot bodies (30.62 kg, legged_gym's model). Same actuator model as our ANYmal C.
"""

from __future__ import annotations

import math

from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace
from isaaclab_assets.robots import anymal as isaaclab_anymal

from .anymal_c import ANYMAL_C_CFG
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
from .mirroring import mirrored_legs
from .spawn import robot_spawn_cfg

_EFFORT = 80.0  # N m
_VELOCITY = 20.0  # rad/s: legged_gym's URDF, but 15 on three HAA joints (see _anymal_b)
_TURNS = 9.42  # rad: range of every joint


def _roll(angle: float) -> tuple[float, float, float, float]:
    """Quaternion (w, x, y, z) of a rotation by ``angle`` [rad] about x."""
    return (math.cos(angle / 2), math.sin(angle / 2), 0.0, 0.0)


# Left-front leg (mass properties; colliders come from the collision sets below); the other legs are mirrored
# (x*sx, y*sy) by `mirrored_legs`.
_LEG_BODIES = (
    Body(
        "{leg}_HIP",
        Inertial(1.42462, (0.06452, -0.00379, -0.00015), (0.002430, 0.002303, 0.001981, -1.5e-5, -2.2e-5, 2.6e-5)),
    ),
    Body(
        "{leg}_THIGH",
        Inertial(1.63498, (-0.00390, 0.05423, -0.21458), (0.012037, 0.012064, 0.002494, 6.8e-5, 2.88e-4, -0.001406)),
    ),
    Body(  # + foot adapter tube
        "{leg}_SHANK",
        Inertial(0.34738, (0.05873, -0.01082, -0.09806), (0.006858, 0.007704, 0.001019, 3.2e-5, 0.001429, -3.16e-4)),
    ),
    Body(  # legged_gym's foot link (the manufacturer model has no mass here)
        "{leg}_FOOT",
        Inertial(0.05, (0.0, 0.0, 0.02325), (0.001, 0.001, 8.3e-6, 0.0, 0.0, 0.0)),
    ),
)

_LEG_JOINTS = (
    RevoluteJoint("{leg}_HAA", "base", "{leg}_HIP", (0.277, 0.116, 0.0), "x", -_TURNS, _TURNS, _EFFORT, _VELOCITY),
    RevoluteJoint(
        "{leg}_HFE", "{leg}_HIP", "{leg}_THIGH", (0.0635, 0.041, 0.0), "y", -_TURNS, _TURNS, _EFFORT, _VELOCITY
    ),
    RevoluteJoint(
        "{leg}_KFE", "{leg}_THIGH", "{leg}_SHANK", (0.0, 0.109, -0.25), "y", -_TURNS, _TURNS, _EFFORT, _VELOCITY
    ),
    FixedJoint("{leg}_FOOT_FIXED", "{leg}_SHANK", "{leg}_FOOT", (0.10, -0.02, -0.32125)),
)

_BASE = Body(
    "base",
    Inertial(16.7935, (-0.00196, -0.00141, 0.05021), (0.217391, 0.639433, 0.624141, -0.001329, -0.002282, -0.001381)),
)

_BASE_BOX = Box((0.531, 0.27, 0.24), (0.0, 0.0, 0.08))
_KFE_DRIVE_AT = (0.0, 0.069, -0.25)
_FOOT_SPHERE = Sphere(0.031, (0.0, 0.0, 0.02325))

COLLISION_SHAPES: dict[str, dict[str, tuple[Shape, ...]]] = {
    # legged_gym's URDF: base box, KFE drive, adapter tube (0.25 m of the manufacturer's 0.32125 m), foot sphere
    "legged_gym": {
        "base": (_BASE_BOX,),
        "{leg}_THIGH": (urdf_cylinder_as_capsule(0.06, 0.12, "y", _KFE_DRIVE_AT),),
        "{leg}_SHANK": (urdf_cylinder_as_capsule(0.015, 0.25, "z", (0.10, -0.02, -0.160625)),),
        "{leg}_FOOT": (_FOOT_SPHERE,),
    },
    # the manufacturer's primitives (docs/robots.md §3.3)
    "detailed": {
        "base": (
            _BASE_BOX,
            *(Cylinder(0.05, 0.10, "x", (sx * 0.227, sy * 0.116, 0.0)) for sx in (1, -1) for sy in (1, -1)),  # HAA
            *(Box((0.10, 0.10, 0.07), (sx * 0.2155, 0.0, -0.09)) for sx in (1, -1)),  # belly bumps
            Box((0.531, 0.02, 0.07), (0.0, 0.0, -0.09)),  # belly plate
        ),
        # the protector; not the heat fins (r 0.045, 0.03 long at y -0.074): as a capsule (which every cylinder
        # becomes) they would reach 3 mm across the centre line into the other hip's, and the protector's capsule
        # nearly covers them anyway
        "{leg}_HIP": (Cylinder(0.08, 0.10, "y", (0.0635, -0.009, 0.0)),),
        "{leg}_THIGH": (
            Box((0.08, 0.04, 0.25), (0.0, 0.035, -0.125), _roll(0.145)),
            Cylinder(0.06, 0.12, "y", _KFE_DRIVE_AT),
            Cylinder(0.066, 0.12, "z", (0.0, -0.005, 0.0), _roll(1.716)),  # upper protector
        ),
        "{leg}_SHANK": (
            Box((0.13, 0.07, 0.08), (0.065, -0.015, 0.01)),
            Cylinder(0.015, 0.32125, "z", (0.10, -0.02, -0.1606)),
        ),
        "{leg}_FOOT": (_FOOT_SPHERE,),
    },
}
"""Colliders per template body (left-front leg), for each collision set (:data:`.description.COLLISION_SETS`)."""


def _anymal_b(shapes: dict[str, tuple[Shape, ...]]) -> RobotDescription:
    base, *leg_bodies = with_shapes((_BASE, *_LEG_BODIES), shapes)
    # legged_gym's URDF writes velocity 15 rad/s on LF, LH and RH_HAA and 20 on RF_HAA, as the manufacturer's did
    slow_haa = {"velocity": 15.0}
    bodies, joints = mirrored_legs(
        leg_bodies, _LEG_JOINTS, overrides={"LF_HAA": slow_haa, "LH_HAA": slow_haa, "RH_HAA": slow_haa}
    )
    return RobotDescription(name="anymal_b", root="base", bodies=(base, *bodies), joints=joints)


ANYMAL_B_SETS = {name: _anymal_b(shapes) for name, shapes in COLLISION_SHAPES.items()}
"""ANYmal B descriptions (SI units, base-aligned frames) by collision set."""

ANYMAL_B = ANYMAL_B_SETS[DEFAULT_COLLISION_SET]
"""ANYmal B with the default collision set."""

ANYMAL_B_CFG: ArticulationCfg = replace(
    isaaclab_anymal.ANYMAL_B_CFG,
    spawn=robot_spawn_cfg(isaaclab_anymal.ANYMAL_B_CFG.spawn, "anymal_b"),
    actuators=ANYMAL_C_CFG.actuators,
)
"""Isaac Lab's ANYmal B cfg (spawn height 0.6 m, ANYmal C's default pose) on our USD, with our ANYmal C's
actuators (ANYdrive DC motor, Kp 80, Kd 2): legged_gym gives ANYmal B the same actuator net as ANYmal C."""
