"""Agility Robotics Cassie: our open-chain description (docs/robots.md §6, legged_gym's model) and its cfg.

The real leg has closed loops (achilles rod, plantar rod) and leaf springs. As in legged_gym, the loops are
opened and the springs made rigid: per leg a chain of six revolute joints, all actuated,
``hip_abduction``, ``hip_rotation``, ``hip_flexion``, ``thigh_joint`` (knee), ``ankle_joint`` (the passive
tarsus on the real robot) and ``toe_joint``, named ``<joint>_{left,right}``. Bodies ``pelvis`` and
``{left,right}_{pelvis_rotation,hip,thigh,shin,tarsus,toe}``: 13 bodies, 30.47 kg. legged_gym's collision set:
a pelvis sphere and one capsule per toe (the feet); the legs themselves have no colliders, in both sets. The
actuators are legged_gym's ideal PD only: neither legged_gym nor Isaac Lab gives Cassie a DC-motor model.
"""

from __future__ import annotations

import math

from isaaclab.actuators import IdealPDActuatorCfg
from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace
from isaaclab_assets.robots import cassie as isaaclab_cassie

from .description import (
    DEFAULT_COLLISION_SET,
    ORIGIN,
    Body,
    Inertial,
    RevoluteJoint,
    RobotDescription,
    Sphere,
    urdf_cylinder_as_capsule,
    with_shapes,
)
from .merging import merge_inertials
from .mirroring import mirrored_legs
from .spawn import robot_spawn_cfg

CASSIE_LEGS: dict[str, tuple[int, int]] = {"left": (1, 1), "right": (1, -1)}

# legged_gym's toe collider: a URDF cylinder (r 0.02 m, 0.125 m long) its simulator collides as a capsule (0.165 m
# in all), centred at (0.030, 0, -0.030) in the toe frame,
# along (0.660, 0, 0.751) (horizontal at the default pose): a rotation about y of the capsule's x axis
_TOE_PITCH = math.atan2(-0.751, 0.660)
_TOE_ROT = (math.cos(_TOE_PITCH / 2), 0.0, math.sin(_TOE_PITCH / 2), 0.0)

_LEGGED_GYM_SHAPES: dict[str, tuple] = {
    "pelvis": (Sphere(0.25),),
    "{leg}_toe": (urdf_cylinder_as_capsule(0.02, 0.125, "x", (0.030, 0.0, -0.030), _TOE_ROT),),
}

COLLISION_SHAPES: dict[str, dict[str, tuple]] = {
    # legged_gym's URDF: a pelvis sphere and a capsule per toe, no leg shapes (docs/robots.md §6.4)
    "legged_gym": _LEGGED_GYM_SHAPES,
    # the same. A falling Cassie's light toe tunnels into the terrain mesh with either set (1.8-5.6 cm measured with
    # these shapes, tests/robots/test_robot_stability.py); with MuJoCo Menagerie's shin and tarsus capsules added it
    # went 15 cm deep, so the legs stay without colliders until the toe contact is fixed
    "detailed": _LEGGED_GYM_SHAPES,
}
"""Colliders per template body (left leg), for each collision set (:data:`.description.COLLISION_SETS`)."""

# Left leg; the right leg is its mirror image in y (same joint axes, so abduction limits flip: see overrides).
_LEG_BODIES = (
    Body("{leg}_pelvis_rotation", Inertial(1.82, (0.0257, 0.0001, 0.0179), (0.00272, 0.00559, 0.00464, 0, 0, 0))),
    Body("{leg}_hip", Inertial(1.17, (0.0, 0.0, 0.0557), (0.00608, 0.00644, 0.000842, 0, 0, 0))),
    Body("{leg}_thigh", Inertial(5.52, (0.0001, 0.0358, -0.0598), (0.0563, 0.0498, 0.018, 1.9e-5, -2.84e-4, -0.0117))),
    Body("{leg}_shin", Inertial(0.577, (0.0012, -0.0002, -0.1834), (0.0341, 0.0341, 0.00036, 0.0, -3.34e-4, 0.0))),
    Body(
        "{leg}_tarsus",
        Inertial(0.782, (-0.0306, 0.0013, -0.1105), (0.0231, 0.0239, 0.00113, -3.6e-5, 0.00288, -6.3e-5)),
    ),
    Body(
        "{leg}_toe",
        # legged_gym's toe inertia except Iyy: its 0.0104 kg m^2 is ~30x too large for 0.15 kg (docs/robots.md §6.3);
        # 3.3e-4 is MuJoCo Menagerie's largest principal moment of the same foot
        Inertial(0.15, (0.0275, 0.0001, -0.0047), (0.000171, 0.00033, 0.000287, 0.0, 9.9e-5, 0.0)),
    ),
)

_LEG_JOINTS = (
    RevoluteJoint(
        "hip_abduction_{leg}",
        "pelvis",
        "{leg}_pelvis_rotation",
        (-0.049, 0.135, 0.0),
        "x",
        -0.2618,
        0.3927,
        112.0,
        20.1475,
    ),
    RevoluteJoint(
        "hip_rotation_{leg}",
        "{leg}_pelvis_rotation",
        "{leg}_hip",
        (0.0, 0.0, -0.09),
        "z",
        -0.3927,
        0.3927,
        112.0,
        20.1475,
    ),
    RevoluteJoint("hip_flexion_{leg}", "{leg}_hip", "{leg}_thigh", ORIGIN, "-y", -0.8727, 1.3963, 195.0, 20.5085),
    RevoluteJoint(
        "thigh_joint_{leg}", "{leg}_thigh", "{leg}_shin", (0.0, -0.0045, -0.12), "-y", -2.8623, -0.6458, 195.0, 20.5085
    ),
    RevoluteJoint(
        "ankle_joint_{leg}", "{leg}_shin", "{leg}_tarsus", (0.02, 0.0, -0.4348), "-y", 0.6458, 2.8623, 195.0, 20.5085
    ),
    RevoluteJoint(
        "toe_joint_{leg}", "{leg}_tarsus", "{leg}_toe", (-0.04, 0.0, -0.408), "-y", -2.4435, -0.5236, 45.0, 20.5192
    ),
)

_PELVIS = Body(
    "pelvis",
    # + legged_gym's 0.1 kg dummy root link at the pelvis origin (its non-physical inertia is not copied)
    merge_inertials(
        [
            (Inertial(10.33, (0.0507, 0.0, 0.0284), (0.0942, 0.084, 0.113, 0.000169, 0.015, 0.000516)), ORIGIN),
            (Inertial(0.1, ORIGIN, (0.0,) * 6), ORIGIN),  # type: ignore[arg-type]
        ]
    ),
)


def _cassie(shapes: dict[str, tuple]) -> RobotDescription:
    pelvis, *leg_bodies = with_shapes((_PELVIS, *_LEG_BODIES), shapes)
    bodies, joints = mirrored_legs(
        leg_bodies,
        _LEG_JOINTS,
        legs=CASSIE_LEGS,
        mirror_x=False,
        overrides={"hip_abduction_right": {"lower": -0.3927, "upper": 0.2618}},
    )
    return RobotDescription(name="cassie", root="pelvis", bodies=(pelvis, *bodies), joints=joints)


CASSIE_SETS = {name: _cassie(shapes) for name, shapes in COLLISION_SHAPES.items()}
"""Cassie open-chain descriptions (SI units, base-aligned frames, q = 0: legs straight down) by collision set."""

CASSIE = CASSIE_SETS[DEFAULT_COLLISION_SET]
"""Cassie with the default collision set."""

# Reflected rotor inertia [kg m^2] (MuJoCo Menagerie, docs/robots.md §6.1); the ankle, passive on the real robot, gets
# the knee's. Besides being physical, it keeps the light toe stable under an explicit PD at 5 ms (Kd dt / I < 2).
_ARMATURE = {
    "hip_abduction_.*": 0.038125,
    "hip_rotation_.*": 0.038125,
    "hip_flexion_.*": 0.09344,
    "thigh_joint_.*": 0.09344,
    "ankle_joint_.*": 0.09344,
    "toe_joint_.*": 0.01225,
}

CASSIE_CFG: ArticulationCfg = replace(
    isaaclab_cassie.CASSIE_CFG,
    spawn=robot_spawn_cfg(isaaclab_cassie.CASSIE_CFG.spawn, "cassie"),
    init_state=replace(isaaclab_cassie.CASSIE_CFG.init_state, pos=(0.0, 0.0, 1.0)),
    soft_joint_pos_limit_factor=0.95,
    # legged_gym's PD gains, torque clipped to the URDF effort (112 / 195 / 45 N m, authored in our USD)
    actuators={
        "legs": IdealPDActuatorCfg(
            joint_names_expr=[".*"],
            stiffness={
                "hip_abduction_.*": 100.0,
                "hip_rotation_.*": 100.0,
                "hip_flexion_.*": 200.0,
                "thigh_joint_.*": 200.0,
                "ankle_joint_.*": 200.0,
                "toe_joint_.*": 40.0,
            },
            damping={
                "hip_abduction_.*": 3.0,
                "hip_rotation_.*": 3.0,
                "hip_flexion_.*": 6.0,
                "thigh_joint_.*": 6.0,
                "ankle_joint_.*": 6.0,
                "toe_joint_.*": 1.0,
            },
            armature=_ARMATURE,
        )
    },
)
"""Isaac Lab's Cassie cfg (legged_gym's default pose) on our USD, with legged_gym's spawn height (1.0 m), soft
position limits (95 %) and PD gains (Isaac Lab: implicit PD, toes Kp 20)."""
