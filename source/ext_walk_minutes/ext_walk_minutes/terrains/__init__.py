"""Terrain generator configs (the paper's curriculum grid, flat ground) and what a robot's tile means."""

from .generator import RowDifficultyTerrainGenerator, RowDifficultyTerrainGeneratorCfg
from .layout import (
    TerrainParameter,
    column_types,
    level_difficulty,
    terrain_parameter,
    terrain_type_index,
    terrain_types_and_levels,
)
from .sub_terrains import HfRoughPyramidSlopedTerrainCfg
from .terrains_cfg import FLAT_TERRAIN_CFG, ROUGH_TERRAIN_CFG, TERRAIN_TYPES

__all__ = [
    "FLAT_TERRAIN_CFG",
    "ROUGH_TERRAIN_CFG",
    "TERRAIN_TYPES",
    "HfRoughPyramidSlopedTerrainCfg",
    "RowDifficultyTerrainGenerator",
    "RowDifficultyTerrainGeneratorCfg",
    "TerrainParameter",
    "column_types",
    "level_difficulty",
    "terrain_parameter",
    "terrain_type_index",
    "terrain_types_and_levels",
]
