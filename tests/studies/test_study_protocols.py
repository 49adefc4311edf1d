"""The studies' terrain protocols. Sweep (Fig. 4): the paper's by default (legged_gym's random difficulties
{0.5, 0.75, 0.9}, reduced step height), U(0, 1) tiles with --protocol uniform. Evaluate (Fig. 5): rows
past the training grid's difficulties on request, the trained range marked in the figure and the table.

Config level: the env config a study resolves to, and the difficulties the terrain generator builds its tiles
with (small grids, no simulation): seconds.
"""

from __future__ import annotations

import pytest

from ext_walk_minutes.studies import evaluate, sweep
from ext_walk_minutes.terrains import level_difficulty, terrain_parameter
from ext_walk_minutes.run.spec import RunSpec, resolve_configs
from helpers import build_terrain_recording_difficulties

TASK = "Walk-Rough-AnymalC"


def _sweep_grid_cfg(argv: list[str]):
    """The terrain generator config of a sweep run started with the sweep flags ``argv``."""
    args = sweep.build_parser().parse_args(argv)
    protocol = sweep.terrain_protocol(TASK, "rsl_rl", args.protocol)
    overrides = (*sweep.NO_CURRICULUM, *sweep.protocol_overrides(protocol, sweep.max_step_height(args, protocol)))
    spec = RunSpec(TASK, "rsl_rl", "cpu", 4, 1, tuple(overrides))
    return resolve_configs(spec).env_cfg.scene.terrain.terrain_generator


def _built_difficulties(grid_cfg) -> list[float]:
    """Difficulty of every tile of a 3 x 6 grid built from ``grid_cfg``, as Isaac Lab's tile meshing receives it
    (after our generator's snapping)."""
    return build_terrain_recording_difficulties(grid_cfg.replace(num_rows=3, num_cols=6, seed=0))[1]


def test_paper_protocol_is_the_default():
    grid = _sweep_grid_cfg([])
    assert grid.curriculum is False
    assert tuple(grid.random_difficulties) == (0.5, 0.75, 0.9)
    for name in sweep.STAIRS:
        assert tuple(grid.sub_terrains[name].step_height_range) == pytest.approx((0.05, 0.15))
    steps = [terrain_parameter("stairs_up", d, grid).value for d in grid.random_difficulties]
    assert steps == pytest.approx([0.10, 0.125, 0.14], abs=0.0051)  # whole 5 mm units
    assert max(steps) < 0.21  # the task's hardest curriculum step (d = 0.9)
    built = _built_difficulties(grid)
    assert len(built) == 18 and set(built) == {0.5, 0.75, 0.9}
    text = sweep.protocol_text("paper", 0.15)
    assert "Protocol paper" in text and "{0.5, 0.75, 0.9}" in text and "0.140 m" in text


def test_max_step_height_flag():
    grid = _sweep_grid_cfg(["--max-step-height", "0.11"])
    assert tuple(grid.sub_terrains["stairs_down"].step_height_range) == pytest.approx((0.05, 0.11))
    assert terrain_parameter("stairs_down", 0.9, grid).value == pytest.approx(0.1, abs=0.0051)


def test_uniform_protocol_is_the_earlier_behaviour():
    grid = _sweep_grid_cfg(["--protocol", "uniform"])
    assert grid.curriculum is False and tuple(grid.random_difficulties) == ()
    assert tuple(grid.sub_terrains["stairs_up"].step_height_range) == pytest.approx((0.05, 0.23))
    built = _built_difficulties(grid)
    assert len(set(built)) == 18 and max(built) > 0.9  # U(0, 1): every tile its own, beyond the curriculum's 0.9
    assert "not the paper's" in sweep.protocol_text("uniform", 0.15)


def test_flat_task_has_no_protocol():
    assert sweep.terrain_protocol("Walk-Flat-AnymalC", "rsl_rl", None) == sweep.FLAT
    assert sweep.protocol_overrides(sweep.FLAT, 0.15) == []
    assert sweep.terrain_protocol(TASK, "skrl", None) == "paper"


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--protocol", "uniform", "--max-step-height", "0.2"], "--max-step-height applies to --protocol paper only"),
        (["--max-step-height", "0.01"], "--max-step-height must be between 0.05 and 1.0 m"),
        (["--protocol", "moon"], "invalid choice: 'moon'"),
        (["--task", "Walk-Flat-AnymalC", "--protocol", "paper"], "Walk-Flat-AnymalC walks on flat ground"),
    ],
)
def test_bad_protocol_flags(capsys, argv, expected):
    try:
        status = sweep.main([*argv, "--device", "cpu", "--iterations", "1"])
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: " in err and expected in err


# -- evaluate.py (Fig. 5): rows past the training grid's difficulties, the trained range marked


def _evaluation_grid(terrains: list[str], levels: int, max_difficulty: float | None):
    """The evaluation's terrain generator config and the training grid it came from (the task's play config)."""
    spec = RunSpec(TASK, "rsl_rl", "cpu", 1, 1, (), play_mode=True)
    env_cfg = resolve_configs(spec).env_cfg
    training_grid = evaluate.training_grid(spec)
    assert env_cfg.scene.terrain.terrain_generator.num_rows < training_grid.num_rows == 10  # play mode shrinks it
    evaluate.configure_evaluation(env_cfg, terrains, levels, 1, 8.0, max_difficulty)
    return env_cfg.scene.terrain.terrain_generator, training_grid


def test_evaluation_beyond_training():
    grid, training_grid = _evaluation_grid(["slope_up", "stairs_up", "obstacles"], 10, 1.75)
    assert [level_difficulty(i, grid) for i in range(10)] == pytest.approx([1.75 * i / 9 for i in range(10)])
    assert terrain_parameter("slope_up", 1.75, grid).value == pytest.approx(35.0, abs=0.01)
    assert terrain_parameter("stairs_up", 1.75, grid).value >= 0.30
    trained = evaluate.trained_values(training_grid, ["slope_up", "stairs_up", "obstacles"])
    assert trained == pytest.approx({"slope_up": 19.8, "stairs_up": 0.21, "obstacles": 0.23}, abs=0.05)
    # built: 4 rows of stairs and slope, the rows' difficulties reach Isaac Lab's tile functions unchanged
    small, _ = _evaluation_grid(["stairs_up", "slope_up"], 4, 1.75)
    generator, seen = build_terrain_recording_difficulties(small.replace(seed=0))
    assert seen == pytest.approx([0.0, 1.75 / 3, 3.5 / 3, 1.75] * 2)
    # stairs up: the robot starts 9 steps below the edge; on the last row each step is 0.365 m
    assert generator.terrain_origins[3, 0, 2] == pytest.approx(-9 * 0.365, abs=1e-6)


def test_evaluation_rows_within_training_by_default():
    grid, _ = _evaluation_grid(["stairs_down"], 10, None)
    assert tuple(grid.difficulty_range) == (0.0, 1.0)
    assert [level_difficulty(i, grid) for i in range(10)] == pytest.approx([i / 10 for i in range(10)])


def test_evaluation_figure_and_table_mark_the_trained_range():
    trained = {"slope_up": 19.8, "stairs_up": 0.21}
    rows = [
        {"terrain": name, "level": i, "parameter": param, "unit": unit, "value": value * i, "success_rate": 1.0 - i / 4}
        for name, param, unit, value in (("slope_up", "slope", "deg", 10.0), ("stairs_up", "step height", "m", 0.1))
        for i in range(4)
    ]
    fig = evaluate.figure(rows, "t", trained)
    slope_ax, step_ax = fig.axes
    for ax, name in ((slope_ax, "slope_up"), (step_ax, "stairs_up")):
        (curve,) = [line for line in ax.get_lines() if line.get_label() == name]
        (marker,) = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert marker.get_xdata()[0] == trained[name] and marker.get_color() == curve.get_color()
        (span,) = [patch for patch in ax.patches if patch.get_label() == "trained range"]
        assert span.get_x() + span.get_width() == pytest.approx(trained[name])
    assert not [line for line in evaluate.figure(rows, "t").axes[0].get_lines() if line.get_linestyle() == ":"]
    table = evaluate.success_table(rows, ["slope_up", "stairs_up"], 4, trained)
    assert table[2].count("*") == 2 and "@ 20*" in table[2] and "@ 10 " in table[2]  # 20 and 30 deg > 19.8
    assert table[3].count("*") == 1 and "@ 0.3*" in table[3]  # of 0.2 m and 0.3 m only 0.3 is beyond 0.21
    assert "*" not in "".join(evaluate.success_table(rows, ["slope_up", "stairs_up"], 4))
    # the training grid's top row is not beyond it, though its value is rounded (result_rows) and the trained one not
    top = [dict(rows[0], value=round(19.798876354524932, 4))]
    assert "*" not in evaluate.success_table(top, ["slope_up"], 1, {"slope_up": 19.798876354524932})[2]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--beyond-training", "--max-difficulty", "2"], "--beyond-training is --max-difficulty 1.75"),
        (["--max-difficulty", "3"], "--max-difficulty must be in (0, 2.5]"),
        (["--beyond-training", "--levels", "1"], "with --levels 2 or more (got 1.75, --levels 1)"),
    ],
)
def test_bad_evaluation_difficulty_flags(capsys, argv, expected):
    assert evaluate.main([*argv, "--device", "cpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("error: ") and expected in err
