"""play.py reports a video only once its clip decodes with every frame: a clip cut short (a full disk) is removed
and is one error line; a run stopped by a signal while filming exits 130/143 and says nothing was saved.

The first test needs no env (a real MP4 cut short); the others run play.py (slow tier)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ext_walk_minutes.common.errors import UsageError
from ext_walk_minutes.cli import play as play_cli
from ext_walk_minutes.run import video
from helpers import FIXTURE_POLICY, REPO, SMALL_TERRAIN, mounted_tmpfs

FRAMES = 25


def _clip(folder: Path, frames: int = FRAMES) -> Path:
    """A real 1 s MP4 of ``frames`` 64 x 48 frames in ``folder``, as Isaac Lab's recorder names its clips."""
    import imageio_ffmpeg

    folder.mkdir(parents=True)
    clip = folder / "clip_0.mp4"
    writer = imageio_ffmpeg.write_frames(str(clip), (64, 48), fps=25, macro_block_size=16)
    writer.send(None)
    for k in range(frames):
        writer.send(np.full((48, 64, 3), 10 * k % 255, np.uint8).tobytes())
    writer.close()
    return clip


def test_a_clip_cut_short_is_removed_not_reported(tmp_path, capsys):
    request = video.VideoRequest(tmp_path / ".v.mp4.clips", seconds=1.0)
    clip = _clip(request.folder)
    clip.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])  # the file a full disk leaves
    path = tmp_path / "v.mp4"
    with pytest.raises(UsageError, match=r"incomplete \(0 of 25 frames readable"):
        play_cli.save_video(request, path, FRAMES, interrupted=False)
    assert not path.exists() and not request.folder.exists()
    assert "[play] video" not in capsys.readouterr().out


def test_a_complete_clip_is_saved(tmp_path):
    request = video.VideoRequest(tmp_path / ".v.mp4.clips", seconds=1.0)
    _clip(request.folder)
    path = tmp_path / "v.mp4"
    assert play_cli.save_video(request, path, FRAMES, interrupted=False) == f"video {path}"
    assert video.readable_frames(path) == FRAMES and not request.folder.exists()


PLAY = [
    sys.executable,
    str(REPO / "scripts" / "play.py"),
    "--device",
    "cpu",
    "--num_envs",
    "1",
    "--checkpoint",
    str(FIXTURE_POLICY),
    "--video-size",
    "320x180",
    *SMALL_TERRAIN,
]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 kB filesystem: a 1 s clip of 320 x 180 frames (about 9 kB) does not fit."""
    yield from mounted_tmpfs(tmp_path / "small", "size=4k")


@pytest.mark.slow
def test_play_on_a_full_disk_saves_no_video(tmp_path, small_disk):
    done = subprocess.run(
        [*PLAY, "--steps", "10", "--video", str(small_disk / "v.mp4"), "--video-length", "1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr[-3000:]
    assert done.stderr.strip().splitlines()[-1].startswith("error: --video: the recorded clip is incomplete")
    assert "[play] video" not in done.stdout and "Traceback" not in done.stderr
    assert list(small_disk.iterdir()) == [], "a broken file or the clip folder was left"


@pytest.mark.slow
def test_sigterm_while_filming_exits_143(tmp_path):
    out = tmp_path / "v.mp4"
    proc = subprocess.Popen(
        [*PLAY, "--video", str(out), "--video-length", "20"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines, deadline = [], time.monotonic() + 400
    for line in proc.stdout:  # rsl-rl prints the policy's networks just before the rollout
        lines.append(line)
        if line.startswith("Critic Model"):
            time.sleep(5)  # within the 20 s clip
            proc.send_signal(signal.SIGTERM)
            break
        assert time.monotonic() < deadline, "".join(lines[-40:])
    rest, _ = proc.communicate(timeout=120)
    text = "".join(lines) + rest
    assert proc.returncode == 143, text[-3000:]
    assert "[play] terminated: saved no video (stopped before the clip ended" in text, text[-3000:]
    assert "error:" not in text and "OpenGL" not in text
    assert not out.exists() and not list(tmp_path.glob(".v.mp4.clips"))
