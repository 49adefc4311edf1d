"""A trained policy running in its task: what ``play.py`` and the evaluation study share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..common.cli import LOG_ROOT
from ..common.errors import UsageError
from . import backends
from .checkpoints import find_checkpoint, trained_task
from .session import Configs, RunSpec, running_env


def find_policy(checkpoint: str, agent: str | None, task: str) -> tuple[Path, str]:
    """``(checkpoint file, agent)`` for ``--checkpoint`` (``latest``, a run folder or a file) and ``--agent``
    (None: the backend that wrote it), read once so that a corrupt file fails before the simulator starts."""
    agents = [backends.get(agent).name] if agent else list(backends.names())
    path, agent = find_checkpoint(checkpoint, LOG_ROOT, agents, task)
    trained = trained_task(path)
    if trained is not None and trained != task:
        raise UsageError(
            f"'{path}' was trained on {trained}; run it with --task {trained} (a policy of another robot or "
            f"terrain acts wrongly in {task}, or not at all)"
        )
    backends.get(agent).read_checkpoint(path)
    return path, agent


@dataclass(frozen=True)
class PolicyRun:
    """The env and the deterministic policy acting in it."""

    env: Any
    policy: torch.nn.Module
    device: str

    def act(self, obs: torch.Tensor) -> torch.Tensor:
        """Actions (N, num_actions) on the env's device for observations (N, obs_dim), without gradients."""
        with torch.no_grad():
            return self.policy(obs.to(self.device))


@contextlib.contextmanager
def policy_session(spec: RunSpec, configs: Configs, checkpoint: Path) -> Iterator[PolicyRun]:
    """Build the env of ``spec`` and load ``checkpoint``'s policy into it; close the env after."""
    with running_env(spec, configs) as env:
        policy = spec.backend.inference_policy(env, configs.agent_cfg, spec.device, checkpoint)
        yield PolicyRun(env, policy, spec.device)
