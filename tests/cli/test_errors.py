"""Bad input gets one clear line naming the problem and the fix, and a non-zero exit, before any simulation."""

from __future__ import annotations

import pytest
import torch

from ext_walk_minutes.cli import play as play_cli, train as train_cli
from helpers import FIXTURE_POLICY, run_script


def _error(capsys, main, *argv: str) -> str:
    assert main(list(argv)) == 2
    # Warp may print its no-CUDA warning first, on the first import of the simulator in this process
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and [line.startswith("error: ") for line in err.splitlines()][-1:] == [True], err
    assert sum(line.startswith("error: ") for line in err.splitlines()) == 1, err
    return err.splitlines()[-1]


def test_unknown_task_lists_the_valid_ones(capsys):
    err = _error(capsys, train_cli.main, "--task", "Walk-Moon-AnymalC")
    assert "unknown task 'Walk-Moon-AnymalC'" in err
    assert "Walk-Flat-AnymalC" in err and "Walk-Rough-AnymalC" in err


def test_unknown_agent(capsys):
    err = _error(capsys, train_cli.main, "--agent", "sb3")
    assert "unknown agent 'sb3'" in err and "rsl_rl" in err and "skrl" in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_asked_but_absent(capsys):
    err = _error(capsys, train_cli.main, "--device", "cuda")
    assert "no CUDA device" in err and "--device cpu" in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("physics", ["physics=ovphysx", "physics=physx"])
def test_kitless_physx_needs_cuda(capsys, tmp_path, monkeypatch, physics):
    """Isaac Lab 3.0.0's OvPhysX fails on CPU only after the scene is built: the run stops before, writing nothing."""
    monkeypatch.chdir(tmp_path)
    err = _error(capsys, train_cli.main, "--device", "cpu", "--num_envs", "2", physics)
    assert "physics=ovphysx (Isaac Lab's kit-less PhysX) needs a CUDA GPU" in err
    assert not (tmp_path / "logs").exists()


@pytest.mark.parametrize("num_envs", ["0", "-3"])
def test_bad_num_envs(capsys, num_envs):
    err = _error(capsys, train_cli.main, "--num_envs", num_envs, "--device", "cpu")
    assert "--num_envs must be at least 1" in err


def test_warp_frontend_needs_a_bootstrap_and_no_video(capsys):
    """Isaac Lab's Warp env computes no final observation (the exact time-out bootstrap) and records no video."""
    err = _error(capsys, train_cli.main, "--frontend", "warp", "--device", "cpu")
    assert "--timeout-bootstrap approx or off" in err
    err = _error(capsys, train_cli.main, "--frontend", "warp", "--timeout-bootstrap", "approx", "--video")
    assert "--video needs --frontend torch" in err


def test_missing_checkpoint(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = _error(capsys, play_cli.main, "--checkpoint", str(tmp_path / "nope.pt"), "--device", "cpu")
    assert "not found" in err
    err = _error(capsys, play_cli.main, "--checkpoint", "latest", "--device", "cpu")
    assert "no checkpoint of Walk-Flat-AnymalC" in err and "train first" in err


def test_corrupt_checkpoint(capsys, tmp_path):
    bad = tmp_path / "model_7.pt"
    bad.write_bytes(b"this is not a checkpoint")
    err = _error(capsys, play_cli.main, "--checkpoint", str(bad), "--device", "cpu")
    assert "unreadable" in err and str(bad) in err


def test_unknown_collision_set(capsys):
    err = _error(capsys, train_cli.main, "--device", "cpu", "env.scene.robot.spawn.collision_set=fancy")
    assert "unknown collision set 'fancy'" in err and "legged_gym" in err and "detailed" in err


def test_unknown_argument(capsys):
    err = _error(capsys, train_cli.main, "--num_env", "8")
    assert "unrecognised argument" in err


def test_script_exits_non_zero(tmp_path):
    """Through the real script: one line on stderr, exit status 2, no traceback."""
    proc = run_script("train.py", "--task", "Nope", cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith("error: unknown task 'Nope'")
    assert "Traceback" not in proc.stderr


def test_unknown_timeout_bootstrap(capsys):
    err = _error(capsys, train_cli.main, "--device", "cpu", "--timeout-bootstrap", "sometimes")
    assert "unknown --timeout-bootstrap 'sometimes'" in err and "exact, approx, off" in err


@pytest.mark.parametrize("snapshots", ["0,ten", "-5", "1.5"])
def test_bad_curriculum_snapshots(capsys, snapshots):
    err = _error(
        capsys, train_cli.main, "--task", "Walk-Rough-AnymalC", "--device", "cpu", "--curriculum-snapshots", snapshots
    )
    assert "--curriculum-snapshots takes comma-separated integers >= 0" in err and f"'{snapshots}'" in err


@pytest.mark.parametrize("steps", ["0", "-1"])
def test_play_steps_below_one(capsys, steps):
    err = _error(capsys, play_cli.main, "--steps", steps, "--device", "cpu")
    assert f"--steps must be at least 1 (got {steps})" in err


def test_evaluate_refuses_a_duration_too_short_to_cross(capsys):
    from ext_walk_minutes.studies import evaluate

    # 3 s at the commanded 0.75 m/s covers 2.25 m of the 4 m to the tile's edge: every success count would be 0
    err = _error(capsys, evaluate.main, "--checkpoint", str(FIXTURE_POLICY), "--duration", "3", "--device", "cpu")
    assert "--duration 3 s is too short" in err and "takes 5.3 s" in err


def test_play_video_length_bounds_the_rollout(tmp_path):
    from ext_walk_minutes.run.video import VideoRequest

    clip = VideoRequest(tmp_path, seconds=2.0)
    assert play_cli.steps_to_run(None, clip, None, step_dt=0.02) == 100  # 2 s of video: 2 s simulated, not 10 s
    assert play_cli.steps_to_run(300, clip, None, step_dt=0.02) == 300  # --steps longer than the clip: all of them
    assert play_cli.steps_to_run(None, None, None, step_dt=0.02) == play_cli.DEFAULT_STEPS
