"""ANYmal B tasks: ANYmal C's tasks with ANYmal B in them; legged_gym changes nothing else (as the paper says)."""

from __future__ import annotations

from isaaclab_assets.robots import anymal as isaaclab_anymal

from ..robots import ANYMAL_B_CFG
from .anymal_c import ANYMAL_CONTACTS
from .registry import WalkRobot, register_robot_tasks

register_robot_tasks(
    "AnymalB",
    __name__,
    WalkRobot(ANYMAL_B_CFG, **ANYMAL_CONTACTS),
    official=WalkRobot(isaaclab_anymal.ANYMAL_B_CFG, **ANYMAL_CONTACTS),
)
