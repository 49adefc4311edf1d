"""ANYmal C with a fixed arm (20 % more mass): ANYmal C's tasks, same rewards and hyper-parameters.

Isaac Lab has no such asset, so there is no ``--asset official`` variant.
"""

from __future__ import annotations

from isaaclab.utils import configclass

from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import ANYMAL_C_ARM_CFG
from .anymal_c import ANYMAL_CONTACTS
from .registry import WalkRobot, register_tasks
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

ROBOT = WalkRobot(ANYMAL_C_ARM_CFG, **ANYMAL_CONTACTS)
"""Our ANYmal C with the arm merged into its base: ANYmal C's contact bodies."""


@configclass
class AnymalCArmFlatEnvCfg(WalkFlatEnvCfg):
    """``Walk-Flat-AnymalCArm``: flat-ground walking with the armed ANYmal C."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalCArmRoughEnvCfg(WalkRoughEnvCfg):
    """``Walk-Rough-AnymalCArm``: rough-terrain walking with the armed ANYmal C."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalCArmFlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    """PPO runner of ``Walk-Flat-AnymalCArm``."""

    experiment_name = "Walk-Flat-AnymalCArm"


@configclass
class AnymalCArmRoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    """PPO runner of ``Walk-Rough-AnymalCArm``."""

    experiment_name = "Walk-Rough-AnymalCArm"


register_tasks(
    "AnymalCArm",
    flat=(AnymalCArmFlatEnvCfg, AnymalCArmFlatPPORunnerCfg),
    rough=(AnymalCArmRoughEnvCfg, AnymalCArmRoughPPORunnerCfg),
    robot=ROBOT,
)
