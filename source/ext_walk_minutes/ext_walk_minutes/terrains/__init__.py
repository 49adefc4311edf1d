"""Terrain generator configs: the paper's curriculum grid and an offline-safe flat ground."""

from .terrains_cfg import FLAT_TERRAIN_CFG, ROUGH_TERRAIN_CFG, TERRAIN_TYPES

__all__ = ["FLAT_TERRAIN_CFG", "ROUGH_TERRAIN_CFG", "TERRAIN_TYPES"]
