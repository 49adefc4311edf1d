"""Curriculum spread during training (the paper's Fig. 3): robots per (terrain type, level).

:class:`CurriculumLog` is driven by the training progress (both backends): every ``image_interval``
iterations it logs the heatmap as a TensorBoard image (``walk/curriculum``), and at the chosen snapshot
iterations it writes ``curriculum/levels_<it>.png`` and appends the counts to
``curriculum/level_counts.csv`` in the run folder. The mean level per terrain type is logged by the
curriculum term itself (``Curriculum/terrain_levels/<type>``, see
:class:`~ext_walk_minutes.mdp.curriculums.terrain_levels_by_type`). ``scripts/curriculum_plot.py`` turns
both into the figure.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..common.figures import pyplot
from ..terrains import terrain_type_index

COUNTS_CSV = "level_counts.csv"
COUNTS_FIELDS = ("iteration", "terrain", "level", "robots")


def level_counts(env) -> tuple[list[str], np.ndarray]:
    """Robots per (terrain type, level) of a built env with a curriculum grid.

    Returns:
        ``(types, counts)``: the grid's type names in column order (each once) and an int array of shape
        (len(types), num_rows) with the number of robots on each type and level.
    """
    terrain = env.unwrapped.scene.terrain
    types, index = terrain_type_index(env)
    counts = np.zeros((len(types), terrain.cfg.terrain_generator.num_rows), dtype=np.int64)
    np.add.at(counts, (index.cpu().numpy(), terrain.terrain_levels.cpu().numpy()), 1)
    return types, counts


def heatmap(ax, types: list[str], counts: np.ndarray, title: str):
    """Draw robots per (type, level) on ``ax``: levels up (easy at the bottom), types across."""
    image = ax.imshow(counts.T, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(types)), types, rotation=30, ha="right")
    ax.set_yticks(range(counts.shape[1]))
    ax.set_ylabel("terrain level")
    ax.set_title(title)
    return image


def heatmap_figure(types: list[str], counts: np.ndarray, title: str):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    fig.colorbar(heatmap(ax, types, counts, title), ax=ax, label="robots")
    fig.tight_layout()
    return fig


class CurriculumLog:
    """Per-iteration curriculum logging of a training run (see the module docstring)."""

    def __init__(self, env, writer, log_dir: str, snapshots: Iterable[int] = (), image_interval: int = 50) -> None:
        self.env, self.writer = env, writer
        self.dir = Path(log_dir) / "curriculum"
        self.snapshots = set(snapshots)
        self.image_interval = image_interval

    @staticmethod
    def applies(env) -> bool:
        """True when the env has a terrain curriculum (the rough tasks)."""
        base = env.unwrapped
        return getattr(base.cfg.curriculum, "terrain_levels", None) is not None

    def log(self, it: int) -> None:
        """Log iteration ``it`` (0-based): the image and the snapshot files when due."""
        snapshot = it in self.snapshots
        if not snapshot and it % self.image_interval:
            return
        types, counts = level_counts(self.env)
        plt = pyplot()
        fig = heatmap_figure(types, counts, f"iteration {it}")
        self.writer.add_figure("walk/curriculum", fig, it, close=False)
        if snapshot:
            self.dir.mkdir(parents=True, exist_ok=True)
            fig.savefig(self.dir / f"levels_{it}.png", dpi=100)
            path = self.dir / COUNTS_CSV
            new = not path.exists()
            with path.open("a", newline="") as f:
                writer = csv.writer(f)
                if new:
                    writer.writerow(COUNTS_FIELDS)
                writer.writerows(
                    (it, t, level, int(counts[i, level]))
                    for i, t in enumerate(types)
                    for level in range(counts.shape[1])
                )
        plt.close(fig)
