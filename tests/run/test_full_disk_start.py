"""A run started on a full disk is one error line naming ENOSPC, before the simulator starts, and leaves no
partial run folder (the manifest and configs are written first; the chained traceback printed twice)."""

from __future__ import annotations

import pytest

from ext_walk_minutes.cli import train as train_cli
from helpers import mounted_tmpfs, usage_error


@pytest.fixture
def full_disk(tmp_path):
    """A 16 kB filesystem: a run's manifest and configs do not fit."""
    yield from mounted_tmpfs(tmp_path / "small", "size=16k")


def test_train_on_a_full_disk(capsys, full_disk, monkeypatch):
    monkeypatch.chdir(full_disk)
    err = usage_error(capsys, train_cli.main, "--device", "cpu", "--num_envs", "1", "--max_iterations", "1")
    assert "cannot write the run's files" in err and "No space left on device" in err
    assert not any((full_disk / "logs" / "rsl_rl" / "Walk-Flat-AnymalC").iterdir()), "a partial run folder was left"
