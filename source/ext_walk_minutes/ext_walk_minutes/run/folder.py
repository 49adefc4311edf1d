"""A run's own folder: ``logs/<agent>/<task>/<start time>/``, never shared with another run."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

from ..common.errors import UsageError


def new_run_folder(parent: Path, now: datetime | None = None) -> Path:
    """Create and return a new, empty folder under ``parent`` named by the start time.

    The name has Isaac Lab's second resolution (``2026-11-29_23-14-52``); a run starting in the same second as
    another gets ``_2``, ``_3``, ... appended. ``mkdir`` without ``exist_ok`` is atomic, so of two runs racing for
    one name exactly one gets it and the other moves on to the next.
    """
    stamp = (now or datetime.now()).strftime("%Y-%m-%d_%H-%M-%S")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for n in itertools.count(1):
            path = parent / (stamp if n == 1 else f"{stamp}_{n}")
            try:
                path.mkdir()
                return path.resolve()
            except FileExistsError:
                continue
    except PermissionError:
        raise UsageError(
            f"cannot write the run folder under '{parent}' (permission denied); run from a folder "
            "you can write to, or make its logs/ writable"
        ) from None
    except OSError as exc:
        raise UsageError(
            f"cannot create the run folder under '{parent}' ({exc.strerror}); free space or pick another working folder"
        ) from None
