"""Spawning our robots: the USD of the chosen collision set, written on first use (not on import).

A robot's spawn config names its description (``robot``) and a collision set (``collision_set``); the spawner
looks the description up, writes its USD into the cache if needed and spawns it as Isaac Lab's
:func:`~isaaclab.sim.spawners.from_files.spawn_from_usd` would. So a run chooses the set with one override,
``env.scene.robot.spawn.collision_set=detailed``.
"""

from __future__ import annotations

import dataclasses

from isaaclab.sim import UsdFileCfg
from isaaclab.utils import configclass

from .description import COLLISION_SETS, DEFAULT_COLLISION_SET, JOINT_LIMIT_SETS, RobotDescription, with_position_limits
from .usd_cache import usd_path


def spawn_robot(prim_path: str, cfg: RobotUsdCfg, *args, **kwargs):
    """Spawn ``cfg.robot`` with ``cfg.collision_set`` at ``prim_path`` (a regex pattern clones it)."""
    from isaaclab.sim.spawners.from_files import spawn_from_usd

    return spawn_from_usd(prim_path, cfg.replace(usd_path=robot_usd_path(cfg)), *args, **kwargs)


@configclass
class RobotUsdCfg(UsdFileCfg):
    """Spawn config of one of our robots (:data:`ext_walk_minutes.robots.DESCRIPTIONS`); ``usd_path`` is filled in
    when the robot is spawned."""

    func: object = spawn_robot

    usd_path: str = ""

    robot: str = ""
    """Key of the robot in :data:`ext_walk_minutes.robots.DESCRIPTIONS`, e.g. ``"anymal_c"``."""

    collision_set: str = DEFAULT_COLLISION_SET
    """Collision shapes: ``legged_gym`` (legged_gym's URDF, the default) or ``detailed`` (docs/collision_sets.md)."""

    joint_limits: str = "legged_gym"
    """Position limits: ``legged_gym`` (its URDFs', docs/joint_limits.md) or ``manufacturer`` (the maker's, where
    they differ: ANYmal C's hip abduction range)."""


def robot_description(cfg: RobotUsdCfg) -> RobotDescription:
    """The description ``cfg`` spawns. Raises ``ValueError`` naming the choices for an unknown robot or set."""
    return described_robot(cfg.robot, cfg.collision_set, cfg.joint_limits)


def described_robot(robot: str, collision_set: str, joint_limits: str = "legged_gym") -> RobotDescription:
    """The description of ``robot`` with ``collision_set`` and ``joint_limits`` (the spawn config's fields; also what
    an exported policy's contract names). Raises ``ValueError`` naming the choices for an unknown one."""
    from . import DESCRIPTIONS, MANUFACTURER_LIMITS

    if robot not in DESCRIPTIONS:
        raise ValueError(f"unknown robot '{robot}'; ours are: {', '.join(DESCRIPTIONS)}")
    if collision_set not in COLLISION_SETS:
        raise ValueError(
            f"unknown collision set '{collision_set}'; choose one of: {', '.join(COLLISION_SETS)} "
            "(env.scene.robot.spawn.collision_set=...)"
        )
    if joint_limits not in JOINT_LIMIT_SETS:
        raise ValueError(
            f"unknown joint limits '{joint_limits}'; choose one of: {', '.join(JOINT_LIMIT_SETS)} "
            "(env.scene.robot.spawn.joint_limits=...)"
        )
    desc = DESCRIPTIONS[robot][collision_set]
    if joint_limits == "manufacturer" and robot in MANUFACTURER_LIMITS:
        desc = with_position_limits(desc, MANUFACTURER_LIMITS[robot])
    return desc


def robot_usd_path(cfg: RobotUsdCfg) -> str:
    """Path of the cached USD ``cfg`` spawns, written now if missing."""
    return usd_path(robot_description(cfg))


def robot_spawn_cfg(spawn: UsdFileCfg, robot: str) -> RobotUsdCfg:
    """``spawn`` (e.g. Isaac Lab's own robot cfg's) as a :class:`RobotUsdCfg` for our description ``robot``."""
    fields = {f.name: getattr(spawn, f.name) for f in dataclasses.fields(spawn) if f.name not in ("func", "usd_path")}
    return RobotUsdCfg(**fields, robot=robot)
