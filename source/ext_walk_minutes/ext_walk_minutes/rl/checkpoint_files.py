"""Checkpoint files: written atomically, read back with tensors and plain values only."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import torch

from ..common.errors import UsageError

TRAINED_CONFIG_KEY = "trained_config"
"""The checkpoint entry holding what a run was trained with (rsl-rl: ``infos[KEY]``; skrl: ``[KEY]``)."""


def atomic_torch_save(obj: Any, path: str | os.PathLike) -> None:
    """Write ``obj`` with ``torch.save`` so that ``path`` is either the old file or the complete new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it 0600: teammates and a host user could not read it
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def load_checkpoint(path: Path) -> dict:
    """Load a checkpoint dict on the CPU, or raise a :class:`UsageError` saying why it cannot be read.

    Only tensors and plain values are unpickled (``weights_only``): a crafted file cannot run code here.
    """
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "GLOBAL" not in str(exc):  # a legacy pickle or garbage, not a torch.save archive naming a global
            raise UsageError(f"checkpoint '{path}' is unreadable (not a torch checkpoint); pick another one") from None
        raise UsageError(
            f"checkpoint '{path}' holds more than tensors and plain values; it was not written by "
            "this project's training, and loading it could run code"
        ) from None
    except Exception as exc:  # truncated, not a torch file, unreadable
        raise UsageError(
            f"checkpoint '{path}' is unreadable ({type(exc).__name__}: {exc}); "
            "pick another one (an interrupted copy or a file that is not a checkpoint)"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"checkpoint '{path}' is not a training checkpoint (expected a dict, got {type(data).__name__})"
        )
    return data
