"""Isaac Lab's terrain generator with legged_gym's row difficulties.

In curriculum mode Isaac Lab builds row ``i`` of ``N`` with difficulty ``(i + u) / N``, ``u ~ U(0, 1)``
drawn per tile, so that columns of the same type differ. legged_gym uses exactly ``i / N``: every
tile of a row has the same step height or slope, which is what lets a level stand for one physical
parameter (and the top row has d = 0.9, never 1). This generator snaps each curriculum tile's
difficulty back to its row's value and otherwise is Isaac Lab's generator unchanged.

Without the curriculum (random tiles) Isaac Lab draws each tile's difficulty from ``U(difficulty_range)``;
legged_gym's randomized mode draws it from {0.5, 0.75, 0.9}. :class:`RowDifficultyTerrainGeneratorCfg`'s
``random_difficulties`` selects such a set (empty: Isaac Lab's uniform draw).
"""

from __future__ import annotations

import math

from isaaclab.terrains import TerrainGenerator, TerrainGeneratorCfg
from isaaclab.utils import configclass


class RowDifficultyTerrainGenerator(TerrainGenerator):
    """:class:`~isaaclab.terrains.TerrainGenerator` whose curriculum rows have difficulty
    ``lower + (upper - lower) * i / N``."""

    def _get_terrain_mesh(self, difficulty: float, cfg):
        if self.cfg.curriculum:
            lower, upper = self.cfg.difficulty_range
            if upper > lower:
                # Isaac Lab drew lower + (upper - lower) * (row + u) / N; recover the row and drop u
                row = math.floor((difficulty - lower) / (upper - lower) * self.cfg.num_rows + 1e-9)
                difficulty = lower + (upper - lower) * min(row, self.cfg.num_rows - 1) / self.cfg.num_rows
        elif getattr(self.cfg, "random_difficulties", ()):
            difficulty = random_tile_difficulty(difficulty, self.cfg.difficulty_range, self.cfg.random_difficulties)
        return super()._get_terrain_mesh(difficulty, cfg)


def random_tile_difficulty(uniform: float, difficulty_range: tuple[float, float], choices: tuple[float, ...]) -> float:
    """One of ``choices``, each equally likely, picked by Isaac Lab's uniform draw ``uniform`` in ``difficulty_range``.

    The draw is reused rather than a second one made, so the random stream, and with it the tile types Isaac Lab
    draws, are the same as without this choice.
    """
    lower, upper = difficulty_range
    fraction = (uniform - lower) / (upper - lower) if upper > lower else 0.0
    return float(choices[min(int(fraction * len(choices)), len(choices) - 1)])


@configclass
class RowDifficultyTerrainGeneratorCfg(TerrainGeneratorCfg):
    """:class:`~isaaclab.terrains.TerrainGeneratorCfg` for :class:`RowDifficultyTerrainGenerator`."""

    class_type: type[TerrainGenerator] | str = RowDifficultyTerrainGenerator
    random_difficulties: tuple[float, ...] = ()
    """Without the curriculum: the difficulties random tiles draw from, each equally likely (legged_gym's
    randomized mode: (0.5, 0.75, 0.9)); empty: Isaac Lab's ``U(difficulty_range)``. Unused with the curriculum."""
