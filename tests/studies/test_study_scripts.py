"""The study scripts run end to end at a tiny scale on CPU and write well-formed CSV, PNG and markdown files."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pytest
from helpers import SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow  # each study trains a policy first, then evaluates, sweeps or benchmarks it

EVAL_COLUMNS = [
    "terrain",
    "level",
    "difficulty",
    "parameter",
    "value",
    "unit",
    "robots",
    "successes",
    "base_contacts",
    "success_rate",
]


def _rows(path: Path) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(f))


def _assert_png(path: Path) -> None:
    import matplotlib.image

    image = matplotlib.image.imread(path)  # decodes
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100


def _assert_evaluation(out: Path, terrains: list[str], levels: int, robots: int) -> None:
    rows = _rows(out / "evaluate.csv")
    assert list(rows[0]) == EVAL_COLUMNS
    assert [(r["terrain"], int(r["level"])) for r in rows] == [(t, i) for t in terrains for i in range(levels)]
    for r in rows:
        assert int(r["robots"]) == robots
        assert 0 <= int(r["successes"]) + int(r["base_contacts"]) <= robots
        assert float(r["success_rate"]) == pytest.approx(int(r["successes"]) / robots)
    for t in terrains:  # harder rows have a larger step height / slope
        values = [float(r["value"]) for r in rows if r["terrain"] == t]
        assert values == sorted(values) and values[-1] > values[0]
    _assert_png(out / "evaluate.png")
    report = (out / "evaluate.md").read_text()
    assert all(f"| {t} (" in report for t in terrains)


@pytest.fixture(scope="module")
def rough_run(tmp_path_factory) -> Path:
    """A 2-iteration rsl_rl run of the rough task with curriculum snapshots at both iterations."""
    work = tmp_path_factory.mktemp("rough")
    run_script(
        "train.py",
        "--task",
        "Walk-Rough-AnymalC",
        "--num_envs",
        "4",
        "--max_iterations",
        "2",
        "--device",
        "cpu",
        "--curriculum-snapshots",
        "0,1",
        *SMALL_TERRAIN,
        cwd=work,
    )
    (run,) = (work / "logs" / "rsl_rl" / "Walk-Rough-AnymalC").iterdir()
    return run


def test_curriculum_snapshots_and_plot(rough_run, tmp_path):
    counts = _rows(rough_run / "curriculum" / "level_counts.csv")
    for it in ("0", "1"):
        robots = [int(r["robots"]) for r in counts if r["iteration"] == it]
        assert sum(robots) == 4 and len(robots) == 4 * 2  # 4 types on the 2 x 5 grid, 2 levels
        _assert_png(rough_run / "curriculum" / f"levels_{it}.png")
    run_script("curriculum_plot.py", "--run", str(rough_run), "--out", str(tmp_path / "out"), cwd=tmp_path)
    rows = _rows(tmp_path / "out" / "curriculum.csv")
    assert list(rows[0]) == ["iteration", "terrain", "mean_level"]
    assert rows and {r["iteration"] for r in rows} <= {"0", "1"}  # the term logs at iterations with resets
    levels = [float(r["mean_level"]) for r in rows]
    assert all(0.0 <= v <= 1.0 for v in levels if not math.isnan(v)) and any(not math.isnan(v) for v in levels)
    _assert_png(tmp_path / "out" / "curriculum.png")
    assert "| stairs_up |" in (tmp_path / "out" / "curriculum.md").read_text()


def test_evaluate_rsl_rl_checkpoint(rough_run, tmp_path):
    terrains = ["stairs_up", "slope_down"]
    run_script(
        "evaluate.py",
        "--checkpoint",
        str(rough_run),
        "--terrain",
        ",".join(terrains),
        "--levels",
        "2",
        "--robots",
        "2",
        "--duration",
        "5.4",  # the least evaluate.py takes: half a tile at the commanded speed
        "--device",
        "cpu",
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    _assert_evaluation(tmp_path / "out", terrains, levels=2, robots=2)


def test_evaluate_rejects_unknown_terrain(rough_run, capsys):
    from ext_walk_minutes.studies.evaluate import main

    # in-process: the error comes from the task's config, before any simulation starts
    assert main(["--checkpoint", str(rough_run), "--terrain", "stairs,slope_up", "--device", "cpu"]) == 2
    # Warp may print a warning first when this is the process's first import of it (this test run alone)
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if line.startswith("error:")] == err[-1:]
    assert err[-1].startswith("error: unknown terrain type(s) stairs; choose from slope_up")


def test_sweep_on_local_ray_then_evaluate_a_skrl_run(tmp_path):
    out = tmp_path / "sweep"
    run_script(
        "sweep.py",
        "--agent",
        "skrl",
        "--robots",
        "2",
        "--batch-sizes",
        "8,16",
        "--iterations",
        "1",
        "--device",
        "cpu",
        "--ray",
        "--ray-num-cpus",
        "1",
        "--out",
        str(out),
        *SMALL_TERRAIN,
        "env.episode_length_s=0.2",
        cwd=tmp_path,
    )
    rows = _rows(out / "sweep.csv")
    assert [(int(r["robots"]), int(r["batch_size"]), int(r["steps_per_robot"])) for r in rows] == [
        (2, 8, 4),
        (2, 16, 8),
    ]
    for r in rows:
        assert r["failed"] == "False" and r["device"] == "cpu"
        assert 0 < float(r["training_time_s"]) < float(r["wall_s"])
        assert math.isfinite(float(r["final_reward"])) and float(r["final_reward"]) >= 0  # clipped at 0 per step
        params = (Path(r["run"]) / "params" / "env.yaml").read_text()
        assert "curriculum: false" in params  # the terrain generator ran without curriculum
        # the run itself had the row's robots and rollout length (the columns are not just the job's echo)
        assert re.search(r"^  num_envs: (\d+)$", params, re.M)[1] == r["robots"]
        agent = (Path(r["run"]) / "params" / "agent.yaml").read_text()
        assert re.search(r"^  rollouts: (\d+)$", agent, re.M)[1] == r["steps_per_robot"]
    _assert_png(out / "sweep.png")
    assert "| 2 | 16 | 8 |" in (out / "sweep.md").read_text()

    # the sweep's runs are skrl checkpoints of the rough task: evaluate takes them as well
    run_script(
        "evaluate.py",
        "--checkpoint",
        rows[0]["run"],
        "--terrain",
        "obstacles",
        "--levels",
        "2",
        "--robots",
        "1",
        "--duration",
        "5.4",  # the least evaluate.py takes: half a tile at the commanded speed
        "--device",
        "cpu",
        "--out",
        str(tmp_path / "eval"),
        cwd=tmp_path,
    )
    _assert_evaluation(tmp_path / "eval", ["obstacles"], levels=2, robots=1)
    assert "Walk-Rough-AnymalC, skrl," in (tmp_path / "eval" / "evaluate.md").read_text()


def test_benchmark_ours_and_stock(tmp_path):
    """Our task with both collision sets and the stock env, in one run; rows, ratios, report and docs table."""
    docs = tmp_path / "benchmarks.md"
    run_script(
        "benchmark.py",
        "--num_envs",
        "2",
        "--iterations",
        "2",
        "--device",
        "cpu",
        "--out",
        str(tmp_path / "out"),
        "--docs",
        str(docs),
        "--collision-sets",
        "legged_gym,detailed",
        "agent.num_steps_per_env=4",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    )
    rows = json.loads((tmp_path / "out" / "benchmark.json").read_text())
    assert [(r["env"], r["collision_set"]) for r in rows] == [
        ("ours", "legged_gym"),
        ("ours", "detailed"),
        ("stock", ""),
    ]
    # each row measured the env it names: the stock row Isaac Lab's stock task's config, ours our task's
    import gymnasium as gym
    import isaaclab_tasks.contrib.velocity.config.anymal_c  # noqa: F401  (registers the stock task)

    import ext_walk_minutes.tasks  # noqa: F401
    from ext_walk_minutes.studies.benchmark import STOCK_TASK

    tasks = {"ours": "Walk-Rough-AnymalC", "stock": STOCK_TASK}
    for r in rows:
        assert r["task"] == tasks[r["env"]] and r["env_cfg"] == gym.spec(r["task"]).kwargs["env_cfg_entry_point"]
    assert rows[0]["env_cfg"] != rows[2]["env_cfg"]
    for r in rows:
        assert r["num_envs"] == 2 and r["steps_per_env"] == 4 and r["measured_iterations"] == 1
        phases = [r[f"{p}_s"] for p in ("physics", "mdp", "inference", "learning", "other")]
        assert all(v > 0 for v in phases[:4])
        assert r["other_s"] >= 0  # the timed phases do not overlap (e.g. physics counted twice)
        assert r["collect_steps_per_s"] > r["train_steps_per_s"] > 0
    _assert_png(tmp_path / "out" / "benchmark.png")
    report = (tmp_path / "out" / "benchmark.md").read_text()
    assert "ours vs Isaac Lab's stock env" in report
    ratio = re.search(r"\* 2 robots: legged_gym [\d,]+ \(1\.00x\), detailed [\d,]+ \((\d+\.\d\d)x\)", report)
    assert ratio and float(ratio.group(1)) > 0, report
    table = docs.read_text().splitlines()
    assert table[0] == "# Benchmarks" and all(line.count("|") == 15 for line in table[-2:])
    assert "| Walk-Rough-AnymalC (legged_gym collisions) | 2 | 4 |" in table[-2]
    assert "| Walk-Rough-AnymalC (detailed collisions) | 2 | 4 |" in table[-1]
