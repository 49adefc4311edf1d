"""The PPO libraries a run can train with: one :class:`Backend` object per library, one module each here.

A module ``<name>.py`` in this package that defines ``BACKEND`` is a backend (``--agent <name>``): adding a
library is adding one module. Modules whose name starts with ``_`` hold a library's runtime code, which
imports the library; a backend imports it only when asked to train or load (skrl must be imported after the
``--distributed`` set-up, and ``--help`` should not wait for either library).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...common.errors import UsageError
from ..bootstrap import DEFAULT_MODE
from ..job import TrainingJob, TrainingResult


class Backend:
    """What the rest of the code asks of a PPO library; a subclass per library sets the attributes below."""

    name: str
    """The ``--agent`` value and the log folder: ``logs/<name>/<task>/<timestamp>/``."""
    entry_point: str
    """The gym registry key of the task's agent config for this library."""
    steps_per_env_key: str
    """The ``key=value`` override key of the rollout length (steps per robot per iteration)."""
    checkpoint_pattern: re.Pattern[str]
    """A checkpoint file name of this library; group 1 is its number (iteration or step)."""
    checkpoint_numbering: str = ""
    """How that number relates to the progress line's ``it i/N`` (said when a run ends)."""
    tensorboard_tags: Mapping[str, str]
    """The library's own TensorBoard tags by meaning (``value_loss``)."""
    parameter_keys: tuple[str, ...]
    """The checkpoint entries holding the policy and value networks."""
    runtime: str = ""
    """The module of this package with the library's runtime (``make_runner``, ``train``, ``inference_policy``
    functions of the same signatures as the methods below), imported on first use; a backend without one
    overrides the methods instead."""

    def apply_run_settings(self, agent_cfg: Any, device: str, seed: int | None) -> int:
        """Put the run's device and seed (None: the config's) into ``agent_cfg``; return the seed."""
        raise NotImplementedError

    def seed_for_rank(self, agent_cfg: Any, rank: int) -> int:
        """A distributed run's env seed for ``rank`` (the library's own seed offset, if it has one, applied)."""
        raise NotImplementedError

    def default_iterations(self, agent_cfg: Any) -> int:
        """PPO iterations the agent config asks for."""
        raise NotImplementedError

    def steps_per_iteration(self, agent_cfg: Any) -> int:
        """Env steps per PPO iteration (the rollout length) the agent config asks for."""
        raise NotImplementedError

    def log_to_wandb(self, agent_cfg: Any, project: str) -> None:
        """Make the library's logger also send the run to Weights & Biases project ``project``."""
        raise NotImplementedError

    def logged_steps_per_iteration(self, run: Path) -> int:
        """TensorBoard steps per PPO iteration of the run folder ``run`` (written by this backend)."""
        return 1

    def read_checkpoint(self, path: Path) -> dict:
        """The checkpoint at ``path``, checked to be readable and written by this library (cheap: before any
        simulation starts)."""
        from ..checkpoint_files import load_checkpoint  # checkpoints asks the backends for their file names

        data = load_checkpoint(path)
        if not set(self.parameter_keys) <= set(data):
            raise UsageError(
                f"checkpoint '{path}' was not written by {self.name} (keys: {', '.join(data)}); "
                "pass the --agent of the library that wrote it"
            )
        return data

    def import_in_process_group(self) -> None:
        """Import the library once ``--distributed`` has created the process group (some join it on import)."""

    def make_runner(
        self,
        env: Any,
        agent_cfg: Any,
        device: str,
        log_dir: str | None,
        *,
        timeout_bootstrap: str = DEFAULT_MODE,
        iterations: int = 1,
    ) -> tuple[Any, Any]:
        """The library's runner on ``env`` (wrapped in :class:`~..progress.EpisodeStats`, returned second),
        logging to ``log_dir`` (None: no logs), for ``iterations`` PPO iterations."""
        return self._runtime().make_runner(
            env, agent_cfg, device, log_dir, timeout_bootstrap=timeout_bootstrap, iterations=iterations
        )

    def train(self, env: Any, job: TrainingJob) -> TrainingResult:
        """Run the :class:`~..job.TrainingJob` ``job`` on ``env``: its last checkpoint and, if a signal stopped it
        early (its last finished iteration saved first), that signal (:class:`~..job.TrainingResult`)."""
        return self._runtime().train(env, job)

    def inference_policy(self, env: Any, agent_cfg: Any, device: str, checkpoint: Path) -> Any:
        """The deterministic policy of ``checkpoint``: observations (N, obs_dim) -> actions (N, num_actions)."""
        return self._runtime().inference_policy(env, agent_cfg, device, checkpoint)

    def _runtime(self):
        if not self.runtime:
            raise NotImplementedError(f"backend {self.name} has no runtime module; override its methods")
        return importlib.import_module(f"{__name__}.{self.runtime}")


@functools.cache
def names() -> tuple[str, ...]:
    """The backends' names, sorted (``rsl_rl`` first: the default); the package is listed once per process."""
    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))


def get(name: str) -> Backend:
    """The backend ``name`` (or its agent config's entry point, as Isaac Lab's ``--agent`` names it:
    ``rsl_rl_cfg_entry_point``), or a :class:`UsageError` listing the valid names."""
    name = name.removesuffix("_cfg_entry_point")
    if name not in names():
        raise UsageError(f"unknown agent '{name}'; choose one of: {', '.join(names())}")
    return importlib.import_module(f"{__name__}.{name}").BACKEND


def of_checkpoint(path: Path) -> Backend | None:
    """The backend whose checkpoint file names match ``path``'s, if any."""
    return next((b for b in map(get, names()) if b.checkpoint_pattern.search(path.name)), None)
