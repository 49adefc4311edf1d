"""Atomic checkpoint files and the lookup of runs under ``logs/<agent>/<task>/<timestamp>/``."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import torch

from ..common.errors import UsageError
from . import backends


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


def checkpoints_in(run_dir: Path) -> list[Path]:
    """Checkpoint files of a run, oldest first (by the number in their name)."""
    found = [(n, p) for p in run_dir.rglob("*.pt") if (n := _checkpoint_number(p)) is not None]
    return [p for _, p in sorted(found)]


def _checkpoint_number(path: Path) -> int | None:
    """The iteration or step in a checkpoint's file name; None for a file no backend writes."""
    backend = backends.of_checkpoint(path)
    return None if backend is None else int(backend.checkpoint_pattern.search(path.name).group(1))


def find_checkpoint(
    spec: str, log_root: Path, agents: list[str], task: str, flag: str = "--checkpoint"
) -> tuple[Path, str]:
    """Resolve ``spec`` to ``(checkpoint file, agent)``.

    ``spec`` is ``latest`` (newest run of ``task`` with a checkpoint, over ``agents``), a run folder
    (a path or a timestamp under ``logs/<agent>/<task>/``) or a checkpoint file.
    """
    if spec == "latest":
        runs = [
            (run, agent)
            for agent in agents
            for run in (log_root / agent / task).glob("*")
            if run.is_dir() and checkpoints_in(run)
        ]
        if not runs:
            raise UsageError(
                f"no checkpoint of {task} under {log_root}/{{{','.join(agents)}}}/{task}/; "
                f"train first (scripts/train.py --task {task}) or pass {flag} PATH"
            )
        run, agent = max(runs, key=lambda ra: ra[0].stat().st_mtime)
        return checkpoints_in(run)[-1], agent
    path = Path(spec)
    if not path.exists():
        for agent in agents:
            if (log_root / agent / task / spec).is_dir():
                path = log_root / agent / task / spec
                break
        else:
            raise UsageError(f"checkpoint '{spec}' not found; pass an existing .pt file, a run folder, or 'latest'")
    if path.is_dir():
        found = checkpoints_in(path)
        if not found:
            raise UsageError(f"run folder '{path}' holds no checkpoint (e.g. model_<it>.pt or agent_<step>.pt)")
        path = found[-1]
    return path, agent_of_checkpoint(path, agents)


def agent_of_checkpoint(path: Path, agents: list[str]) -> str:
    """The backend that wrote ``path``, from its file name (e.g. rsl-rl ``model_*.pt``, skrl ``agent_*.pt``)."""
    backend = backends.of_checkpoint(path)
    return agents[0] if backend is None else backend.name


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


def trained_task(checkpoint: Path) -> str | None:
    """The task a checkpoint was trained on: stored in the file, else in the run manifest (``run.json``) of the run
    folder holding it (rsl-rl: beside it; skrl: one folder up); None if neither says."""
    from .trained_config import of_checkpoint  # it reads checkpoints with this module

    entry = of_checkpoint(checkpoint)
    return None if entry is None else entry["task"]
