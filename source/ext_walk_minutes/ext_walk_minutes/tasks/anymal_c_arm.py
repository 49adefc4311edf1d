"""ANYmal C with a fixed arm (20 % more mass): ANYmal C's tasks, same rewards and hyper-parameters.

Isaac Lab has no such asset, so there is no ``--asset official`` variant.
"""

from __future__ import annotations

from ..robots import ANYMAL_C_ARM_CFG
from .anymal_c import ANYMAL_CONTACTS
from .registry import WalkRobot, register_robot_tasks

register_robot_tasks("AnymalCArm", __name__, WalkRobot(ANYMAL_C_ARM_CFG, **ANYMAL_CONTACTS))
