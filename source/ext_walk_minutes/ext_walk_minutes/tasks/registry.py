"""Gym registration of the ``Walk-{Flat,Rough}-<Robot>`` tasks, with the entry points Isaac Lab's CLI expects."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import gymnasium as gym

from isaaclab.assets import ArticulationCfg
from isaaclab.utils import configclass
from isaaclab_tasks.utils import load_cfg_from_registry

from ..agents import WalkFlatPPORunnerCfg, WalkRoughPPORunnerCfg, skrl_cfg_from_rsl_rl
from .walk_env_cfg import WalkFlatEnvCfg, WalkRoughEnvCfg

TASKS: list[str] = []
"""Registered task ids, in registration order."""


@dataclass(frozen=True)
class WalkRobot:
    """A robot as the walking tasks see it: its articulation cfg and the bodies the contact terms name."""

    cfg: ArticulationCfg
    base: str
    """Root body name: contact ends the episode; mass randomisation and height scanner (see ``use_robot``)."""
    feet: str
    """Regex of the feet (air-time reward)."""
    penalized: tuple[str, ...] = ()
    """Regexes of the bodies whose contacts are penalised (none: no penalty)."""

    def put_in(self, env_cfg: WalkRoughEnvCfg) -> None:
        """Put this robot in ``env_cfg`` (:meth:`WalkRoughEnvCfg.use_robot`)."""
        env_cfg.use_robot(self.cfg, base=self.base, feet=self.feet, penalized=self.penalized)


ROBOTS: dict[str, WalkRobot] = {}
"""Task id -> its robot."""

OFFICIAL_ROBOTS: dict[str, WalkRobot] = {}
"""Task id -> the same robot from Isaac Lab's own asset configs (``--asset official``), where Isaac Lab has one."""


def register_robot_tasks(
    name: str,
    module: str,
    robot: WalkRobot,
    adapt: Callable[[WalkRoughEnvCfg], None] | None = None,
    official: WalkRobot | None = None,
) -> None:
    """Register ``Walk-Flat-<name>`` and ``Walk-Rough-<name>``: the shared bases with ``robot`` in them.

    The env config classes (``<name>{Flat,Rough}EnvCfg``) and PPO runner configs (``<name>{Flat,Rough}PPORunnerCfg``,
    experiment name = task id) are made here and set on ``module``, so each robot's module only says what differs.

    Args:
        name: robot part of the task ids, e.g. ``"A1"``.
        module: the calling module's ``__name__`` (where the classes live).
        robot: the robot and its contact bodies.
        adapt: the robot's changes to the shared MDP, applied to both tasks after the robot is in.
        official: the robot from Isaac Lab's asset configs, for ``--asset official``.
    """
    for terrain, env_base, agent_base in (("Flat", WalkFlatEnvCfg, WalkFlatPPORunnerCfg),
                                          ("Rough", WalkRoughEnvCfg, WalkRoughPPORunnerCfg)):
        task_id = f"Walk-{terrain}-{name}"

        def __post_init__(self, _base=env_base) -> None:
            _base.__post_init__(self)
            robot.put_in(self)
            if adapt is not None:
                adapt(self)

        env_cls = _config_class(f"{name}{terrain}EnvCfg", env_base, module, {"__post_init__": __post_init__})
        agent_cls = _config_class(f"{name}{terrain}PPORunnerCfg", agent_base, module, {"experiment_name": task_id})
        for cls in (env_cls, agent_cls):
            setattr(sys.modules[module], cls.__name__, cls)
        register_walk_task(task_id, f"{module}:{env_cls.__name__}", f"{module}:{agent_cls.__name__}")
        ROBOTS[task_id] = robot
        if official is not None:
            OFFICIAL_ROBOTS[task_id] = official


def _config_class(name: str, base: type, module: str, members: dict) -> type:
    """A :func:`configclass` subclass of ``base`` named ``name`` in ``module``."""
    return configclass(type(name, (base,), {"__module__": module, "__qualname__": name, **members}))


def _skrl_entry_point(task_id: str):
    def skrl_cfg() -> dict:
        """skrl config of this task, derived from its rsl-rl config."""
        return skrl_cfg_from_rsl_rl(load_cfg_from_registry(task_id, "rsl_rl_cfg_entry_point"))

    return skrl_cfg


def register_walk_task(task_id: str, env_cfg_entry_point: str, rsl_rl_cfg_entry_point: str) -> None:
    """Register one walking task (a :class:`~ext_walk_minutes.envs.WalkEnv`) for both PPO backends.

    Args:
        task_id: e.g. ``"Walk-Rough-AnymalC"``.
        env_cfg_entry_point: ``"module:EnvCfgClass"``.
        rsl_rl_cfg_entry_point: ``"module:RunnerCfgClass"``; the skrl config is derived from it.
    """
    gym.register(
        id=task_id,
        entry_point="ext_walk_minutes.envs:WalkEnv",
        disable_env_checker=True,
        kwargs={
            "env_cfg_entry_point": env_cfg_entry_point,
            "rsl_rl_cfg_entry_point": rsl_rl_cfg_entry_point,
            "skrl_cfg_entry_point": _skrl_entry_point(task_id),
            "default_agent": "rsl_rl",
        },
    )
    TASKS.append(task_id)
