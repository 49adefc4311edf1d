"""Backend-independent training statistics: episode returns and lengths, one progress line per iteration."""

from __future__ import annotations

import datetime
import math
import time

import gymnasium as gym
import torch
from torch.utils.tensorboard import SummaryWriter

from .curriculum_log import CurriculumLog


class EpisodeStats(gym.Wrapper):
    """Sums the returns and lengths of finished episodes on the env's device (both backends see the same numbers).

    Nothing leaves the device while stepping (on a GPU a read would stall every step); :meth:`take` reads the sums
    once per logging interval.
    """

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        n, device = env.unwrapped.num_envs, env.unwrapped.device
        self._return = torch.zeros(n, device=device)
        self._length = torch.zeros(n, device=device)
        self._finished = torch.zeros(3, device=device)  # episodes finished, their summed return, summed length
        self.mean_return = float("nan")
        self.mean_length = float("nan")

    def step(self, action):
        obs, reward, terminated, truncated, extras = self.env.step(action)
        self._return += reward
        self._length += 1
        done = (terminated | truncated).float()
        self._finished += torch.stack((done.sum(), self._return @ done, self._length @ done))
        running = 1.0 - done
        self._return *= running
        self._length *= running
        return obs, reward, terminated, truncated, extras

    def take(self) -> tuple[float, float]:
        """Mean return and length of the episodes finished since the last call (the previous means if none did)."""
        count, returns, lengths = self._finished.tolist()
        self._finished.zero_()
        if count:
            self.mean_return, self.mean_length = returns / count, lengths / count
        return self.mean_return, self.mean_length


def mean_terrain_level(env: gym.Env) -> float | None:
    """Mean curriculum level over all robots, or None when the task has no terrain curriculum."""
    base = env.unwrapped
    if getattr(base.cfg.curriculum, "terrain_levels", None) is None:
        return None
    return base.scene.terrain.terrain_levels.float().mean().item()


class Progress:
    """Prints ``it i/N | env-steps/s | ETA | reward | episode length | terrain level`` and logs it to TensorBoard.

    The same tags (``walk/...``) are written for both backends so their curves can be compared directly.
    On tasks with a terrain curriculum it also logs the robots per (terrain type, level), see
    :class:`~ext_walk_minutes.train.curriculum_log.CurriculumLog` (PNG snapshots at ``curriculum_snapshots``).
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
        self._t_start = self._t_last = time.perf_counter()

    def iteration_done(self, it: int) -> None:
        """Call once after iteration ``it`` (0-based, global) finished collecting and learning."""
        if self.writer is None:
            return
        now = time.perf_counter()
        dt, self._t_last = now - self._t_last, now
        done = it + 1 - self.start_it
        eta = (now - self._t_start) / done * (self.total_it - it - 1)
        sps = self.steps_per_iteration / max(dt, 1e-9)
        reward, length = self.stats.take()
        level = mean_terrain_level(self.env)
        level_text = f"{level:.2f}" if level is not None else "-"
        print(
            f"[{self.label}] it {it + 1}/{self.total_it} | {sps:,.0f} env-steps/s | "
            f"ETA {datetime.timedelta(seconds=int(eta))} | reward {reward:.2f} | ep len {length:.0f} | "
            f"terrain level {level_text}",
            flush=True,
        )
        self.writer.add_scalar("walk/env_steps_per_s", sps, it)
        self.writer.add_scalar("walk/training_time_s", now - self._t_start, it)  # since this run's start
        if not math.isnan(reward):  # some episode has finished
            self.writer.add_scalar("walk/mean_reward", reward, it)
            self.writer.add_scalar("walk/mean_episode_length", length, it)
        if level is not None:
            self.writer.add_scalar("walk/terrain_level", level, it)
        if self.curriculum is not None:
            self.curriculum.log(it)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
