"""The rsl_rl backend's runtime: training and inference with rsl-rl (the paper authors' PPO)."""

from __future__ import annotations

import contextlib
import copy
import io
import os
from collections.abc import Callable
from pathlib import Path

import torch

from ...common.startup import imported_on_first_use

with imported_on_first_use("wandb"):  # rsl-rl's W&B writer imports it; a --logger wandb run loads it at wandb.init
    from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper, handle_deprecated_rsl_rl_cfg
    from isaaclab_rl.rsl_rl.utils import check_rsl_rl_version
    from rsl_rl.algorithms import PPO
    from rsl_rl.runners import OnPolicyRunner
    from tensordict import TensorDict

from ..bootstrap import DEFAULT_MODE, bootstrapped_rewards
from ..checkpoint_files import atomic_torch_save
from ..distributed import is_main_process, report_parameters
from ..divergence import check_finite
from ..interrupts import deferred, saving_after_signal
from ...common.errors import UsageError
from ..progress import EpisodeStats, Progress
from ..job import TrainingJob, TrainingResult
from .rsl_rl import BACKEND


class StopRequested(Exception):
    """Raised from rsl-rl's iteration hook when the job's callback asks to stop (it ends ``runner.learn``)."""


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

            rewards = bootstrapped_rewards(
                self.timeout_bootstrap, self.gamma, rewards, time_outs, self.transition.values.squeeze(-1), final_value
            )
        super().process_env_step(obs, rewards, dones, extras)


class WalkOnPolicyRunner(OnPolicyRunner):
    """rsl-rl's runner with atomic checkpoint writes that carry the run's config (see :mod:`..trained_config`),
    distributed also on CPU (see :mod:`.distributed`)."""

    saved_with_checkpoints: dict = {}
    """Saved in every checkpoint's ``infos`` (:attr:`..job.TrainingJob.saved_with_checkpoints`)."""

    def _configure_multi_gpu(self) -> None:
        if not torch.distributed.is_initialized():
            return super()._configure_multi_gpu()
        # --distributed created the process group (gloo on CPU); rsl-rl's own set-up wants NCCL on cuda:LOCAL_RANK
        self.gpu_world_size = torch.distributed.get_world_size()
        self.gpu_global_rank = torch.distributed.get_rank()
        self.gpu_local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.is_distributed = self.gpu_world_size > 1
        self.cfg["multi_gpu"] = (
            {"global_rank": self.gpu_global_rank, "local_rank": self.gpu_local_rank, "world_size": self.gpu_world_size}
            if self.is_distributed
            else None
        )

    def save(self, path: str, infos: dict | None = None) -> None:
        saved = self.alg.save()
        saved["iter"] = self.current_learning_iteration
        saved["infos"] = {**(infos or {}), **self.saved_with_checkpoints} if self.saved_with_checkpoints else infos
        atomic_torch_save(saved, path)


def make_runner(
    env,
    agent_cfg,
    device: str,
    log_dir: str | None,
    timeout_bootstrap: str = DEFAULT_MODE,
    iterations: int | None = None,
) -> tuple[WalkOnPolicyRunner, EpisodeStats]:
    """rsl-rl's runner on ``env`` (wrapped in :class:`EpisodeStats`), logging to ``log_dir`` (None: no logs), with
    our PPO and the ``timeout_bootstrap`` mode (``iterations``: unused, rsl-rl takes them in ``learn``)."""
    # Isaac Lab's runner cfg keeps fields of older rsl-rl releases; translate it for the installed one
    cfg = handle_deprecated_rsl_rl_cfg(copy.deepcopy(agent_cfg), check_rsl_rl_version()).to_dict()
    cfg["algorithm"]["class_name"] = f"{__name__}:WalkPPO"
    cfg["algorithm"]["timeout_bootstrap"] = timeout_bootstrap
    stats = EpisodeStats(env)
    vec_env = RslRlVecEnvWrapper(stats, clip_actions=agent_cfg.clip_actions)
    return WalkOnPolicyRunner(vec_env, cfg, log_dir=log_dir, device=device), stats


def _load(runner: WalkOnPolicyRunner, path: Path) -> None:
    BACKEND.read_checkpoint(path)
    try:
        runner.load(str(path), map_location=runner.device)
    except (RuntimeError, KeyError) as exc:
        raise UsageError(
            f"checkpoint '{path}' does not fit this task's policy ({exc}); was it trained on another task?"
        ) from None


def train(env, job: TrainingJob) -> TrainingResult:
    """Run the job's PPO iterations on ``env``; the last checkpoint written.

    Ctrl-C or SIGTERM saves the last finished iteration (nothing before the first one ends) and ends the run with
    the signal in the result; a diverged update stops the run before its checkpoint is written. In a distributed
    run only rank 0 logs and saves; the other ranks' checkpoint is None.
    """
    log_dir = job.log_dir if is_main_process() else None
    runner, stats = make_runner(env, job.agent_cfg, job.device, log_dir, job.timeout_bootstrap)
    stats.keep_logs = job.on_iteration is not None
    runner.saved_with_checkpoints = dict(job.saved_with_checkpoints)
    if job.resume is not None:
        _load(runner, job.resume)
        runner.current_learning_iteration += 1  # the checkpoint's iteration is done; continue after it
    start = runner.current_learning_iteration
    progress = Progress(
        env,
        stats,
        log_dir,
        job.label,
        start,
        start + job.iterations,
        runner.cfg["num_steps_per_env"] * env.unwrapped.num_envs,
        job.curriculum_snapshots,
    )
    finished = _watch_iterations(runner, progress, start, job.on_iteration)
    runner.add_git_repo_to_log(__file__)  # this project's commit and diff beside rsl-rl's, as Isaac Lab's train.py
    try:
        runner.learn(job.iterations, init_at_random_ep_len=True)
    except StopRequested:  # the job's callback ended it: save where it stopped, as learn() saves its last
        return TrainingResult(_save_stopped(runner, log_dir, finished[0], start))
    except KeyboardInterrupt as interrupt:
        with saving_after_signal():
            return TrainingResult(_save_stopped(runner, log_dir, finished[0], start), interrupt)
    finally:
        progress.close()
        _remove_empty_git_folder(log_dir)
    report_parameters(runner.alg.save(), BACKEND.parameter_keys)
    last = None if log_dir is None else Path(log_dir) / f"model_{runner.current_learning_iteration}.pt"
    return TrainingResult(last)


def _remove_empty_git_folder(log_dir: str | None) -> None:
    """rsl-rl makes ``<run>/git/`` for the diffs of the code's git checkouts; installed from wheels there are
    none, and the folder stays empty."""
    if log_dir is not None:
        with contextlib.suppress(OSError):  # not empty, or not there: keep it
            (Path(log_dir) / "git").rmdir()


def _watch_iterations(
    runner: WalkOnPolicyRunner, progress: Progress, start: int, on_iteration: Callable | None
) -> list[int]:
    """Hook into each iteration: the update runs whole (signals wait for its end), then the divergence check and
    our progress line replace rsl-rl's log block, then the job's callback (:class:`StopRequested` if it asks to
    stop). Returns a box holding the last iteration whose update finished."""
    finished = [start - 1]
    update, rsl_log = runner.alg.update, runner.logger.log

    def whole_update(*args, **kwargs):
        with deferred():
            losses = update(*args, **kwargs)
            finished[0] += 1
        return losses

    def log(**kwargs) -> None:
        with contextlib.redirect_stdout(io.StringIO()):  # our one-line progress replaces rsl-rl's block
            rsl_log(**kwargs)
        check_finite(
            kwargs["it"],
            {**kwargs["loss_dict"], "action std": kwargs["action_std"]},
            (runner.alg.actor, runner.alg.critic),
            runner.alg.learning_rate,
        )
        report = progress.iteration_done(kwargs["it"], kwargs.get("collect_time"), kwargs.get("learn_time"))
        if on_iteration is not None and report is not None and on_iteration(report):
            raise StopRequested

    runner.alg.update, runner.logger.log = whole_update, log
    return finished


def _save_stopped(runner: WalkOnPolicyRunner, log_dir: str | None, finished: int, start: int) -> Path | None:
    """Save the last finished iteration of a run stopped early; its path (None if none finished, or on a rank other
    than 0)."""
    if log_dir is None or finished < start:
        return None
    runner.current_learning_iteration = finished
    path = Path(log_dir) / f"model_{finished}.pt"
    runner.save(str(path))
    return path


def inference_policy(env, agent_cfg, device: str, checkpoint: Path) -> torch.nn.Module:
    """Deterministic policy: observation tensor (N, obs_dim) -> action (N, 12), normaliser included."""
    runner, _ = make_runner(env, agent_cfg, device, None)
    _load(runner, checkpoint)
    runner.get_inference_policy(device=device)  # eval mode
    return runner.alg.get_policy().as_jit()
