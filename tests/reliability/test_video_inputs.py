"""play.py --video: a folder it cannot write and a frame no framebuffer holds are one error line before the
simulator starts (they were found after the whole rollout, or as an OpenGL traceback)."""

from __future__ import annotations

import pytest

from ext_walk_minutes.train import play_main
from helpers import FIXTURE_POLICY, mounted_tmpfs, usage_error

PLAY = ["--device", "cpu", "--num_envs", "1", "--checkpoint", str(FIXTURE_POLICY)]


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder no one can write to, root included: a read-only tmpfs."""
    yield from mounted_tmpfs(tmp_path / "read_only", "ro,size=16k")


def test_video_folder_not_writable(capsys, read_only_folder):
    err = usage_error(capsys, play_main.main, *PLAY, "--video", str(read_only_folder / "v.mp4"))
    assert f"cannot write to {read_only_folder}" in err and "Read-only file system" in err


def test_video_size_beyond_a_framebuffer(capsys, tmp_path):
    err = usage_error(
        capsys, play_main.main, *PLAY, "--video", str(tmp_path / "v.mp4"), "--video-size", "100000x100000"
    )
    assert "--video-size must be at most 3840x2160" in err
