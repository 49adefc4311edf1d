"""Bad input that would otherwise surface only after the simulator started (a traceback, an empty run folder) is one
error line before it starts: a wrong-type override, a corrupt or foreign --resume checkpoint, num_envs as an
override."""

from __future__ import annotations

import pytest
import torch

from ext_walk_minutes.cli import train as train_cli


def _error(capsys, tmp_path, *argv: str) -> str:
    assert train_cli.main(["--device", "cpu", "--num_envs", "2", *argv]) == 2
    # Warp may print its own warnings first, on the first import of the simulator in this process
    err = "\n".join(line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith("Warp "))
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err, err
    assert not (tmp_path / "logs").exists(), "a run folder was made"  # not even an empty one
    return err


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_wrong_type_override(capsys, tmp_path):
    err = _error(capsys, tmp_path, "agent.algorithm.learning_rate=abc")
    assert "'agent.algorithm.learning_rate' takes a float" in err and "'abc'" in err


def test_num_envs_belongs_to_the_flag(capsys, tmp_path):
    assert "--num_envs N" in _error(capsys, tmp_path, "env.scene.num_envs=3")


def test_corrupt_resume_checkpoint(capsys, tmp_path):
    bad = tmp_path / "model_4.pt"
    bad.write_bytes(b"half a file")
    assert "unreadable" in _error(capsys, tmp_path, "--resume", str(bad))


def test_resume_checkpoint_of_another_library(capsys, tmp_path):
    foreign = tmp_path / "model_4.pt"  # rsl-rl's file name, skrl's content
    torch.save({"policy": {}, "value": {}, "iter": 4}, foreign)
    assert "was not written by rsl_rl" in _error(capsys, tmp_path, "--resume", str(foreign))


def test_resume_latest_without_runs_names_the_resume_flag(capsys, tmp_path):
    err = _error(capsys, tmp_path, "--resume", "latest")
    assert "pass --resume PATH" in err and "--checkpoint" not in err


def test_resume_checkpoint_of_another_task(capsys, tmp_path):
    run = tmp_path / "runs" / "2026-11-29_10-00-00"
    run.mkdir(parents=True)
    (run / "run.json").write_text('{"library": "rsl_rl", "task": "Walk-Rough-AnymalC"}')
    torch.save({"actor_state_dict": {}, "critic_state_dict": {}, "iter": 4}, run / "model_4.pt")
    err = _error(capsys, tmp_path, "--task", "Walk-Flat-AnymalC", "--resume", str(run / "model_4.pt"))
    assert "was trained on Walk-Rough-AnymalC; resume it with --task Walk-Rough-AnymalC" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--viz", "viser", "--viz-every", "0"], "--viz-every must be at least 1"),
        (["--viz", "viser", "--viz-robots", "0"], "--viz-robots must be at least 1"),
        (["--viz-record", "walk.viser"], "give --viz viser or --viz rerun too"),
        (["--viz", "viser", "--viz-port", "70000"], "a port is a number from 1 to 65535"),
    ],
)
def test_training_view_flags(capsys, tmp_path, argv, says):
    assert says in _error(capsys, tmp_path, *argv)
