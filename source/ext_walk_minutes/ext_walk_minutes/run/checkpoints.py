"""The lookup of checkpoints and runs under ``logs/<agent>/<task>/<timestamp>/``."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import UsageError
from ..rl import backends


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


def trained_task(checkpoint: Path) -> str | None:
    """The task a checkpoint was trained on: stored in the file, else in the run manifest (``run.json``) of the run
    folder holding it (rsl-rl: beside it; skrl: one folder up); None if neither says."""
    from .trained_config import of_checkpoint  # it finds run folders with this module

    entry = of_checkpoint(checkpoint)
    return None if entry is None else entry["task"]
