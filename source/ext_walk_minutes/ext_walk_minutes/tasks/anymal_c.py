"""ANYmal C tasks: the shared walking base plus the robot and its contact bodies (legged_gym's anymal_c configs)."""

from __future__ import annotations

from isaaclab_assets.robots import anymal as isaaclab_anymal

from ..robots import ANYMAL_C_CFG
from .registry import WalkRobot, register_robot_tasks

ANYMAL_CONTACTS = {"base": "base", "feet": ".*FOOT", "penalized": (".*THIGH", ".*SHANK")}
"""legged_gym's ANYmal contact bodies (also Isaac Lab's body names): terminate on base, penalise thighs and shanks."""

register_robot_tasks(
    "AnymalC",
    __name__,
    WalkRobot(ANYMAL_C_CFG, **ANYMAL_CONTACTS),
    official=WalkRobot(isaaclab_anymal.ANYMAL_C_CFG, **ANYMAL_CONTACTS),
)
