"""Checkpoint files: readable by the team (the umask's permissions, not 0600) and loaded without running code."""

from __future__ import annotations

import os

import pytest
import torch

from ext_walk_minutes.common.errors import UsageError
from ext_walk_minutes.rl.checkpoint_files import atomic_torch_save, load_checkpoint


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_checkpoint_has_the_umask_permissions(tmp_path, umask, mode):
    """The file gets 0666 less the umask, as ``open`` would give it (not a fixed 0644, not mkstemp's 0600)."""
    old = os.umask(umask)
    try:
        atomic_torch_save({"iter": 3, "w": torch.ones(2)}, tmp_path / "model_3.pt")
    finally:
        os.umask(old)
    assert (tmp_path / "model_3.pt").stat().st_mode & 0o777 == mode
    assert load_checkpoint(tmp_path / "model_3.pt")["iter"] == 3


def test_a_failed_save_leaves_the_old_checkpoint(tmp_path):
    """A save that fails half-way (here: an object torch cannot pickle, after the tensors) leaves the previous file
    whole and no temporary file: ``latest`` never points at a truncated checkpoint."""
    path = tmp_path / "model_3.pt"
    atomic_torch_save({"iter": 3, "w": torch.ones(2)}, path)
    with pytest.raises(Exception):  # pickle's error type depends on the object
        atomic_torch_save({"iter": 4, "w": torch.zeros(1000), "f": lambda: None}, path)
    assert load_checkpoint(path)["iter"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model_3.pt"]


class Payload:
    """Unpickling this runs code: what a crafted checkpoint could do."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    path = tmp_path / "model_1.pt"
    torch.save({"iter": 1, "payload": Payload()}, path)
    with pytest.raises(UsageError, match="holds more than tensors and plain values"):
        load_checkpoint(path)
