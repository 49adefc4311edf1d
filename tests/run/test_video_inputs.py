"""play.py --video: a folder it cannot write and a frame no framebuffer holds are one error line before the
simulator starts (they were found after the whole rollout, or as an OpenGL traceback)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from ext_walk_minutes.cli import play as play_cli
from helpers import FIXTURE_POLICY, mounted_tmpfs, usage_error

PLAY = ["--device", "cpu", "--num_envs", "1", "--checkpoint", str(FIXTURE_POLICY)]


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder no one can write to, root included: a read-only tmpfs."""
    yield from mounted_tmpfs(tmp_path / "read_only", "ro,size=16k")


def test_video_folder_not_writable(capsys, read_only_folder):
    err = usage_error(capsys, play_cli.main, *PLAY, "--video", str(read_only_folder / "v.mp4"))
    assert f"cannot write to {read_only_folder}" in err and "Read-only file system" in err


def test_video_size_beyond_a_framebuffer(capsys, tmp_path):
    err = usage_error(capsys, play_cli.main, *PLAY, "--video", str(tmp_path / "v.mp4"), "--video-size", "100000x100000")
    assert "--video-size must be at most 3840x2160" in err


@pytest.fixture
def read_only_checkpoint(tmp_path):
    """The fixture policy in a folder mounted read-only after the copy."""
    for folder in mounted_tmpfs(tmp_path / "run", "size=1m"):
        shutil.copy(FIXTURE_POLICY, folder / "model_192.pt")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "model_192.pt"


def test_export_next_to_a_read_only_checkpoint(capsys, read_only_checkpoint):
    err = usage_error(capsys, play_cli.main, "--device", "cpu", "--checkpoint", str(read_only_checkpoint), "--export")
    assert "--export (writes next to the checkpoint): cannot write to" in err and "Read-only file system" in err
