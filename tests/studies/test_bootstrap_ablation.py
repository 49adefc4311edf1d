"""The ablation script runs end to end at a tiny scale and writes a well-formed CSV, a PNG and a report; each mode
reaches its training run, and the modes' value losses differ because of the mode (a repeated run agrees exactly)."""

from __future__ import annotations

import csv
import math

import pytest
import yaml

from helpers import run_script

pytestmark = pytest.mark.slow  # trains once per bootstrapping mode


def test_ablation_outputs(tmp_path):
    out = tmp_path / "out"
    run_script(
        "bootstrap_ablation.py",
        "--modes",
        "exact,off,exact",
        "--num_envs",
        "4",
        "--max_iterations",
        "1",
        "--device",
        "cpu",
        "--episode_length_s",
        "0.2",
        "--out",
        str(out),
        "--workdir",
        str(tmp_path / "w"),
        cwd=tmp_path,
    )
    rows = list(csv.DictReader((out / "bootstrap_ablation.csv").open()))
    assert list(rows[0]) == ["mode", "seed", "iteration", "value_loss", "mean_reward", "mean_episode_length"]
    assert [r["mode"] for r in rows] == ["exact", "off", "exact"]
    losses = [float(r["value_loss"]) for r in rows]
    assert all(math.isfinite(v) and v >= 0 for v in losses)
    # the runs took the modes asked for, through train.py's --timeout-bootstrap (each run's resolved config)
    runs = sorted((tmp_path / "w" / "logs" / "rsl_rl" / "Walk-Flat-AnymalC").iterdir())
    assert [yaml.safe_load((run / "resolved_config.yaml").read_text())["timeout_bootstrap"] for run in runs] == [
        "exact",
        "off",
        "exact",
    ]
    # same seed, 0.2 s episodes: the runs differ only in what the time-outs add to the return targets; the repeated
    # exact run is the negative control (CPU runs are deterministic, so a difference is the mode's, not noise)
    assert losses[0] == losses[2]
    assert losses[0] != losses[1]
    import matplotlib.image

    image = matplotlib.image.imread(out / "bootstrap_ablation.png")
    assert image.shape[0] > 100 and image.shape[1] > 100
    report = (out / "bootstrap_ablation.md").read_text()
    assert "| exact |" in report and "| off |" in report
