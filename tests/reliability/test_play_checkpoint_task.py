"""play.py refuses a checkpoint trained on another task (its run.json says which), as ``train --resume`` does,
before the simulator starts: ANYmal C's and A1's flat policies have the same shapes and would run silently."""

from __future__ import annotations

import json

import torch

from ext_walk_minutes.train import play_main
from helpers import FIXTURE_POLICY, usage_error


def test_play_refuses_another_tasks_checkpoint(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "logs" / "rsl_rl" / "Walk-Flat-A1" / "2026-12-06_10-00-00"
    run.mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"library": "rsl_rl", "task": "Walk-Flat-A1"}))
    policy = torch.load(FIXTURE_POLICY, map_location="cpu", weights_only=True)
    policy["infos"] = None  # an A1 run's checkpoint: only its run folder's run.json says which task it learnt
    torch.save(policy, run / "model_192.pt")
    argv = ["--task", "Walk-Flat-AnymalC", "--device", "cpu", "--checkpoint", str(run / "model_192.pt")]
    err = usage_error(capsys, play_main.main, *argv)
    assert "was trained on Walk-Flat-A1; run it with --task Walk-Flat-A1" in err
