"""Terrain grids of legged_gym (Rudin et al. 2021, Sec. 3.1) built with Isaac Lab's terrain generator.

Rows are difficulty levels (curriculum, d = i / 10), columns are terrain types. legged_gym's mix is
10 % smooth slope, 10 % rough slope, 35 % stairs up, 25 % stairs down and 20 % discrete obstacles on
8 m x 8 m tiles (columns 0 / 1 / 2-3 / 4-10 / 11-15 / 16-19 of 20); slopes and stairs are pyramids.
Difficulty d maps to slope 0.4 d (rise/run), step height 0.05 + 0.18 d m (0.30 m wide steps) and
obstacle height 0.05 + 0.2 d m. All tiles are height fields (0.1 m cells, 5 mm height units) meshed
with legged_gym's slope threshold 0.75, which turns step and obstacle sides into vertical walls.
"""

from __future__ import annotations

import isaaclab.terrains as terrain_gen
from isaaclab.terrains import TerrainGeneratorCfg

from .generator import RowDifficultyTerrainGeneratorCfg
from .sub_terrains import HfRoughPyramidSlopedTerrainCfg

_PLATFORM = 3.0  # m, flat square at the tile centre where robots spawn
# Tiles touch without a gap as in legged_gym's single height field (Isaac Lab then keeps one zero-height
# vertex ring at each tile edge). The collider stays the generated mesh (legged_gym: a triangle mesh);
# Newton's height-field collider would turn the vertical step sides back into one-cell ramps.
_TILE = dict(border_width=0.0, convert_to_heightfield=False)

ROUGH_TERRAIN_CFG = RowDifficultyTerrainGeneratorCfg(
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
            proportion=0.05, slope_range=(0.0, 0.4), platform_width=_PLATFORM, **_TILE
        ),
        # ... or on top and walks down
        "slope_down": terrain_gen.HfPyramidSlopedTerrainCfg(
            proportion=0.05, slope_range=(0.0, 0.4), platform_width=_PLATFORM, **_TILE
        ),
        # a downward pyramid slope plus uniform noise of +-5 cm on a 0.2 m grid
        "rough_slope": HfRoughPyramidSlopedTerrainCfg(
            proportion=0.1,
            slope_range=(0.0, 0.4),
            platform_width=_PLATFORM,
            noise_range=(-0.05, 0.05),
            noise_step=0.005,
            downsampled_scale=0.2,
            **_TILE,
        ),
        "stairs_up": terrain_gen.HfInvertedPyramidStairsTerrainCfg(
            proportion=0.35, step_height_range=(0.05, 0.23), step_width=0.31, platform_width=_PLATFORM, **_TILE
        ),
        "stairs_down": terrain_gen.HfPyramidStairsTerrainCfg(
            proportion=0.25, step_height_range=(0.05, 0.23), step_width=0.31, platform_width=_PLATFORM, **_TILE
        ),
        # 20 boxes with sides 1.0, 1.4 or 1.8 m (a 0.4 m lattice below 2 m) and heights -h, -h/2, h/2, h
        "obstacles": terrain_gen.HfDiscreteObstaclesTerrainCfg(
            proportion=0.2,
            obstacle_height_mode="choice",
            obstacle_width_range=(1.0, 2.0),
            obstacle_height_range=(0.05, 0.25),
            num_obstacles=20,
            platform_width=_PLATFORM,
            **_TILE,
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
