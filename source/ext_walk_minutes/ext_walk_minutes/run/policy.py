"""A policy running in its task, what ``play.py`` and the evaluation study share: a trained one (a checkpoint of a
run), the one this package ships (``--checkpoint pretrained``, in ``ext_walk_minutes/pretrained/``), or a stand-in
without a policy (``zero`` or ``random``: the robot's default pose, or uniformly random joint targets; the first check
of a new robot: watch it stand, then fall)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..common.cli import LOG_ROOT
from ..common.errors import UsageError
from ..rl import backends
from .checkpoints import find_checkpoint
from .spec import DEFAULT_TASK, Configs, RunSpec, running_env
from .trained_config import of_checkpoint


def find_policy(
    checkpoint: str, agent: str | None, task: str | None, *, same_task: bool = True
) -> tuple[Path, str, dict[str, Any] | None]:
    """``(checkpoint file, agent, what it was trained with)`` (:mod:`.trained_config`) for ``--checkpoint``
    (``latest``, a run folder or a file) and ``--agent`` (None: the backend that wrote it), read once so that a
    corrupt file fails before the simulator starts. ``latest`` and timestamps are looked up under ``task`` (None:
    :data:`~.session.DEFAULT_TASK`); with ``same_task``, a checkpoint trained on another ``task`` is refused."""
    agents = [backends.get(agent).name] if agent else list(backends.names())
    path, agent = find_checkpoint(checkpoint, LOG_ROOT, agents, task or DEFAULT_TASK)
    data = backends.get(agent).read_checkpoint(path)
    trained = of_checkpoint(path, data)
    if same_task and task is not None and trained is not None and trained["task"] != task:
        raise UsageError(
            f"'{path}' was trained on {trained['task']}; run it with --task {trained['task']} or leave --task out "
            f"(a policy of another robot or terrain acts wrongly in {task}, or not at all)"
        )
    return path, agent, trained


@dataclass(frozen=True)
class PolicyInEnv:
    """The env and the deterministic policy acting in it."""

    env: Any
    policy: torch.nn.Module
    device: str

    def act(self, obs: torch.Tensor) -> torch.Tensor:
        """Actions (N, num_actions) on the env's device for observations (N, obs_dim), without gradients."""
        with torch.no_grad():
            return self.policy(obs.to(self.device))


@contextlib.contextmanager
def running_policy(spec: RunSpec, configs: Configs, checkpoint: Path) -> Iterator[PolicyInEnv]:
    """Build the env of ``spec`` and load ``checkpoint``'s policy into it; close the env after."""
    with running_env(spec, configs) as env:
        policy = spec.backend.inference_policy(env, configs.agent_cfg, spec.device, checkpoint)
        yield PolicyInEnv(env, policy, spec.device)


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
def running_stand_in(spec: RunSpec, configs: Configs, kind: str) -> Iterator[PolicyInEnv]:
    """Build the env of ``spec`` with the stand-in ``kind`` acting in it; close the env after."""
    with running_env(spec, configs) as env:
        num_actions = env.unwrapped.action_manager.total_action_dim
        yield PolicyInEnv(env, StandInPolicy(kind, num_actions), spec.device)
