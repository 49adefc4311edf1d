"""Gym registration of the ``Walk-{Flat,Rough}-<Robot>`` tasks, with the entry points Isaac Lab's CLI expects.

Each robot's task module defines its config classes (the shared bases with the robot put in) and registers them
here with :func:`register_tasks`.
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym

from isaaclab.assets import ArticulationCfg
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


def register_tasks(
    name: str,
    *,
    flat: tuple[type[WalkFlatEnvCfg], type[WalkFlatPPORunnerCfg]],
    rough: tuple[type[WalkRoughEnvCfg], type[WalkRoughPPORunnerCfg]],
    robot: WalkRobot,
    official: WalkRobot | None = None,
) -> None:
    """Register ``Walk-Flat-<name>`` and ``Walk-Rough-<name>`` (in this order) with a robot module's config classes.

    Args:
        name: robot part of the task ids and class names, e.g. ``"A1"``.
        flat: the flat task's env config class ``<name>FlatEnvCfg`` and PPO runner config ``<name>FlatPPORunnerCfg``.
        rough: the same for the rough task.
        robot: the robot the env configs put in, with its contact bodies (``--asset ours``).
        official: the robot from Isaac Lab's asset configs, for ``--asset official``.

    Raises:
        ValueError: a class not named after its task (the names are the entry points scripts and logs refer to).
    """
    for terrain, (env_cls, agent_cls) in (("Flat", flat), ("Rough", rough)):
        task_id = f"Walk-{terrain}-{name}"
        if (env_cls.__name__, agent_cls.__name__) != (f"{name}{terrain}EnvCfg", f"{name}{terrain}PPORunnerCfg"):
            raise ValueError(f"{task_id}: config classes must be named {name}{terrain}{{EnvCfg,PPORunnerCfg}}")
        register_walk_task(task_id, _entry_point(env_cls), _entry_point(agent_cls))
        ROBOTS[task_id] = robot
        if official is not None:
            OFFICIAL_ROBOTS[task_id] = official


def _entry_point(cls: type) -> str:
    """``"module:ClassName"`` of a module-level class, as Isaac Lab's ``load_cfg_from_registry`` resolves it."""
    return f"{cls.__module__}:{cls.__qualname__}"


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
