"""Backend-independent training statistics: episode returns and lengths, one progress line per iteration."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

import gymnasium as gym
import torch
from torch.utils.tensorboard import SummaryWriter

from .curriculum_log import CurriculumLog
from ..common.setup_output import SETUP
from ..common.startup import setup_done


TRACKING_TERMS = ("track_lin_vel_xy_exp", "track_ang_vel_z_exp")
"""The velocity-tracking reward terms: exp(-error^2 / sigma^2) per step, 1 at perfect tracking (x weight)."""


def _step_rewards(reward_manager) -> torch.Tensor | None:
    """The reward manager's per-term rewards of the last step, weight x term value (num_envs, num_terms), or None.

    Isaac Lab keeps them in a private buffer (torch managers: ``_step_reward``; Warp managers: a torch view of
    ``_step_reward_wp``); reading it costs nothing on the device, where recomputing the terms would not.
    """
    for name in ("_step_reward", "_step_reward_tensor_view"):
        buffer = getattr(reward_manager, name, None)
        if isinstance(buffer, torch.Tensor):
            return buffer
    return None


@dataclass(frozen=True)
class IterationStats:
    """What the episodes of one logging interval showed; None where nothing was measured."""

    episodes: int
    """Episodes that ended in the interval."""
    fell: float | None
    """Share of those ended by a termination (base contact, or a non-finite state), not by the time-out."""
    mean_return: float | None
    mean_length: float | None
    """Mean return and length (policy steps) of the episodes that ended."""
    tracking: tuple[float | None, ...]
    """Per :data:`TRACKING_TERMS` term: its mean per-step value over all robots and steps as a share of its
    maximum (0..1); moves from the first iteration, long before episodes end by time-out."""


class EpisodeStats(gym.Wrapper):
    """Sums, on the env's device, the returns, lengths and ends of finished episodes and the velocity tracking of
    every step (both backends see the same numbers).

    Nothing leaves the device while stepping (on a GPU a read would stall every step); :meth:`take` reads the sums
    once per logging interval.
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        base = env.unwrapped
        n, device = base.num_envs, base.device
        self._return = torch.zeros(n, device=device)
        self._length = torch.zeros(n, device=device)
        self._finished = torch.zeros(4, device=device)  # episodes ended, of them terminated, summed return, length
        self._reward_manager = getattr(base, "reward_manager", None)
        terms = list(getattr(self._reward_manager, "active_terms", ()))
        weights = {t: self._reward_manager.get_term_cfg(t).weight for t in TRACKING_TERMS if t in terms}
        self._tracked = [t for t in TRACKING_TERMS if weights.get(t)]  # a zero weight leaves the buffer at 0
        self._tracking_ids = [terms.index(t) for t in self._tracked]
        self._tracking_weights = torch.tensor([weights[t] for t in self._tracked], device=device)
        self._tracking = torch.zeros(len(self._tracked) + 1, device=device)  # summed shares, robot-steps
        self.keep_logs = False
        """Keep the env's ``extras["log"]`` of each step with a reset (references, nothing read) for
        :attr:`last_logs`: only a training job's ``on_iteration`` reads them, and a rank that never calls :meth:`take`
        would hold them all."""
        self._logs: list[dict] = []
        self.last_logs: tuple[dict, ...] = ()
        """The episode logs of the interval :meth:`take` ended last (empty unless :attr:`keep_logs`)."""

    def step(self, action):
        obs, reward, terminated, truncated, extras = self.env.step(action)
        if self.keep_logs and extras.get("log"):
            self._logs.append(extras["log"])
        self._return += reward
        self._length += 1
        done = (terminated | truncated).float()
        self._finished += torch.stack((done.sum(), terminated.float().sum(), self._return @ done, self._length @ done))
        running = 1.0 - done
        self._return *= running
        self._length *= running
        self._add_tracking()
        return obs, reward, terminated, truncated, extras

    def _add_tracking(self) -> None:
        rewards = _step_rewards(self._reward_manager) if self._tracked else None
        if rewards is None:
            return
        shares = rewards[:, self._tracking_ids] / self._tracking_weights  # (num_envs, terms), each in [0, 1]
        self._tracking[:-1] += shares.sum(dim=0)
        self._tracking[-1] += shares.shape[0]

    def take(self) -> IterationStats:
        """What the episodes and steps since the last call showed (then the sums start again)."""
        count, fell, returns, lengths = self._finished.tolist()
        *tracking, robot_steps = self._tracking.tolist()
        self._finished.zero_()
        self._tracking.zero_()
        self.last_logs, self._logs = tuple(self._logs), []
        shares = dict(zip(self._tracked, tracking))
        return IterationStats(
            episodes=int(count),
            fell=fell / count if count else None,
            mean_return=returns / count if count else None,
            mean_length=lengths / count if count else None,
            tracking=tuple(shares[t] / robot_steps if t in shares and robot_steps else None for t in TRACKING_TERMS),
        )


def _fmt(value: float | None, spec: str) -> str:
    """``value`` formatted, or ``-`` where nothing was measured."""
    return "-" if value is None else format(value, spec)


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{100 * share:.0f}%"


def mean_terrain_level(env: gym.Env) -> float | None:
    """Mean curriculum level over all robots, or None when the task has no terrain curriculum."""
    base = env.unwrapped
    if getattr(base.cfg.curriculum, "terrain_levels", None) is None:
        return None
    return base.scene.terrain.terrain_levels.float().mean().item()


CPU_STEP_SECONDS = {"flat": (0.065, 0.0001), "rough": (0.09, 0.0018)}
"""A CPU iteration's seconds per env step, collection and update: a part paid whatever the robot count and one per
robot (flat: the height-field ground costs little per robot; rough: the height scan and the terrain's contacts).
Measured with rsl_rl on Walk-{Flat,Rough}-AnymalC at 4 and 64 robots, 2-core VM shared with other jobs (load 4-5):
flat 1.6 and 1.7 s per iteration, rough 2.3 and 5.0 s. A guide, not a promise."""


def cpu_outlook(steps_per_robot: int | None, num_envs: int, iterations: int, rough: bool) -> str:
    """The first line of a CPU run: what it can show, what needs a GPU, and about how long an iteration takes
    (``steps_per_robot``: the rollout length, None: no estimate; ``rough``: a task on the curriculum terrain)."""
    line = (
        "[train] on CPU: a check of the pipeline and of early learning (tracking % up, falls % down); a walking "
        "policy needs a GPU (4096 robots)."
    )
    if steps_per_robot is None:
        return line
    fixed, per_robot = CPU_STEP_SECONDS["rough" if rough else "flat"]
    per_iteration = steps_per_robot * (fixed + per_robot * num_envs)
    total = datetime.timedelta(seconds=round(per_iteration * iterations))
    return (
        f"{line} Expect about {per_iteration:.0f} s per iteration ({steps_per_robot} steps x {num_envs} robots; "
        f"2 cores), {total} for {iterations}"
    )


def progress_text(stats: IterationStats, level: float | None) -> str:
    """The learning part of the progress line: tracking, episode ends, episode length, reward, terrain level."""
    xy, yaw = (_percent(share) for share in stats.tracking)
    return (
        f"tracking xy {xy} yaw {yaw} | ended {stats.episodes}, fell {_percent(stats.fell)} | "
        f"ep len {_fmt(stats.mean_length, '.0f')} | reward {_fmt(stats.mean_return, '.2f')} | "
        f"terrain level {_fmt(level, '.2f')}"
    )


@dataclass(frozen=True)
class IterationReport:
    """One finished PPO iteration, as a study's :attr:`~.job.TrainingJob.on_iteration` callback sees it."""

    iteration: int
    """0-based, counted over resumes."""
    stats: IterationStats
    terrain_level: float | None
    seconds: float
    """Wall time of the iteration [s] (collection and update)."""
    episode_logs: tuple[dict, ...]
    """The env's ``extras["log"]`` of each step of the iteration where robots reset (Isaac Lab's
    ``Episode_Reward/<term>``, ``Episode_Termination/<term>``, ...), as tensors or numbers; kept only for a job with an
    ``on_iteration`` callback."""
    collect_s: float | None = None
    learn_s: float | None = None
    """The library's own split of :attr:`seconds`, where it gives one (rsl-rl)."""


class Progress:
    """Prints one line per iteration and logs it to TensorBoard: ``it i/N | env-steps/s | ETA | tracking xy % yaw %
    | ended n, fell % | ep len | reward | terrain level`` (``-``: nothing measured, e.g. no episode ended).

    The same tags (``walk/...``) are written for both backends so their curves can be compared directly.
    On tasks with a terrain curriculum it also logs the robots per (terrain type, level), see
    :class:`~ext_walk_minutes.rl.curriculum_log.CurriculumLog` (PNG snapshots at ``curriculum_snapshots``).
    """

    def __init__(
        self,
        env: gym.Env,
        stats: EpisodeStats,
        log_dir: str | None,
        label: str,
        start_it: int,
        total_it: int,
        steps_per_iteration: int,
        curriculum_snapshots: tuple[int, ...] = (),
    ) -> None:
        self.env, self.stats, self.label = env, stats, label
        self.start_it, self.total_it = start_it, total_it
        self.steps_per_iteration = steps_per_iteration
        # log_dir None: a rank other than 0 of a distributed run, which neither prints nor writes
        self.writer = SummaryWriter(log_dir=log_dir, flush_secs=10) if log_dir is not None else None
        self.curriculum = (
            CurriculumLog(env, self.writer, log_dir, curriculum_snapshots)
            if self.writer is not None and CurriculumLog.applies(env)
            else None
        )
        # MuJoCo Warp drops the contacts its room cannot hold: one read of the env's record per iteration
        self.solver_room = getattr(env.unwrapped, "solver_room", None) if self.writer is not None else None
        self._t_start = self._t_last = self._t_first = time.perf_counter()

    def iteration_done(
        self, it: int, collect_s: float | None = None, learn_s: float | None = None
    ) -> IterationReport | None:
        """Call once after iteration ``it`` (0-based, global) finished collecting and learning; what it showed (None
        on a rank other than 0, which neither prints nor logs)."""
        SETUP.stop()  # the set-up is over: the libraries' output goes to the terminal again
        setup_done()  # and Python's full collections resume
        if self.writer is None:
            return None
        now = time.perf_counter()
        dt, self._t_last = now - self._t_last, now
        done = it + 1 - self.start_it
        if done == 1:
            self._t_first = now
        # the first iteration also compiles and warms up: the ETA uses the ones after it once there are some
        per_it = (now - self._t_first) / (done - 1) if done > 1 else dt
        eta = per_it * (self.total_it - it - 1)
        sps = self.steps_per_iteration / max(dt, 1e-9)
        stats = self.stats.take()
        level = mean_terrain_level(self.env)
        print(
            f"[{self.label}] it {it + 1}/{self.total_it} | {sps:,.0f} env-steps/s | "
            f"ETA {datetime.timedelta(seconds=int(eta))} | {progress_text(stats, level)}",
            flush=True,
        )
        warning = self.solver_room.check(it) if self.solver_room is not None else None
        if warning:
            print(warning, flush=True)
        self._log(it, stats, level, sps, now)
        return IterationReport(it, stats, level, dt, self.stats.last_logs, collect_s, learn_s)

    def _log(self, it: int, stats: IterationStats, level: float | None, sps: float, now: float) -> None:
        scalars = {
            "walk/env_steps_per_s": sps,
            "walk/training_time_s": now - self._t_start,  # since this run's start
            "walk/episodes_ended": stats.episodes,
            "walk/fell_share": stats.fell,
            "walk/mean_reward": stats.mean_return,
            "walk/mean_episode_length": stats.mean_length,
            "walk/terrain_level": level,
            **{
                f"walk/tracking_{term.removeprefix('track_').removesuffix('_exp')}": share
                for term, share in zip(TRACKING_TERMS, stats.tracking)
            },
        }
        for tag, value in scalars.items():
            if value is not None:  # e.g. no episode ended, no terrain curriculum
                self.writer.add_scalar(tag, value, it)
        if self.curriculum is not None:
            self.curriculum.log(it)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
