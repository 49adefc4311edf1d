"""Training and inference with rsl-rl (the paper authors' PPO)."""

from __future__ import annotations

import contextlib
import copy
import io
import os
from pathlib import Path

import torch
from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper, handle_deprecated_rsl_rl_cfg
from isaaclab_rl.rsl_rl.utils import check_rsl_rl_version
from rsl_rl.algorithms import PPO
from rsl_rl.runners import OnPolicyRunner
from tensordict import TensorDict

from .bootstrap import DEFAULT_MODE, bootstrapped_rewards
from .checkpoints import atomic_torch_save, load_checkpoint
from .distributed import is_main_process, report_parameters
from .errors import UsageError
from .progress import EpisodeStats, Progress
from .session import Session


class WalkPPO(PPO):
    """rsl-rl's PPO with the time-out bootstrap chosen by ``timeout_bootstrap`` (see :mod:`.bootstrap`).

    rsl-rl itself adds ``gamma * V(s_t)`` when ``extras["time_outs"]`` is present (``approx``); here the
    key is taken out and the chosen bootstrap is added to the reward before rsl-rl stores it.
    """

    def __init__(self, *args, timeout_bootstrap: str = DEFAULT_MODE, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_bootstrap = timeout_bootstrap

    def process_env_step(self, obs: TensorDict, rewards: torch.Tensor, dones: torch.Tensor, extras: dict) -> None:
        extras = dict(extras)
        time_outs = extras.pop("time_outs", None)
        if time_outs is not None:
            time_outs = time_outs.to(self.device)

            def final_value() -> torch.Tensor | None:
                if "final_obs" not in extras:
                    return None
                final_obs = TensorDict(extras["final_obs"], batch_size=[rewards.shape[0]]).to(self.device)
                return self.critic(final_obs).squeeze(-1)

            rewards = bootstrapped_rewards(self.timeout_bootstrap, self.gamma, rewards, time_outs,
                                           self.transition.values.squeeze(-1), final_value)
        super().process_env_step(obs, rewards, dones, extras)


PARAMETER_KEYS = ("actor_state_dict", "critic_state_dict")
"""The checkpoint entries holding the policy and value networks."""


class WalkOnPolicyRunner(OnPolicyRunner):
    """rsl-rl's runner with atomic checkpoint writes, distributed also on CPU (see :mod:`.distributed`)."""

    def _configure_multi_gpu(self) -> None:
        if not torch.distributed.is_initialized():
            return super()._configure_multi_gpu()
        # --distributed created the process group (gloo on CPU); rsl-rl's own set-up wants NCCL on cuda:LOCAL_RANK
        self.gpu_world_size = torch.distributed.get_world_size()
        self.gpu_global_rank = torch.distributed.get_rank()
        self.gpu_local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.is_distributed = self.gpu_world_size > 1
        self.cfg["multi_gpu"] = {"global_rank": self.gpu_global_rank, "local_rank": self.gpu_local_rank,
                                 "world_size": self.gpu_world_size} if self.is_distributed else None

    def save(self, path: str, infos: dict | None = None) -> None:
        saved = self.alg.save()
        saved["iter"] = self.current_learning_iteration
        saved["infos"] = infos
        atomic_torch_save(saved, path)


def make_runner(session: Session, log_dir: str | None,
                timeout_bootstrap: str = DEFAULT_MODE) -> tuple[WalkOnPolicyRunner, EpisodeStats]:
    """rsl-rl's runner on ``session``'s env (wrapped in :class:`EpisodeStats`), logging to ``log_dir`` (None: no
    logs), with our PPO and the ``timeout_bootstrap`` mode."""
    # Isaac Lab's runner cfg keeps fields of older rsl-rl releases; translate it for the installed one
    cfg = handle_deprecated_rsl_rl_cfg(copy.deepcopy(session.agent_cfg), check_rsl_rl_version()).to_dict()
    cfg["algorithm"]["class_name"] = f"{__name__}:WalkPPO"
    cfg["algorithm"]["timeout_bootstrap"] = timeout_bootstrap
    stats = EpisodeStats(session.env)
    vec_env = RslRlVecEnvWrapper(stats, clip_actions=session.agent_cfg.clip_actions)
    return WalkOnPolicyRunner(vec_env, cfg, log_dir=log_dir, device=session.device), stats


def _load(runner: WalkOnPolicyRunner, path: Path) -> None:
    data = load_checkpoint(path)
    if "actor_state_dict" not in data and "model_state_dict" not in data:
        raise UsageError(f"checkpoint '{path}' was not written by rsl_rl (keys: {', '.join(data)}); "
                         "pass --agent skrl for skrl checkpoints")
    try:
        runner.load(str(path), map_location=runner.device)
    except (RuntimeError, KeyError) as exc:
        raise UsageError(f"checkpoint '{path}' does not fit this task's policy ({exc}); "
                         "was it trained on another task?") from None


def train(session: Session, log_dir: str, iterations: int, resume: Path | None, label: str,
          timeout_bootstrap: str = DEFAULT_MODE) -> Path | None:
    """Run ``iterations`` PPO iterations; return the last checkpoint written. Ctrl-C saves one first.

    In a distributed run only rank 0 logs and saves; the other ranks return None.
    """
    log_dir = log_dir if is_main_process() else None
    runner, stats = make_runner(session, log_dir, timeout_bootstrap)
    if resume is not None:
        _load(runner, resume)
        runner.current_learning_iteration += 1  # the checkpoint's iteration is done; continue after it
    start = runner.current_learning_iteration
    progress = Progress(session.env, stats, log_dir, label, start, start + iterations,
                        runner.cfg["num_steps_per_env"] * session.env.unwrapped.num_envs,
                        session.curriculum_snapshots)
    rsl_log = runner.logger.log

    def log(**kwargs) -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # our one-line progress replaces rsl-rl's block
            rsl_log(**kwargs)
        progress.iteration_done(kwargs["it"])

    runner.logger.log = log
    try:
        runner.learn(iterations, init_at_random_ep_len=True)
    except KeyboardInterrupt:
        progress.close()
        if log_dir is None:
            raise KeyboardInterrupt("by rank 0") from None
        path = Path(log_dir) / f"model_{runner.current_learning_iteration}.pt"
        runner.save(str(path))
        raise KeyboardInterrupt(str(path)) from None
    progress.close()
    report_parameters(runner.alg.save(), PARAMETER_KEYS)
    return None if log_dir is None else Path(log_dir) / f"model_{runner.current_learning_iteration}.pt"


def inference_policy(session: Session, checkpoint: Path) -> torch.nn.Module:
    """Deterministic policy: observation tensor (N, obs_dim) -> action (N, 12), normaliser included."""
    runner, _ = make_runner(session, None)
    _load(runner, checkpoint)
    runner.get_inference_policy(device=session.device)  # eval mode
    return runner.alg.get_policy().as_jit()
