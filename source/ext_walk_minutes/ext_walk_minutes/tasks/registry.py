"""Gym registration of the ``Walk-{Flat,Rough}-<Robot>`` tasks, with the entry points Isaac Lab's CLI expects."""

from __future__ import annotations

import gymnasium as gym

from isaaclab_tasks.utils import load_cfg_from_registry

from ..agents import skrl_cfg_from_rsl_rl

TASKS: list[str] = []
"""Registered task ids, in registration order."""


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
