"""legged_gym's rough slope: a pyramid slope with uniform height noise on top, as an Isaac Lab height-field tile.

Isaac Lab has both ingredients as height-field functions (``pyramid_sloped_terrain`` and
``random_uniform_terrain``) but no tile that adds one to the other, which is what legged_gym's
rough-slope column does. The tile below sums the two undecorated height fields and lets Isaac Lab's
``height_field_to_mesh`` turn the sum into a mesh, so both keep Isaac Lab's exact geometry.
"""

from __future__ import annotations

import numpy as np
from isaaclab.terrains.height_field import HfPyramidSlopedTerrainCfg, HfRandomUniformTerrainCfg
from isaaclab.terrains.height_field import hf_terrains
from isaaclab.terrains.height_field.utils import height_field_to_mesh
from isaaclab.utils import configclass


@height_field_to_mesh
def rough_pyramid_sloped_terrain(difficulty: float, cfg: HfRoughPyramidSlopedTerrainCfg) -> tuple[np.ndarray, np.ndarray]:
    """Pyramid slope (Isaac Lab's) plus uniform noise (Isaac Lab's), summed in height units.

    Args:
        difficulty: in [0, 1); sets the slope as in :func:`isaaclab.terrains.height_field.hf_terrains.pyramid_sloped_terrain`.
        cfg: the tile config (slope and noise parameters).

    Returns:
        The height field (int16, units of ``cfg.vertical_scale``) of shape (width, length) and the spawn
        origin [m] (tile centre, on top of the surface there).
    """
    slope, _ = hf_terrains.pyramid_sloped_terrain.__wrapped__(difficulty, cfg)
    noise_cfg = HfRandomUniformTerrainCfg(
        size=cfg.size,
        horizontal_scale=cfg.horizontal_scale,
        vertical_scale=cfg.vertical_scale,
        noise_range=cfg.noise_range,
        noise_step=cfg.noise_step,
        downsampled_scale=cfg.downsampled_scale,
    )
    noise, _ = hf_terrains.random_uniform_terrain.__wrapped__(difficulty, noise_cfg)
    heights = (slope + noise).astype(np.int16)
    return heights, hf_terrains._terrain_origin(heights, cfg)


@configclass
class HfRoughPyramidSlopedTerrainCfg(HfPyramidSlopedTerrainCfg):
    """A (non-inverted or inverted) pyramid slope with uniform height noise added everywhere."""

    function: str = "{DIR}.sub_terrains:rough_pyramid_sloped_terrain"

    noise_range: tuple[float, float] = (-0.05, 0.05)
    """Lowest and highest noise height [m] (legged_gym: +-5 cm)."""

    noise_step: float = 0.005
    """Spacing of the possible noise heights [m]."""

    downsampled_scale: float = 0.2
    """Spacing of the random samples [m]; heights in between are interpolated (legged_gym: 0.2 m)."""
