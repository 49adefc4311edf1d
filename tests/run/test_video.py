"""``--video`` films headless on the CPU (Newton's OpenGL viewer through EGL on Mesa's software renderer): play.py
writes a clip that decodes, has the asked frame count and shows the robot moving; train.py writes a clip per
interval into the run folder."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from ext_walk_minutes.run import video
from helpers import FIXTURE_POLICY, SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow  # films play and train runs


def _robot_pixels(frame: np.ndarray) -> np.ndarray:
    """Mask (H, W) of the robot: light grey, where the ground is blue and the sky blue-grey."""
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return (abs(r - g) < 12) & (abs(g - b) < 12) & (r > 120)


def test_play_films_the_robot_walking(tmp_path):
    checkpoint = tmp_path / "run" / "model_192.pt"
    checkpoint.parent.mkdir()
    shutil.copy(FIXTURE_POLICY, checkpoint)
    out = tmp_path / "walk.mp4"
    proc = run_script(
        "play.py",
        "--task",
        "Walk-Flat-AnymalC",
        "--checkpoint",
        str(checkpoint),
        "--device",
        "cpu",
        "--num_envs",
        "4",
        "--steps",
        "10",
        "--video",
        str(out),
        "--video-length",
        "1",
        "--video-size",
        "320x180",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    )
    assert f"[play] video: {out}" in proc.stdout
    frames, fps = video.read_clip(out)
    assert fps == 25 and len(frames) == 25, (fps, len(frames))  # 1 s at 25 frames/s (--steps 10 was extended)
    assert frames[0].shape == (180, 320, 3)
    first, last = _robot_pixels(frames[0]), _robot_pixels(frames[-1])
    assert first.sum() > 100 and last.sum() > 100, "the followed robot is not in view"
    overlap = (first & last).sum() / (first | last).sum()
    assert overlap < 0.8, f"the robot's pixels barely changed in 1 s of walking (overlap {overlap:.2f})"
    assert not list(tmp_path.glob(".walk.mp4.clips")), "the recorder's folder was left behind"


def test_play_writes_a_gif_and_rejects_other_formats(tmp_path):
    checkpoint = tmp_path / "model_192.pt"
    shutil.copy(FIXTURE_POLICY, checkpoint)
    bad = run_script(
        "play.py", "--checkpoint", str(checkpoint), "--device", "cpu", "--video", "walk.avi", cwd=tmp_path, check=False
    )
    assert bad.returncode == 2 and "error: --video walk.avi: write a .mp4 or a .gif file" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad = run_script(
        "play.py",
        "--checkpoint",
        str(checkpoint),
        "--device",
        "cpu",
        "--num_envs",
        "2",
        "--video",
        "--follow",
        "2",
        cwd=tmp_path,
        check=False,
    )
    assert bad.returncode == 2 and "error: --follow 2: there are 2 robots" in bad.stderr

    gif = tmp_path / "walk.gif"
    run_script(
        "play.py",
        "--checkpoint",
        str(checkpoint),
        "--device",
        "cpu",
        "--num_envs",
        "2",
        "--steps",
        "5",
        "--video",
        str(gif),
        "--video-length",
        "0.2",
        "--video-size",
        "64x48",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    )
    from PIL import Image

    with Image.open(gif) as image:
        assert image.n_frames == 5 and image.size == (64, 48) and image.info["duration"] == 40


def test_train_films_a_clip_per_interval_into_the_run_folder(tmp_path):
    proc = run_script(
        "train.py",
        "--task",
        "Walk-Flat-AnymalC",
        "--agent",
        "skrl",
        "--num_envs",
        "4",
        "--device",
        "cpu",
        "--max_iterations",
        "2",
        "--video",
        "--video-interval",
        "1",
        "--video-length",
        "0.2",
        "--video-size",
        "64x48",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    )
    clips = sorted((tmp_path / "logs" / "skrl" / "Walk-Flat-AnymalC").glob("*/videos/train/clip_*.mp4"))
    assert [clip.name for clip in clips] == ["clip_0000.mp4", "clip_0001.mp4"], proc.stdout[-2000:]
    frames, _ = video.read_clip(clips[-1])
    assert len(frames) == 5 and frames[0].std() > 1.0  # 0.2 s at 25 frames/s, not a blank frame
