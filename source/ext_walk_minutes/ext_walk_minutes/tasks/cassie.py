"""Cassie tasks (legged_gym's cassie config): a biped, 169 observations (an 11 x 11 height scan, 1 m x 1 m).

What differs from the ANYmal tasks: the robot (pelvis, toes, no penalised contacts), the height-scan grid, the
reward weights of legged_gym's cassie config, the single-foot reward (``no_fly``) the paper needed for a walking
gait, a -200 penalty on falls, no positive-only clip and no base-mass randomisation.
"""

from __future__ import annotations

from isaaclab.managers import RewardTermCfg as RewTerm
from isaaclab.managers import SceneEntityCfg
from isaaclab.utils import configclass
from isaaclab_assets.robots import cassie as isaaclab_cassie

from .. import mdp
from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg
from ..robots import CASSIE_CFG
from .registry import WalkRobot, register_tasks
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

_FEET = ".*toe"

ROBOT = WalkRobot(CASSIE_CFG, base="pelvis", feet=_FEET)
"""Our Cassie: the pelvis ends the episode, no penalised contacts."""


def _adapt(cfg: WalkRoughEnvCfg) -> None:
    """Cassie's changes to the shared MDP, made after the robot is in (both terrains)."""
    if cfg.scene.height_scanner is not None:
        cfg.scene.height_scanner.pattern_cfg.size = [1.0, 1.0]
    cfg.only_positive_rewards = False
    rew = cfg.rewards
    rew.track_ang_vel_z_exp.weight = 1.0
    rew.lin_vel_z_l2.weight = -0.5
    rew.ang_vel_xy_l2 = None
    rew.dof_torques_l2.weight = -5.0e-6
    rew.dof_acc_l2.weight = -2.0e-7
    rew.feet_air_time.weight = 5.0
    rew.dof_pos_limits = RewTerm(func=mdp.joint_pos_limits, weight=-1.0)  # outside 95 % of the range
    rew.termination_penalty = RewTerm(func=mdp.is_terminated, weight=-200.0)
    rew.no_fly = RewTerm(
        func=mdp.single_foot_contact,
        weight=0.25,
        params={"sensor_cfg": SceneEntityCfg("contact_forces", body_names=_FEET)},
    )
    cfg.events.add_base_mass = None


@configclass
class CassieFlatEnvCfg(WalkFlatEnvCfg):
    """``Walk-Flat-Cassie``: flat-ground walking with our Cassie."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)
        _adapt(self)


@configclass
class CassieRoughEnvCfg(WalkRoughEnvCfg):
    """``Walk-Rough-Cassie``: rough-terrain walking with our Cassie."""

    def __post_init__(self) -> None:
        super().__post_init__()
        ROBOT.put_in(self)
        _adapt(self)


@configclass
class CassieFlatPPORunnerCfg(WalkFlatPPORunnerCfg):
    """PPO runner of ``Walk-Flat-Cassie``."""

    experiment_name = "Walk-Flat-Cassie"


@configclass
class CassieRoughPPORunnerCfg(WalkRoughPPORunnerCfg):
    """PPO runner of ``Walk-Rough-Cassie``."""

    experiment_name = "Walk-Rough-Cassie"


register_tasks(
    "Cassie",
    flat=(CassieFlatEnvCfg, CassieFlatPPORunnerCfg),
    rough=(CassieRoughEnvCfg, CassieRoughPPORunnerCfg),
    robot=ROBOT,
    official=WalkRobot(isaaclab_cassie.CASSIE_CFG, base="pelvis", feet=_FEET),
)
