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
from .checkpoints import find_checkpoint
from .session import DEFAULT_TASK, Configs, RunSpec, running_env
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
