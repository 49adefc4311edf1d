"""Terrain grids of legged_gym (Rudin et al. 2021, Sec. 3.1) built with Isaac Lab's terrain generator.

Rows are difficulty levels (curriculum), columns are terrain types. legged_gym's mix is 10 % smooth
slope, 10 % rough slope, 35 % stairs up, 25 % stairs down and 20 % discrete obstacles on 8 m x 8 m
tiles; slopes and stairs are pyramids. Difficulty d in [0, 1) maps to slope 0.4 d (rise/run),
step height 0.05 + 0.18 d m (0.30 m wide steps) and obstacle height 0.05 + 0.2 d m.
"""

from __future__ import annotations

import isaaclab.terrains as terrain_gen
from isaaclab.terrains import TerrainGeneratorCfg

_PLATFORM = 3.0  # m, flat square at the tile centre where robots spawn

ROUGH_TERRAIN_CFG = TerrainGeneratorCfg(
    size=(8.0, 8.0),
    border_width=25.0,
    num_rows=10,
    num_cols=20,
    horizontal_scale=0.1,
    vertical_scale=0.005,
    slope_threshold=0.75,
    use_cache=False,
    curriculum=True,
    sub_terrains={
        # the robot starts in a pit and walks up (legged_gym's negative slope) ...
        "slope_up": terrain_gen.HfInvertedPyramidSlopedTerrainCfg(
            proportion=0.05, slope_range=(0.0, 0.4), platform_width=_PLATFORM, border_width=0.25
        ),
        # ... or on top and walks down
        "slope_down": terrain_gen.HfPyramidSlopedTerrainCfg(
            proportion=0.05, slope_range=(0.0, 0.4), platform_width=_PLATFORM, border_width=0.25
        ),
        # legged_gym adds +-5 cm noise to a slope; Isaac Lab's generator has no such combined tile, so the
        # rough column is uniform noise of the same amplitude (refined in the "paper MDP" issue)
        "rough_slope": terrain_gen.HfRandomUniformTerrainCfg(
            proportion=0.1, noise_range=(-0.05, 0.05), noise_step=0.005, downsampled_scale=0.2, border_width=0.25
        ),
        "stairs_up": terrain_gen.MeshInvertedPyramidStairsTerrainCfg(
            proportion=0.35, step_height_range=(0.05, 0.23), step_width=0.3, platform_width=_PLATFORM, border_width=1.0
        ),
        "stairs_down": terrain_gen.MeshPyramidStairsTerrainCfg(
            proportion=0.25, step_height_range=(0.05, 0.23), step_width=0.3, platform_width=_PLATFORM, border_width=1.0
        ),
        "obstacles": terrain_gen.HfDiscreteObstaclesTerrainCfg(
            proportion=0.2,
            obstacle_height_mode="choice",
            obstacle_width_range=(1.0, 1.8),
            obstacle_height_range=(0.05, 0.25),
            num_obstacles=20,
            platform_width=_PLATFORM,
            border_width=0.25,
        ),
    },
)
"""legged_gym's 10 x 20 curriculum grid (8 m tiles, 25 m border)."""

TERRAIN_TYPES = tuple(ROUGH_TERRAIN_CFG.sub_terrains)
"""Names of the rough grid's terrain types, in column order."""

FLAT_TERRAIN_CFG = TerrainGeneratorCfg(
    size=(8.0, 8.0),
    border_width=8.0,
    num_rows=4,
    num_cols=4,
    horizontal_scale=0.1,
    vertical_scale=0.005,
    use_cache=False,
    curriculum=False,
    # Offline a flat ground cannot be Isaac Lab's "plane" (it is fetched from an asset server) nor a flat mesh
    # (MJWarp rejects a zero-volume mesh), so it is a height field with at most 5 mm of noise.
    sub_terrains={
        "flat": terrain_gen.HfRandomUniformTerrainCfg(
            proportion=1.0, noise_range=(0.0, 0.005), noise_step=0.005, border_width=0.25
        ),
    },
)
"""Flat ground for the flat tasks (4 x 4 tiles of 8 m, millimetre noise)."""
