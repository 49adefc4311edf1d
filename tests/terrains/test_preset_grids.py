"""Every shipped preset's terrain grid holds every terrain type, and its robots stand on every type.

Config resolution and the generator's column rule only (no simulation): seconds.
"""

from __future__ import annotations

import pytest
import torch

from ext_walk_minutes.terrains import TERRAIN_TYPES, column_types
from ext_walk_minutes.run import presets
from ext_walk_minutes.cli import train as train_cli
from ext_walk_minutes.run.spec import RunSpec, resolve_configs
from ext_walk_minutes.cli.flags import parse


def _preset_grid(name: str):
    """The terrain generator config and robot count a run with ``--preset name`` gets."""
    args, overrides = parse(train_cli.build_parser(), ["--preset", name])
    spec = RunSpec(args.task, args.agent, "cpu", args.num_envs, args.seed, tuple(overrides), preset=args.preset)
    return resolve_configs(spec).env_cfg.scene.terrain.terrain_generator, args.num_envs


def _robot_columns(num_envs: int, num_cols: int) -> list[int]:
    """Column of each robot at the start, by Isaac Lab's rule (``TerrainImporter._compute_env_origins_curriculum``:
    robot k on column floor(k / (num_envs / num_cols))); robots keep their column for the whole run."""
    return torch.div(torch.arange(num_envs), num_envs / num_cols, rounding_mode="floor").long().tolist()


def _type_counts(types: tuple[str, ...]) -> dict[str, int]:
    return {name: types.count(name) for name in TERRAIN_TYPES}


@pytest.mark.parametrize("name", presets.available())
def test_preset_grid_has_every_terrain_type(name):
    grid, num_envs = _preset_grid(name)
    types = column_types(grid)
    assert len(types) == grid.num_cols
    counts = _type_counts(types)
    assert all(count >= 1 for count in counts.values()), (name, counts)
    on_robots = {types[col] for col in _robot_columns(num_envs, grid.num_cols)}
    assert on_robots == set(TERRAIN_TYPES), (name, set(TERRAIN_TYPES) - on_robots)


def test_preset_column_counts():
    """The layouts the preset comments describe: the paper's and fast's 20 columns are legged_gym's mix, cpu-debug's
    11 the fewest columns with all six types; 10 columns (the old fast grid) lack slope_down, 5 (the old cpu-debug
    grid) also rough_slope."""
    paper = {"slope_up": 1, "slope_down": 1, "rough_slope": 2, "stairs_up": 7, "stairs_down": 5, "obstacles": 4}
    for name in ("paper", "fast"):
        assert _type_counts(column_types(_preset_grid(name)[0])) == paper
    debug, _ = _preset_grid("cpu-debug")
    assert (debug.num_rows, debug.num_cols) == (2, 11)
    assert _type_counts(column_types(debug)) == {
        "slope_up": 1,
        "slope_down": 1,
        "rough_slope": 1,
        "stairs_up": 4,
        "stairs_down": 2,
        "obstacles": 2,
    }
    missing = {
        cols: {n for n, c in _type_counts(column_types(debug.replace(num_cols=cols))).items() if c == 0}
        for cols in (5, 10)
    }
    assert missing == {5: {"slope_down", "rough_slope"}, 10: {"slope_down"}}
    assert all(min(_type_counts(column_types(debug.replace(num_cols=cols))).values()) == 0 for cols in range(1, 11))
