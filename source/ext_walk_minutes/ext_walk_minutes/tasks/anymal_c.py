"""ANYmal C tasks: the shared walking base plus the robot and its contact bodies (legged_gym's anymal_c configs)."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_assets.robots import anymal as isaaclab_anymal

from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import ANYMAL_C_CFG
from .registry import WalkRobot, register_tasks
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

ANYMAL_CONTACTS = {"base": "base", "feet": ".*FOOT", "penalized": (".*THIGH", ".*SHANK")}
"""legged_gym's ANYmal contact bodies (also Isaac Lab's body names): terminate on base, penalise thighs and shanks."""

ROBOT = WalkRobot(ANYMAL_C_CFG, **ANYMAL_CONTACTS)
"""Our ANYmal C and its contact bodies."""


@configclass
class AnymalCFlatEnvCfg(WalkFlatEnvCfg):
    """``Walk-Flat-AnymalC``: flat-ground walking with our ANYmal C."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalCRoughEnvCfg(WalkRoughEnvCfg):
    """``Walk-Rough-AnymalC``: rough-terrain walking with our ANYmal C."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalCFlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    """PPO runner of ``Walk-Flat-AnymalC``."""

    experiment_name = "Walk-Flat-AnymalC"


@configclass
class AnymalCRoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    """PPO runner of ``Walk-Rough-AnymalC``."""

    experiment_name = "Walk-Rough-AnymalC"


register_tasks(
    "AnymalC",
    flat=(AnymalCFlatEnvCfg, AnymalCFlatPPORunnerCfg),
    rough=(AnymalCRoughEnvCfg, AnymalCRoughPPORunnerCfg),
    robot=ROBOT,
    official=WalkRobot(isaaclab_anymal.ANYMAL_C_CFG, **ANYMAL_CONTACTS),
)
