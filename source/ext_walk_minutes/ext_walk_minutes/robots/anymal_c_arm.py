"""ANYmal C with a rigidly mounted arm (docs/robots.md §4): our ANYmal C plus a 10.4 kg payload, 20 % of its mass.

legged_gym publishes no arm model, so ours is a stand-in of the paper's mass: a stowed arm (shoulder cylinder +
folded-arm box) on a fixed mount on top of the base. Welded, it merges into ``base`` (as Isaac Gym merges fixed
links), so the body and joint names, the 12 actuated joints, the default pose, the actuators and the base-contact
termination are ANYmal C's.
"""

from __future__ import annotations

import dataclasses

from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace

from .anymal_c import ANYMAL_C_CFG, ANYMAL_C_SETS
from .description import DEFAULT_COLLISION_SET, Body, Box, Cylinder, Inertial
from .merging import attach_rigidly

ARM = Body(
    "arm",  # frame = base frame; solid-body composite of the two parts below (docs/robots.md §4)
    Inertial(10.4, (0.0546, 0.0, 0.2027), (0.02995, 0.21704, 0.20469, 0.0, 0.02617, 0.0)),
)

_FOLDED_ARM = Box((0.45, 0.10, 0.10), (0.02, 0.0, 0.22))  # arm folded backwards over the body, 8.4 kg

ARM_SHAPES = {
    # one primitive, as legged_gym's sets are minimal: the folded arm; the mount below it sits in the gap between
    # the arm and the base capsule, where nothing else can reach
    "legged_gym": (_FOLDED_ARM,),
    "detailed": (Cylinder(0.06, 0.08, "z", (0.20, 0.0, 0.13)), _FOLDED_ARM),  # + mount / shoulder, 2.0 kg
}
"""The arm's colliders (base frame) for each collision set."""

ANYMAL_C_ARM_SETS = {
    name: attach_rigidly(desc, dataclasses.replace(ARM, shapes=ARM_SHAPES[name]), into="base", name="anymal_c_arm")
    for name, desc in ANYMAL_C_SETS.items()
}
"""ANYmal C descriptions with the arm merged into ``base`` (62.5 kg), by collision set."""

ANYMAL_C_ARM = ANYMAL_C_ARM_SETS[DEFAULT_COLLISION_SET]
"""ANYmal C with arm, default collision set."""

ANYMAL_C_ARM_CFG: ArticulationCfg = replace(ANYMAL_C_CFG, spawn=replace(ANYMAL_C_CFG.spawn, robot="anymal_c_arm"))
"""Our ANYmal C cfg (ANYdrive DC motor, spawn 0.6 m, default pose) on the armed robot's USD."""
