"""Checkpoint files: readable by the team (the umask's permissions, not 0600) and loaded without running code."""

from __future__ import annotations

import os

import pytest
import torch

from ext_walk_minutes.common.errors import UsageError
from ext_walk_minutes.train.checkpoints import atomic_torch_save, load_checkpoint


def test_checkpoint_has_the_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_torch_save({"iter": 3, "w": torch.ones(2)}, tmp_path / "model_3.pt")
    finally:
        os.umask(old)
    assert (tmp_path / "model_3.pt").stat().st_mode & 0o777 == 0o644
    assert load_checkpoint(tmp_path / "model_3.pt")["iter"] == 3


class Payload:
    """Unpickling this runs code: what a crafted checkpoint could do."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path):
    path = tmp_path / "model_1.pt"
    torch.save({"iter": 1, "payload": Payload()}, path)
    with pytest.raises(UsageError, match="holds more than tensors and plain values"):
        load_checkpoint(path)
