"""ANYmal C tasks: the shared walking base plus the robot and its contact bodies."""

from __future__ import annotations

from isaaclab.utils import configclass

from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import ANYMAL_C_CFG
from .registry import register_walk_task
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg


def _use_anymal_c(cfg: WalkRoughEnvCfg) -> None:
    cfg.use_robot(ANYMAL_C_CFG, base="base", feet=".*FOOT", penalized=[".*THIGH", ".*SHANK"])


@configclass
class AnymalCRoughEnvCfg(WalkRoughEnvCfg):
    def __post_init__(self) -> None:
        super().__post_init__()
        _use_anymal_c(self)


@configclass
class AnymalCFlatEnvCfg(WalkFlatEnvCfg):
    def __post_init__(self) -> None:
        super().__post_init__()
        _use_anymal_c(self)


@configclass
class AnymalCRoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    experiment_name = "Walk-Rough-AnymalC"


@configclass
class AnymalCFlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    experiment_name = "Walk-Flat-AnymalC"


register_walk_task("Walk-Flat-AnymalC", f"{__name__}:AnymalCFlatEnvCfg", f"{__name__}:AnymalCFlatPPORunnerCfg")
register_walk_task("Walk-Rough-AnymalC", f"{__name__}:AnymalCRoughEnvCfg", f"{__name__}:AnymalCRoughPPORunnerCfg")
