"""Unitree A1 tasks (legged_gym's a1 config): a PD-controlled robot four times lighter than ANYmal C.

What differs from the ANYmal tasks: the robot and its contact bodies, a smaller action scale, a stronger torque
penalty, a joint-limit penalty, and no base-mass randomisation (the A1 trunk weighs less than the +-5 kg range).
"""

from __future__ import annotations

from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.utils import configclass
from isaaclab_assets.robots import unitree as isaaclab_unitree

from .. import mdp
from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import UNITREE_A1_CFG
from .registry import WalkRobot, register_tasks
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

_FEET, _PENALIZED = ".*_foot", (".*_thigh", ".*_calf")

ROBOT = WalkRobot(UNITREE_A1_CFG, base="base", feet=_FEET, penalized=_PENALIZED)
"""Our A1 and its contact bodies."""


def _adapt(cfg: WalkRoughEnvCfg) -> None:
    """The A1's changes to the shared MDP, made after the robot is in (both terrains)."""
    cfg.actions.joint_pos.scale = 0.25
    cfg.rewards.dof_torques_l2.weight = -2.0e-4
    # outside 90 % of the joint range (the robot cfg's soft_joint_pos_limit_factor)
    cfg.rewards.dof_pos_limits = RewTerm(func=mdp.joint_pos_limits, weight=-10.0)
    cfg.events.add_base_mass = None


@configclass
class A1FlatEnvCfg(WalkFlatEnvCfg):
    """``Walk-Flat-A1``: flat-ground walking with our Unitree A1."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)
        _adapt(self)


@configclass
class A1RoughEnvCfg(WalkRoughEnvCfg):
    """``Walk-Rough-A1``: rough-terrain walking with our Unitree A1."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)
        _adapt(self)


@configclass
class A1FlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    """PPO runner of ``Walk-Flat-A1``."""

    experiment_name = "Walk-Flat-A1"


@configclass
class A1RoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    """PPO runner of ``Walk-Rough-A1``."""

    experiment_name = "Walk-Rough-A1"


register_tasks(
    "A1",
    flat=(A1FlatEnvCfg, A1FlatPPORunnerCfg),
    rough=(A1RoughEnvCfg, A1RoughPPORunnerCfg),
    robot=ROBOT,
    # Isaac Lab's A1 calls the trunk `trunk` (legged_gym merges it into `base`)
    official=WalkRobot(isaaclab_unitree.UNITREE_A1_CFG, base="trunk", feet=_FEET, penalized=_PENALIZED),
)
