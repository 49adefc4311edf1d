"""Bad input found by probing the scripts beyond the first list: each was a traceback, a crash after the simulator
started or a run into a path that cannot be written; now one ``error:`` line and exit 2 before any env is built."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ext_walk_minutes.common.errors import UsageError
from ext_walk_minutes.studies import bootstrap_ablation, outputs, sim2sim
from ext_walk_minutes.cli import play as play_cli, train as train_cli
from helpers import FIXTURE_POLICY, REPO, usage_error

PLAY = ["--device", "cpu", "--num_envs", "1", "--checkpoint", str(FIXTURE_POLICY)]


@pytest.mark.parametrize(("length", "says"), [("nan", "positive seconds"), ("inf", "positive seconds")])
def test_play_video_length_not_finite(capsys, tmp_path, length, says):
    err = usage_error(capsys, play_cli.main, *PLAY, "--video", str(tmp_path / "v.mp4"), "--video-length", length)
    assert says in err


def test_video_clip_too_large_for_memory(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    argv = ["--device", "cpu", "--num_envs", "1", "--video", "--video-length", "3600", "--video-size", "1920x1080"]
    assert "holds 560 GB of frames in memory" in usage_error(capsys, train_cli.main, *argv)


def test_play_viz_record_into_a_missing_folder(capsys, tmp_path):
    err = usage_error(capsys, play_cli.main, *PLAY, "--viz", "viser", "--viz-record", str(tmp_path / "no" / "v.viser"))
    assert "--viz-record" in err and "No such file or directory" in err


def test_sim2sim_seconds_not_finite(capsys, tmp_path):
    err = usage_error(capsys, sim2sim.main, "--policy", str(tmp_path), "--seconds", "nan")
    assert "--seconds positive" in err


def test_bootstrap_ablation_episode_length_not_positive(capsys, tmp_path):
    argv = ["--device", "cpu", "--episode_length_s", "-1", "--out", str(tmp_path / "out")]
    assert "--episode_length_s must be positive" in usage_error(capsys, bootstrap_ablation.main, *argv)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--steps", "0"], "--steps and --rounds must be at least 1"),
        (["--against", "no-such-rev"], "not a git revision"),
    ],
)
def test_step_cost_input(args, says):
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "step_cost.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert says in done.stderr.strip().splitlines()[-1]


def test_study_out_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("a file where a folder should be")
    with pytest.raises(UsageError, match="--out .*: cannot create it"):
        outputs.output_dir("evaluate", str(tmp_path / "file" / "out"))  # evaluate.py printed a traceback twice
