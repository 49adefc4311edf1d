"""What a backend's ``train`` is given: one immutable :class:`TrainingJob`, complete when built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bootstrap import DEFAULT_MODE
from .progress import IterationReport


@dataclass(frozen=True)
class TrainingResult:
    """What a backend's ``train`` ends with."""

    checkpoint: Path | None
    """The last checkpoint written; None where none was (a signal before the first iteration ended, or a rank other
    than 0 of a ``--distributed`` run, which writes nothing)."""
    stopped_by: KeyboardInterrupt | None = None
    """The signal (Ctrl-C: ``KeyboardInterrupt``, SIGTERM: :class:`~.interrupts.Terminated`) that ended the run early,
    its last finished iteration saved first; None: the run ended as asked."""


@dataclass(frozen=True)
class TrainingJob:
    """One training run as a backend sees it: its agent config, where it logs, how long, and what its checkpoints
    carry. The run's env is passed beside it (it is built and closed by the caller)."""

    label: str
    """Prefix of the progress line (``<task> <agent>``)."""
    agent_cfg: Any
    """The backend's agent config, device and seed already set."""
    device: str
    """``cpu`` or ``cuda:N``."""
    log_dir: str
    """The run folder (TensorBoard, checkpoints); ranks other than 0 of a ``--distributed`` run write nothing."""
    iterations: int
    """PPO iterations to run (after the resumed checkpoint's, with ``resume``)."""
    resume: Path | None = None
    """A checkpoint of this backend to continue from."""
    timeout_bootstrap: str = DEFAULT_MODE
    """One of :data:`.bootstrap.MODES`."""
    curriculum_snapshots: tuple[int, ...] = ()
    """Iterations at which to save the robots-per-(terrain type, level) heatmap as a PNG."""
    saved_with_checkpoints: Mapping[str, Any] = field(default_factory=dict)
    """Plain values written into every checkpoint (rsl-rl: in ``infos``; skrl: top-level entries), e.g. the run's
    trained config under :data:`.checkpoint_files.TRAINED_CONFIG_KEY`."""
    on_iteration: Callable[[IterationReport], bool] | None = None
    """Called after each iteration with what it showed (not in a ``--distributed`` run); returning True ends the
    training there, its checkpoint saved: how a study follows and stops a run without reaching into the library."""
