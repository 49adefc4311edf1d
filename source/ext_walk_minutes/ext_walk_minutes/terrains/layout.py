"""Which terrain type and level each robot is on, and what a level means physically.

Isaac Lab's ``TerrainImporter`` keeps per robot a column (``terrain_types``, 0 .. num_cols - 1) and a
row (``terrain_levels``, 0 .. num_rows - 1). A column's type follows from the sub-terrain proportions
by the generator's rule (column ``j`` takes the first type whose cumulative proportion exceeds
``j / num_cols + 0.001``, legged_gym's rule too); a row's difficulty is ``i / num_rows``
(see :class:`~ext_walk_minutes.terrains.generator.RowDifficultyTerrainGenerator`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from isaaclab.terrains import TerrainGeneratorCfg
from isaaclab.terrains.height_field import (
    HfDiscreteObstaclesTerrainCfg,
    HfPyramidSlopedTerrainCfg,
    HfPyramidStairsTerrainCfg,
)


def column_types(generator_cfg: TerrainGeneratorCfg) -> tuple[str, ...]:
    """Sub-terrain name of every column of a curriculum grid, in column order (length ``num_cols``)."""
    names = list(generator_cfg.sub_terrains)
    proportions = np.array([sub.proportion for sub in generator_cfg.sub_terrains.values()], dtype=float)
    cumulative = np.cumsum(proportions / proportions.sum())
    num_cols = generator_cfg.num_cols
    return tuple(names[int(np.min(np.where(j / num_cols + 0.001 < cumulative)[0]))] for j in range(num_cols))


def terrain_type_index(env) -> tuple[list[str], torch.Tensor]:
    """The grid's terrain types and which of them each robot walks on, in a built env with a curriculum grid.

    Args:
        env: a built Isaac Lab env (wrapped or not) whose terrain is generated in curriculum mode.

    Returns:
        ``(type_names, index)``: the sub-terrain names in column order, each once, and a LongTensor of shape
        (num_envs,) with each robot's position in ``type_names`` (robots keep their column for the whole run).

    Raises:
        ValueError: when the env's terrain has no curriculum grid (flat tasks, planes, play mode's random tiles).
    """
    terrain = getattr(env, "unwrapped", env).scene.terrain
    generator_cfg = terrain.cfg.terrain_generator
    if getattr(terrain, "terrain_origins", None) is None or generator_cfg is None or not generator_cfg.curriculum:
        raise ValueError("the env's terrain has no curriculum grid (terrain levels exist on the rough tasks only)")
    columns = column_types(generator_cfg)
    type_names = list(dict.fromkeys(columns))
    column_type = torch.tensor([type_names.index(n) for n in columns], dtype=torch.long, device=terrain.device)
    return type_names, column_type[terrain.terrain_types]


def terrain_types_and_levels(env) -> tuple[list[str], torch.Tensor]:
    """Each robot's terrain type name and curriculum level in a built env with a curriculum grid.

    Returns:
        ``(types, levels)``: ``types[k]`` is the sub-terrain name robot ``k`` walks on, ``levels`` is a
        LongTensor of shape (num_envs,) with its row (0 = easiest). Levels change at resets; read again.

    Raises:
        ValueError: as :func:`terrain_type_index`.
    """
    type_names, index = terrain_type_index(env)
    return [type_names[i] for i in index.tolist()], getattr(env, "unwrapped", env).scene.terrain.terrain_levels.clone()


def level_difficulty(level: int, generator_cfg: TerrainGeneratorCfg) -> float:
    """Difficulty in [0, 1) of curriculum row ``level``: ``lower + (upper - lower) * level / num_rows``."""
    lower, upper = generator_cfg.difficulty_range
    return lower + (upper - lower) * level / generator_cfg.num_rows


@dataclass(frozen=True)
class TerrainParameter:
    """The physical parameter a terrain type's difficulty sets."""

    name: str
    """What it is: ``"slope"``, ``"step height"`` or ``"obstacle height"``."""
    unit: str
    """``"deg"`` or ``"m"``."""
    value: float
    """Its value for the given difficulty (heights as built: whole multiples of the vertical scale)."""


def terrain_parameter(type_name: str, difficulty: float, generator_cfg: TerrainGeneratorCfg) -> TerrainParameter:
    """Physical parameter of terrain type ``type_name`` at ``difficulty``, as Isaac Lab's tile functions compute it.

    Slopes (also the rough slope): the nominal gradient ``slope_range`` interpolated, in degrees. Stairs:
    the step height, obstacles: the highest obstacle, both truncated to whole vertical units as the
    height-field generators do (legged_gym alike), in metres.

    Args:
        type_name: a sub-terrain key of ``generator_cfg`` (e.g. ``"stairs_up"``).
        difficulty: in [0, 1]; for curriculum row ``i`` use :func:`level_difficulty`.
        generator_cfg: the grid's generator config (e.g. ``ROUGH_TERRAIN_CFG``).
    """
    sub = generator_cfg.sub_terrains[type_name]

    def lerp(bounds: tuple[float, float]) -> float:
        return bounds[0] + difficulty * (bounds[1] - bounds[0])

    def as_built(height: float) -> float:
        return int(height / generator_cfg.vertical_scale) * generator_cfg.vertical_scale

    if isinstance(sub, HfPyramidSlopedTerrainCfg):
        return TerrainParameter("slope", "deg", math.degrees(math.atan(lerp(sub.slope_range))))
    if isinstance(sub, HfPyramidStairsTerrainCfg):
        return TerrainParameter("step height", "m", as_built(lerp(sub.step_height_range)))
    if isinstance(sub, HfDiscreteObstaclesTerrainCfg):
        return TerrainParameter("obstacle height", "m", as_built(lerp(sub.obstacle_height_range)))
    raise ValueError(f"terrain type '{type_name}' ({type(sub).__name__}) has no known difficulty parameter")
