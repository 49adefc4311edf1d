"""The sweep's terrain protocol (#19): the paper's by default (legged_gym's random difficulties {0.5, 0.75, 0.9},
reduced step height), the earlier U(0, 1) tiles with --protocol uniform.

Config level: the env config a sweep run resolves to, and the difficulties the terrain generator builds its tiles
with (a small grid, no simulation): seconds.
"""

from __future__ import annotations

import numpy as np
import pytest

from ext_walk_minutes.studies import sweep
from ext_walk_minutes.terrains import terrain_parameter
from ext_walk_minutes.train.session import RunSpec, resolve_configs

TASK = "Walk-Rough-AnymalC"


def _sweep_grid_cfg(argv: list[str]):
    """The terrain generator config of a sweep run started with the sweep flags ``argv``."""
    args = sweep.build_parser().parse_args(argv)
    protocol = sweep.terrain_protocol(TASK, "rsl_rl", args.protocol)
    overrides = (*sweep.NO_CURRICULUM, *sweep.protocol_overrides(protocol, sweep.max_step_height(args, protocol)))
    spec = RunSpec(TASK, "rsl_rl", "cpu", 4, 1, tuple(overrides))
    return resolve_configs(spec).env_cfg.scene.terrain.terrain_generator


def _built_difficulties(grid_cfg, monkeypatch) -> list[float]:
    """Difficulty of every tile of a 3 x 6 grid built from ``grid_cfg``, as Isaac Lab's tile meshing receives it
    (after our generator's snapping)."""
    from isaaclab.terrains import TerrainGenerator

    seen: list[float] = []
    mesh_tile = TerrainGenerator._get_terrain_mesh

    def record(self, difficulty, cfg):
        seen.append(difficulty)
        return mesh_tile(self, difficulty, cfg)

    monkeypatch.setattr(TerrainGenerator, "_get_terrain_mesh", record)
    np.random.seed(0)
    cfg = grid_cfg.replace(num_rows=3, num_cols=6, seed=0)
    cfg.class_type(cfg, device="cpu")
    return seen


def test_paper_protocol_is_the_default(monkeypatch):
    grid = _sweep_grid_cfg([])
    assert grid.curriculum is False
    assert tuple(grid.random_difficulties) == (0.5, 0.75, 0.9)
    for name in sweep.STAIRS:
        assert tuple(grid.sub_terrains[name].step_height_range) == pytest.approx((0.05, 0.15))
    steps = [terrain_parameter("stairs_up", d, grid).value for d in grid.random_difficulties]
    assert steps == pytest.approx([0.10, 0.125, 0.14], abs=0.0051)  # whole 5 mm units
    assert max(steps) < 0.21  # the task's hardest curriculum step (d = 0.9)
    built = _built_difficulties(grid, monkeypatch)
    assert len(built) == 18 and set(built) == {0.5, 0.75, 0.9}
    text = sweep.protocol_text("paper", 0.15)
    assert "Protocol paper" in text and "{0.5, 0.75, 0.9}" in text and "0.140 m" in text


def test_max_step_height_flag():
    grid = _sweep_grid_cfg(["--max-step-height", "0.11"])
    assert tuple(grid.sub_terrains["stairs_down"].step_height_range) == pytest.approx((0.05, 0.11))
    assert terrain_parameter("stairs_down", 0.9, grid).value == pytest.approx(0.1, abs=0.0051)


def test_uniform_protocol_is_the_earlier_behaviour(monkeypatch):
    grid = _sweep_grid_cfg(["--protocol", "uniform"])
    assert grid.curriculum is False and tuple(grid.random_difficulties) == ()
    assert tuple(grid.sub_terrains["stairs_up"].step_height_range) == pytest.approx((0.05, 0.23))
    built = _built_difficulties(grid, monkeypatch)
    assert len(set(built)) == 18 and max(built) > 0.9  # U(0, 1): every tile its own, beyond the curriculum's 0.9
    assert "not the paper's" in sweep.protocol_text("uniform", 0.15)


def test_flat_task_has_no_protocol():
    assert sweep.terrain_protocol("Walk-Flat-AnymalC", "rsl_rl", None) == sweep.FLAT
    assert sweep.protocol_overrides(sweep.FLAT, 0.15) == []
    assert sweep.terrain_protocol(TASK, "skrl", None) == "paper"


@pytest.mark.parametrize("argv, expected", [
    (["--protocol", "uniform", "--max-step-height", "0.2"], "--max-step-height applies to --protocol paper only"),
    (["--max-step-height", "0.01"], "--max-step-height must be between 0.05 and 1.0 m"),
    (["--protocol", "moon"], "invalid choice: 'moon'"),
    (["--task", "Walk-Flat-AnymalC", "--protocol", "paper"], "Walk-Flat-AnymalC walks on flat ground"),
])
def test_bad_protocol_flags(capsys, argv, expected):
    try:
        status = sweep.main([*argv, "--device", "cpu", "--iterations", "1"])
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: " in err and expected in err
