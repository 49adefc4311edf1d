"""The policies ``play.py --checkpoint`` takes besides a checkpoint of a run: ``zero`` and ``random`` (no policy: the
robot's default pose, or uniformly random joint targets; the first check of a new robot: watch it stand, then fall)
and ``pretrained`` (the policy this package ships for the task, in ``ext_walk_minutes/pretrained/``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import torch

from ..common.cli import LOG_ROOT
from ..common.errors import UsageError
from . import backends
from .policy_session import PolicyRun
from .session import Configs, RunSpec, running_env

STAND_INS = ("zero", "random")
"""``--checkpoint`` values that play no policy."""

PRETRAINED = "pretrained"
"""``--checkpoint`` value that plays the shipped policy of the task."""

PRETRAINED_DIR = Path(__file__).resolve().parents[1] / "pretrained"
SHIPPED = {"Walk-Flat-AnymalC": "walk_flat_anymalc_h200_it192.pt"}
"""Task -> the policy file shipped for it in :data:`PRETRAINED_DIR` (each carries its training config)."""


def pretrained_checkpoint(task: str) -> Path:
    """The shipped policy of ``task``; one error line listing the tasks that have one if it has none."""
    if task not in SHIPPED:
        raise UsageError(
            f"--checkpoint pretrained: no policy is shipped for {task}; tasks with one: {', '.join(sorted(SHIPPED))} "
            f"(or train one: scripts/train.py --task {task})"
        )
    path = PRETRAINED_DIR / SHIPPED[task]
    if not path.is_file():
        raise UsageError(f"--checkpoint pretrained: {path} is missing from this install; reinstall the package")
    return path


def stand_in(kind: str, task: str, agent: str | None) -> tuple[Path, str]:
    """``(name, agent)`` for the stand-in ``kind``: no file, a name under ``logs/untrained/<task>/`` that places
    ``--video`` and ``--report`` outputs; the agent only picks the task's agent config."""
    return LOG_ROOT / "untrained" / task / f"{kind}.pt", backends.get(agent).name if agent else backends.names()[0]


def described(name: str, checkpoint: Path) -> str:
    """``checkpoint`` for the console, or what the stand-in ``name`` plays."""
    if name == "zero":
        return "zero (no policy: the default pose as joint targets)"
    if name == "random":
        return "random (no policy: uniformly random joint targets)"
    return str(checkpoint)


class StandInPolicy(torch.nn.Module):
    """Actions without a policy: zeros (the default joint pose) or uniform in [-1, 1] (random joint targets within
    one action scale of it), (N, num_actions) for observations (N, obs_dim)."""

    def __init__(self, kind: str, num_actions: int) -> None:
        super().__init__()
        self.kind = kind
        self.num_actions = num_actions

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        shape = (obs.shape[0], self.num_actions)
        if self.kind == "zero":
            return torch.zeros(shape, device=obs.device)
        return torch.rand(shape, device=obs.device) * 2.0 - 1.0


@contextlib.contextmanager
def stand_in_session(spec: RunSpec, configs: Configs, kind: str) -> Iterator[PolicyRun]:
    """Build the env of ``spec`` with the stand-in ``kind`` acting in it; close the env after."""
    with running_env(spec, configs) as env:
        num_actions = env.unwrapped.action_manager.total_action_dim
        yield PolicyRun(env, StandInPolicy(kind, num_actions), spec.device)
