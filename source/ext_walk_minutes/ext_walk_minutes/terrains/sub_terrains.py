"""legged_gym's rough slope: a pyramid slope with uniform height noise on top, as an Isaac Lab height-field tile.

Isaac Lab has a pyramid slope (``pyramid_sloped_terrain``) and uniform noise (``random_uniform_terrain``)
but no tile that adds one to the other, which is what legged_gym's rough-slope column does. The tile
below adds noise to Isaac Lab's undecorated slope height field and lets Isaac Lab's
``height_field_to_mesh`` mesh the sum. The noise is legged_gym's: heights drawn uniformly from the
noise levels on a coarse grid and interpolated *bilinearly* (Isaac Lab's ``random_uniform_terrain``
interpolates with a cubic spline, which overshoots the +-5 cm range by up to 3 cm).
"""

from __future__ import annotations

import numpy as np
from isaaclab.terrains.height_field import HfPyramidSlopedTerrainCfg
from isaaclab.terrains.height_field import hf_terrains
from isaaclab.terrains.height_field.utils import height_field_to_mesh
from isaaclab.utils import configclass
from scipy.interpolate import RectBivariateSpline


def uniform_noise(shape: tuple[int, int], cfg: HfRoughPyramidSlopedTerrainCfg) -> np.ndarray:
    """Noise height field (int16, vertical units) of ``shape`` cells, bilinear between random coarse samples.

    Heights are drawn uniformly from ``noise_range`` in steps of ``noise_step`` at every ``downsampled_scale``
    (NumPy's global generator, as Isaac Lab's height-field tiles) and rounded to whole vertical units.
    """
    unit = cfg.vertical_scale
    levels = np.arange(
        round(cfg.noise_range[0] / unit), round(cfg.noise_range[1] / unit) + 1, round(cfg.noise_step / unit)
    )
    coarse_shape = tuple(max(2, int(n * cfg.horizontal_scale / cfg.downsampled_scale)) for n in shape)
    coarse = np.random.choice(levels, size=coarse_shape).astype(float)
    axes = [np.linspace(0.0, 1.0, n) for n in coarse_shape]
    fine = RectBivariateSpline(*axes, coarse, kx=1, ky=1)(
        np.linspace(0.0, 1.0, shape[0]), np.linspace(0.0, 1.0, shape[1])
    )
    return np.rint(fine).astype(np.int16)


@height_field_to_mesh
def rough_pyramid_sloped_terrain(
    difficulty: float, cfg: HfRoughPyramidSlopedTerrainCfg
) -> tuple[np.ndarray, np.ndarray]:
    """Pyramid slope (Isaac Lab's) plus bilinear uniform noise (:func:`uniform_noise`), summed in height units.

    Args:
        difficulty: in [0, 1); sets the slope as in
            :func:`isaaclab.terrains.height_field.hf_terrains.pyramid_sloped_terrain`.
        cfg: the tile config (slope and noise parameters).

    Returns:
        The height field (int16, units of ``cfg.vertical_scale``) of shape (width, length) and the spawn
        origin [m] (tile centre, on top of the surface there).
    """
    slope, _ = hf_terrains.pyramid_sloped_terrain.__wrapped__(difficulty, cfg)
    heights = (slope + uniform_noise(slope.shape, cfg)).astype(np.int16)
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
