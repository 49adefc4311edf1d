"""scripts/time_to_walk.py end to end on CPU (tiny settings), and its criterion on set numbers."""

from __future__ import annotations

import json
import math

import pytest

from ext_walk_minutes.studies.time_to_walk import Criterion, batch_metrics
from helpers import SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow  # trains until the criterion or the cap


def test_batch_metrics_and_criterion():
    import torch

    logs = [
        {
            "Episode_Reward/track_lin_vel_xy_exp": torch.tensor(0.9),
            "Episode_Termination/base_contact": torch.tensor(0.02),
        },
        {},
        {
            "Episode_Reward/track_lin_vel_xy_exp": torch.tensor(0.7),
            "Episode_Termination/base_contact": torch.tensor(0.04),
        },
    ]
    track, base = batch_metrics(logs, track_weight=1.0)
    assert track == pytest.approx(0.8) and base == pytest.approx(0.03)
    assert batch_metrics(logs, track_weight=2.0)[0] == pytest.approx(0.4)  # a fraction of the weight (its maximum)
    assert all(math.isnan(v) for v in batch_metrics([{}], 1.0))  # no episode ended: no verdict
    criterion = Criterion()
    assert criterion.holds(0.8, 0.049) and not criterion.holds(0.79, 0.0) and not criterion.holds(0.9, 0.05)
    assert not criterion.holds(math.nan, math.nan)


def test_time_to_walk_end_to_end(tmp_path):
    """A loose criterion on 10-step episodes holds in the first iteration; outputs and the time split add up."""
    out = tmp_path / "out"
    proc = run_script(
        "time_to_walk.py",
        "--num_envs",
        "4",
        "--device",
        "cpu",
        "--max_iterations",
        "3",
        "--window",
        "1",
        "--track-fraction",
        "0",
        "--max-base-contact",
        "1.01",
        "--out",
        str(out),
        "agent.num_steps_per_env=8",
        "env.episode_length_s=0.2",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    )
    summary = json.loads((out / "time_to_walk.json").read_text())
    assert summary["walked"] and summary["iterations"] == 1, proc.stdout[-2000:]
    phases = [summary[k] for k in ("imports_s", "scene_build_s", "first_rollout_s")]
    assert all(p > 0 for p in phases) and sum(phases) == pytest.approx(summary["startup_s"])
    assert summary["time_to_walk_s"] == pytest.approx(summary["startup_s"] + summary["training_s"])
    assert summary["curve"][0]["seconds"] == pytest.approx(summary["time_to_walk_s"])
    assert (out / "time_to_walk.csv").read_text().startswith("iteration,seconds,track_fraction,base_contact")
    assert (out / "time_to_walk.png").read_bytes()[:4] == b"\x89PNG"
    report = (out / "time_to_walk.md").read_text()
    assert "walking after" in report and "| scene build (terrain, robots" in report
    assert list((out / "run").glob("events.out.tfevents.*"))  # TensorBoard curves of the run
