"""Isaac Lab's terrain generator with legged_gym's row difficulties.

In curriculum mode Isaac Lab builds row ``i`` of ``N`` with difficulty ``(i + u) / N``, ``u ~ U(0, 1)``
drawn per tile, so that columns of the same type differ. legged_gym uses exactly ``i / N``: every
tile of a row has the same step height or slope, which is what lets a level stand for one physical
parameter (and the top row has d = 0.9, never 1). This generator snaps each curriculum tile's
difficulty back to its row's value and otherwise is Isaac Lab's generator unchanged.
"""

from __future__ import annotations

import math

from isaaclab.terrains import TerrainGenerator


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
        return super()._get_terrain_mesh(difficulty, cfg)
