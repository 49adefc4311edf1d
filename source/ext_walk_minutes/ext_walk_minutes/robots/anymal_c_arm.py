"""ANYmal C with a rigidly mounted arm (robots.md section 4): our ANYmal C plus a 10.4 kg payload, 20 % of its mass.

legged_gym publishes no arm model; robots.md proposes a stowed arm (shoulder cylinder + folded-arm box) on a fixed
mount on top of the base. Welded, it merges into ``base`` (as Isaac Gym merges fixed links), so the body and joint
names, the 12 actuated joints, the default pose, the actuators and the base-contact termination are ANYmal C's.
"""

from __future__ import annotations

from isaaclab.assets.articulation import ArticulationCfg
from isaaclab.utils import replace

from .anymal_c import ANYMAL_C, ANYMAL_C_CFG
from .description import Body, Box, Cylinder, Inertial, attach_rigidly, usd_path

ARM = Body(
    "arm",  # frame = base frame; solid-body composite of the two parts below (robots.md section 4)
    Inertial(10.4, (0.0546, 0.0, 0.2027), (0.02995, 0.21704, 0.20469, 0.0, 0.02617, 0.0)),
    (
        Cylinder(0.06, 0.08, "z", (0.20, 0.0, 0.13)),  # mount / shoulder, 2.0 kg
        Box((0.45, 0.10, 0.10), (0.02, 0.0, 0.22)),  # arm folded backwards over the body, 8.4 kg
    ),
)

ANYMAL_C_ARM = attach_rigidly(ANYMAL_C, ARM, into="base", name="anymal_c_arm")
"""ANYmal C description with the arm merged into ``base`` (62.5 kg)."""

ANYMAL_C_ARM_CFG: ArticulationCfg = replace(
    ANYMAL_C_CFG, spawn=replace(ANYMAL_C_CFG.spawn, usd_path=usd_path(ANYMAL_C_ARM))
)
"""Our ANYmal C cfg (ANYdrive DC motor, spawn 0.6 m, default pose) on the armed robot's USD."""
