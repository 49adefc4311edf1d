"""The skrl backend's runtime: training and inference with skrl's PPO agent, driven by our own rollout loop.

The loop is skrl's sequential trainer step for step (pre_interaction, act, step, record_transition,
post_interaction), written out so that iterations are numbered across resumes, progress is reported
once per PPO update and checkpoints are written atomically.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import skrl
import torch
from isaaclab_rl.skrl import SkrlVecEnvWrapper

from ..bootstrap import DEFAULT_MODE, bootstrapped_rewards
from ..checkpoint_files import atomic_torch_save
from ..distributed import is_main_process, report_parameters
from ..divergence import check_finite
from ..interrupts import deferred, saving_after_signal
from ...common.errors import UsageError
from ..progress import EpisodeStats, Progress
from ..job import TrainingJob, TrainingResult
from ._skrl_ppo import SkrlWalkRunner, policy_state_with_std
from .skrl import BACKEND

# skrl's INFO lines (the env wrapper's kind, the seed) sit between the run's first lines, which say as much, and
# the first progress line; its warnings still show
skrl.logger.setLevel(logging.WARNING)


def make_runner(
    env, agent_cfg, device: str, log_dir: str | Path | None, timeout_bootstrap: str = DEFAULT_MODE, iterations: int = 1
) -> tuple[SkrlWalkRunner, EpisodeStats]:
    """skrl's runner on ``env`` (wrapped in :class:`EpisodeStats`) for ``iterations`` PPO updates, logging to
    ``log_dir`` (None: no logs). skrl takes the device from the env; the bootstrap is applied in :func:`train`.
    Its agent is :class:`~._skrl_ppo.SkrlPPOWithRslRlUpdate`: skrl's PPO with rsl-rl's update rule."""
    log_dir = None if log_dir is None else Path(log_dir)
    cfg = copy.deepcopy(agent_cfg)  # run-time settings below stay out of the run's config
    rollouts = cfg["agent"]["rollouts"]
    cfg["trainer"]["timesteps"] = max(iterations, 1) * rollouts
    cfg["trainer"]["close_environment_at_exit"] = False
    cfg["trainer"]["disable_progressbar"] = True
    experiment = cfg["agent"]["experiment"]
    experiment["checkpoint_interval"] = 0  # we write checkpoints ourselves, atomically
    experiment["write_interval"] = rollouts if log_dir is not None else 0
    if log_dir is not None:
        experiment["directory"], experiment["experiment_name"] = str(log_dir.parent), log_dir.name
    stats = EpisodeStats(env)
    return SkrlWalkRunner(SkrlVecEnvWrapper(stats, ml_framework="torch"), cfg), stats


def _checkpoint(agent) -> dict:
    return {name: agent._get_internal_value(module) for name, module in agent.checkpoint_modules.items()}


def _load(agent, path: Path, inference: bool = False) -> int:
    """Load every module of ``agent`` that training uses (policy, value and optimizer) from ``path``; return the
    checkpoint's iteration. For ``inference`` the optimizer may be absent (the policy and value are loaded)."""
    data = BACKEND.read_checkpoint(path)
    names = [name for name in agent.checkpoint_modules if not (inference and name == "optimizer" and name not in data)]
    missing = [name for name in names if name not in data]
    if missing:  # loading the others alone would resume with, e.g., a fresh optimizer
        raise UsageError(
            f"checkpoint '{path}' lacks {', '.join(missing)} (it holds {', '.join(map(str, data))}); "
            "is it an skrl checkpoint of this project?"
        )
    try:
        for name in names:  # a checkpoint whose policy holds log(std) rather than std is converted
            state = policy_state_with_std(data[name]) if name == "policy" else data[name]
            agent.checkpoint_modules[name].load_state_dict(state)
    except (RuntimeError, KeyError) as exc:
        raise UsageError(
            f"checkpoint '{path}' does not fit this task's policy ({exc}); was it trained on another task?"
        ) from None
    return int(data.get("iter", -1))


def _save(agent, log_dir: Path, it: int, rollouts: int, extra: dict | None = None) -> Path:
    """Write the agent's modules, the iteration and ``extra`` (the run's config, :mod:`..trained_config`)."""
    path = log_dir / "checkpoints" / f"agent_{(it + 1) * rollouts}.pt"
    atomic_torch_save({**_checkpoint(agent), "iter": it, **(extra or {})}, path)
    return path


def collect_step(agent, env, obs, states, t: int, timesteps: int, timeout_bootstrap: str):
    """One environment step recorded into the agent's rollout memory (PPO updates in ``post_interaction``).

    The time-out bootstrap of :mod:`.bootstrap` is folded into the stored reward, and the stored
    ``terminated`` is ``terminated | truncated`` so skrl's GAE cuts the trace at every episode end
    (skrl's own ``time_limit_bootstrap`` would evaluate the observation after the automatic reset).
    Returns ``(next_obs, next_states, env rewards, terminated, truncated)``.
    """
    agent.pre_interaction(timestep=t, timesteps=timesteps)
    with torch.no_grad():
        actions, _ = agent.act(obs, states, timestep=t, timesteps=timesteps)
        next_obs, rewards, terminated, truncated, infos = env.step(actions)
        next_states = env.state()

        def final_value() -> torch.Tensor | None:
            if "final_obs" not in infos:
                return None
            final_obs = agent._observation_preprocessor(infos["final_obs"]["policy"])
            value, _ = agent.value.act({"observations": final_obs, "states": None}, role="value")
            return agent._value_preprocessor(value, inverse=True)

        stored = bootstrapped_rewards(
            timeout_bootstrap, agent.cfg.discount_factor, rewards, truncated, agent._current_values, final_value
        )
        agent.record_transition(
            observations=obs,
            states=states,
            actions=actions,
            rewards=stored,
            next_observations=next_obs,
            next_states=next_states,
            terminated=terminated | truncated,
            truncated=truncated,
            infos=infos,
            timestep=t,
            timesteps=timesteps,
        )
        for key, value in infos.get("log", {}).items():
            if isinstance(value, torch.Tensor) and value.numel() == 1:
                agent.track_data(key if "/" in key else f"Info / {key}", value.item())
    agent.post_interaction(timestep=t, timesteps=timesteps)
    return next_obs, next_states, rewards, terminated, truncated


def train(env, job: TrainingJob) -> TrainingResult:
    """Run the job's PPO updates on ``env``; the last checkpoint written.

    Ctrl-C or SIGTERM saves the last finished iteration (nothing before the first one ends) and ends the run with
    the signal in the result; a diverged update stops the run before its checkpoint is written. In a distributed
    run only rank 0 logs and saves; the other ranks' checkpoint is None.
    """
    log_dir = Path(job.log_dir) if is_main_process() else None
    iterations = job.iterations
    runner, stats = make_runner(env, job.agent_cfg, job.device, log_dir, iterations=iterations)
    stats.keep_logs = job.on_iteration is not None
    agent, skrl_env = runner.agent, runner.trainer.env
    rollouts = job.agent_cfg["agent"]["rollouts"]
    # skrl counts checkpoint intervals in env steps (the config's, from rsl-rl's save_interval); 0: none
    save_interval = job.agent_cfg["agent"]["experiment"]["checkpoint_interval"] // rollouts
    start = _load(agent, job.resume) + 1 if job.resume is not None else 0
    trained = dict(job.saved_with_checkpoints)
    progress = Progress(
        env,
        stats,
        None if log_dir is None else str(log_dir),
        job.label,
        start,
        start + iterations,
        rollouts * skrl_env.num_envs,
        job.curriculum_snapshots,
    )
    obs, states = _first_observation(agent, skrl_env, env)
    timesteps = (start + iterations) * rollouts
    finished = start - 1
    try:
        for it in range(start, start + iterations):
            steps = range(it * rollouts, (it + 1) * rollouts)
            for t in steps[:-1]:
                obs, states, *_ = collect_step(agent, skrl_env, obs, states, t, timesteps, job.timeout_bootstrap)
            with deferred():  # the last step runs the PPO update: a signal waits for its end (never half-updated)
                obs, states, *_ = collect_step(
                    agent, skrl_env, obs, states, steps[-1], timesteps, job.timeout_bootstrap
                )
                finished = it
            check_finite(it, {}, (agent.policy, agent.value), agent.optimizer.param_groups[0]["lr"])
            report = progress.iteration_done(it)
            if job.on_iteration is not None and report is not None and job.on_iteration(report):
                break
            if save_interval > 0 and it % save_interval == 0 and log_dir is not None:
                _save(agent, log_dir, it, rollouts, trained)
    except KeyboardInterrupt as interrupt:
        with saving_after_signal():
            return TrainingResult(_save_stopped(agent, log_dir, finished, start, rollouts, trained), interrupt)
    finally:
        progress.close()
    report_parameters(_checkpoint(agent), BACKEND.parameter_keys)
    return TrainingResult(None if log_dir is None else _save(agent, log_dir, finished, rollouts, trained))


def _first_observation(agent, skrl_env, env) -> tuple:
    """Training mode on, the env reset and its time-outs de-synchronised as rsl-rl's ``init_at_random_ep_len`` does
    (after the reset, which zeroes them); the first observations and states."""
    agent.enable_training_mode(True)
    obs, _ = skrl_env.reset()
    states = skrl_env.state()
    base = env.unwrapped
    base.episode_length_buf = torch.randint_like(base.episode_length_buf, high=int(base.max_episode_length))
    return obs, states


def _save_stopped(agent, log_dir: Path | None, finished: int, start: int, rollouts: int, extra: dict) -> Path | None:
    """Save the last finished iteration of a run stopped early; its path (None if none finished, or on a rank other
    than 0)."""
    if log_dir is None or finished < start:
        return None
    return _save(agent, log_dir, finished, rollouts, extra)


class DeterministicPolicy(torch.nn.Module):
    """skrl's Gaussian policy reduced to its mean action: observation (N, obs_dim) -> action (N, act_dim)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.model.compute({"observations": observations, "states": None}, role="policy")[0]


def inference_policy(env, agent_cfg, device: str, checkpoint: Path) -> DeterministicPolicy:
    """Deterministic policy: observation tensor (N, obs_dim) -> mean action (N, num_actions)."""
    runner, _ = make_runner(env, agent_cfg, device, None)
    agent = runner.agent
    _load(agent, checkpoint, inference=True)
    agent.enable_training_mode(False, apply_to_models=True)
    return DeterministicPolicy(agent.policy).eval()
