"""ANYmal B tasks: ANYmal C's tasks with ANYmal B in them; legged_gym changes nothing else (as the paper says)."""

from __future__ import annotations

from isaaclab.utils import configclass
from isaaclab_assets.robots import anymal as isaaclab_anymal

from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import ANYMAL_B_CFG
from .anymal_c import ANYMAL_CONTACTS
from .registry import WalkRobot, register_tasks
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

ROBOT = WalkRobot(ANYMAL_B_CFG, **ANYMAL_CONTACTS)
"""Our ANYmal B, with ANYmal C's contact bodies (same body names)."""


@configclass
class AnymalBFlatEnvCfg(WalkFlatEnvCfg):
    """``Walk-Flat-AnymalB``: flat-ground walking with our ANYmal B."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalBRoughEnvCfg(WalkRoughEnvCfg):
    """``Walk-Rough-AnymalB``: rough-terrain walking with our ANYmal B."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)


@configclass
class AnymalBFlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    """PPO runner of ``Walk-Flat-AnymalB``."""

    experiment_name = "Walk-Flat-AnymalB"


@configclass
class AnymalBRoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    """PPO runner of ``Walk-Rough-AnymalB``."""

    experiment_name = "Walk-Rough-AnymalB"


register_tasks(
    "AnymalB",
    flat=(AnymalBFlatEnvCfg, AnymalBFlatPPORunnerCfg),
    rough=(AnymalBRoughEnvCfg, AnymalBRoughPPORunnerCfg),
    robot=ROBOT,
    official=WalkRobot(isaaclab_anymal.ANYMAL_B_CFG, **ANYMAL_CONTACTS),
)
