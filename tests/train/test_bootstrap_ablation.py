"""The ablation script runs end to end at a tiny scale and writes a well-formed CSV, a PNG and a report."""

from __future__ import annotations

import csv
import math

from helpers import run_script


def test_ablation_outputs(tmp_path):
    out = tmp_path / "out"
    run_script("bootstrap_ablation.py", "--modes", "exact,off", "--num_envs", "4", "--max_iterations", "1",
               "--device", "cpu", "--episode_length_s", "0.2", "--out", str(out), "--workdir", str(tmp_path / "w"),
               cwd=tmp_path)
    rows = list(csv.DictReader((out / "bootstrap_ablation.csv").open()))
    assert list(rows[0]) == ["mode", "seed", "iteration", "value_loss", "mean_reward", "mean_episode_length"]
    assert [r["mode"] for r in rows] == ["exact", "off"]
    losses = {r["mode"]: float(r["value_loss"]) for r in rows}
    assert all(math.isfinite(v) and v >= 0 for v in losses.values())
    # same seed, 0.2 s episodes: the runs differ only in what the time-outs add to the return targets
    assert losses["exact"] != losses["off"]
    import matplotlib.image

    image = matplotlib.image.imread(out / "bootstrap_ablation.png")
    assert image.shape[0] > 100 and image.shape[1] > 100
    report = (out / "bootstrap_ablation.md").read_text()
    assert "| exact |" in report and "| off |" in report
