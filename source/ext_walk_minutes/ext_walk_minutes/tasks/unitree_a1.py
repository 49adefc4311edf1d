"""Unitree A1 tasks (legged_gym's a1 config): a PD-controlled robot four times lighter than ANYmal C.

What differs from the ANYmal tasks: the robot and its contact bodies, a smaller action scale, a stronger torque
penalty, a joint-limit penalty, and no base-mass randomisation (the A1 trunk weighs less than the +-5 kg range).
"""

from __future__ import annotations

from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab_assets.robots import unitree as isaaclab_unitree

from .. import mdp
from ..robots import UNITREE_A1_CFG
from .registry import WalkRobot, register_robot_tasks
from .walk_env_cfg import WalkRoughEnvCfg

_FEET, _PENALIZED = ".*_foot", (".*_thigh", ".*_calf")


def _adapt(cfg: WalkRoughEnvCfg) -> None:
    cfg.actions.joint_pos.scale = 0.25
    cfg.rewards.dof_torques_l2.weight = -2.0e-4
    # outside 90 % of the joint range (the robot cfg's soft_joint_pos_limit_factor)
    cfg.rewards.dof_pos_limits = RewTerm(func=mdp.joint_pos_limits, weight=-10.0)
    cfg.events.add_base_mass = None


register_robot_tasks(
    "A1",
    __name__,
    WalkRobot(UNITREE_A1_CFG, base="base", feet=_FEET, penalized=_PENALIZED),
    _adapt,
    # Isaac Lab's A1 calls the trunk `trunk` (legged_gym merges it into `base`)
    official=WalkRobot(isaaclab_unitree.UNITREE_A1_CFG, base="trunk", feet=_FEET, penalized=_PENALIZED),
)
