"""play.py refuses a checkpoint trained on another task (stored in the checkpoint, or its run.json says), as
``train --resume`` does, before the simulator starts: ANYmal C's and A1's flat policies have the same shapes and
would run silently."""

from __future__ import annotations

import json

import torch

from ext_walk_minutes.cli import play as play_cli
from helpers import FIXTURE_POLICY, usage_error


def _fixture_as(path, task: str | None) -> None:
    """The fixture's networks saved at ``path`` as trained on ``task`` (None: with no task stored, as checkpoints
    written before the config was stored with them)."""
    data = torch.load(FIXTURE_POLICY, map_location="cpu", weights_only=True)
    data["infos"] = None if task is None else {"trained_config": {**data["infos"]["trained_config"], "task": task}}
    torch.save(data, path)


def test_play_refuses_another_tasks_checkpoint_by_its_run_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = tmp_path / "logs" / "rsl_rl" / "Walk-Flat-A1" / "2026-12-06_10-00-00"
    run.mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"library": "rsl_rl", "task": "Walk-Flat-A1"}))
    _fixture_as(run / "model_192.pt", None)
    err = usage_error(
        capsys,
        play_cli.main,
        "--device",
        "cpu",
        "--task",
        "Walk-Flat-AnymalC",
        "--checkpoint",
        str(run / "model_192.pt"),
    )
    assert "was trained on Walk-Flat-A1; run it with --task Walk-Flat-A1" in err


def test_play_refuses_another_tasks_lone_checkpoint(capsys, tmp_path):
    """A single .pt outside any run folder: the task stored in it decides."""
    _fixture_as(tmp_path / "model_192.pt", "Walk-Flat-A1")
    err = usage_error(
        capsys,
        play_cli.main,
        "--device",
        "cpu",
        "--task",
        "Walk-Flat-AnymalC",
        "--checkpoint",
        str(tmp_path / "model_192.pt"),
    )
    assert "was trained on Walk-Flat-A1; run it with --task Walk-Flat-A1" in err
