"""A run as asked (:class:`RunSpec`), its configs (:func:`resolve_configs`) and its env (:func:`running_env`);
the command-line flags shared by the entry points that build one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    import gymnasium as gym

from ..common.errors import UsageError, require_extra
from ..rl import backends, distributed, interrupts
from . import presets, video
from ..rl.backends import Backend
from ..rl.bootstrap import DEFAULT_MODE

FRONTENDS = ("torch", "warp")
"""Runtimes of the MDP managers and terms (Isaac Lab's ``--frontend``): torch, or Isaac Lab's experimental Warp."""


DEFAULT_TASK = "Walk-Flat-AnymalC"


def check_task(task: str) -> None:
    from ..tasks import TASKS

    if task not in TASKS:
        raise UsageError(f"unknown task '{task}'; valid tasks: {', '.join(TASKS)}")


@dataclass(frozen=True)
class RunSpec:
    """What a run is asked to do, resolved once from the command line and the preset."""

    task: str
    agent: str
    """The PPO library (a name of :mod:`.backends`)."""
    device: str
    """``cpu`` or ``cuda:N`` (resolved: never ``auto``)."""
    num_envs: int
    seed: int | None = None
    """None: the agent config's seed."""
    overrides: tuple[str, ...] = ()
    """The command line's ``key=value`` config overrides (they win over the preset's)."""
    preset: presets.Preset | None = None
    asset: str = "ours"
    """``ours`` (the bundled robots) or ``official`` (Isaac Lab's robot configs)."""
    timeout_bootstrap: str = DEFAULT_MODE
    curriculum_snapshots: tuple[int, ...] = ()
    """Iterations at which training saves the robots-per-(terrain type, level) heatmap as a PNG."""
    play_mode: bool = False
    """The task's play config (fewer robots, no randomisation) for running a trained policy."""
    process: distributed.Rank | None = None
    """This process's place in a ``--distributed`` run (its env seed is offset by its rank); None: a single process."""
    video: video.VideoRequest | None = None
    """Film the run (``--video``): clips from a headless viewer following one robot (a relative folder is placed in
    the run folder by :func:`running_env`)."""
    frontend: str = "torch"
    """One of :data:`FRONTENDS`; ``warp``: the task on Isaac Lab's Warp managers (:mod:`ext_walk_minutes.warp`)."""
    trained: tuple[str, ...] = ()
    """The ``key=value`` overrides a checkpoint was trained with (:mod:`.trained_config`): applied first, the preset's
    and the command line's win; those naming no field of the config as chosen now are left out."""
    iterations: int | None = None
    """PPO iterations to train; None: the agent config's."""
    resume: Path | None = None
    """A checkpoint of this task and backend to continue from (checked readable when the spec was built)."""
    wandb_project: str | None = None
    """Also log to this Weights & Biases project; None: TensorBoard only."""

    @property
    def backend(self) -> Backend:
        return backends.get(self.agent)

    @property
    def rank(self) -> int:
        """This process's rank (0 outside a ``--distributed`` run)."""
        return 0 if self.process is None else self.process.rank


@dataclass(frozen=True)
class Configs:
    """A run's env and agent configs, as :func:`resolve_configs` made them from its :class:`RunSpec`."""

    env_cfg: Any
    agent_cfg: Any
    overrides: tuple[str, ...]
    """The ``key=value`` overrides applied: the preset's, then the command line's."""
    iterations: int
    """PPO iterations to train: the spec's, else the agent config's."""


def resolve_configs(spec: RunSpec) -> Configs:
    """The task's env and agent configs with the overrides applied, then the spec's device, size and seed.

    The preset's overrides come first, the command line's win. ``env.*``/``agent.*`` keys must name existing
    fields. ``asset="official"`` swaps in Isaac Lab's own config of the robot (checked to be reachable first).
    """
    from isaaclab_tasks.utils import resolve_task_config

    from .. import tasks  # noqa: F401  (registers the gym ids)

    backend = spec.backend
    given = presets.merged_overrides(spec.preset, spec.agent, spec.overrides)
    overrides = presets.merged_overrides(spec.preset, spec.agent, spec.overrides, first=spec.trained)
    # check the field names against the configs as selected by group choices such as physics=... (cheap: cached)
    groups = [tok for tok in overrides if "." not in tok.split("=", 1)[0]]
    env_cfg, agent_cfg = resolve_task_config(spec.task, backend.entry_point, play_mode=spec.play_mode, overrides=groups)
    if spec.trained:
        overrides = _without_unfitting(overrides, spec.trained, given, env_cfg, agent_cfg)
    presets.check_override_keys(spec.task, env_cfg, agent_cfg, spec.agent, overrides)
    if overrides != groups:  # the field overrides on top of the group choices (none: the configs are final)
        env_cfg, agent_cfg = resolve_task_config(
            spec.task, backend.entry_point, play_mode=spec.play_mode, overrides=overrides
        )
    if spec.asset != "ours":
        from ..tasks.official import AssetUnavailable, use_asset

        try:
            use_asset(env_cfg, spec.task, spec.asset)
        except AssetUnavailable as exc:
            raise UsageError(str(exc)) from None
    check_robot_choices(env_cfg)
    check_physics(env_cfg, spec.device)
    env_cfg.sim.device = spec.device
    env_cfg.scene.num_envs = spec.num_envs
    env_cfg.seed = backend.apply_run_settings(agent_cfg, spec.device, spec.seed)
    if spec.rank:
        env_cfg.seed = backend.seed_for_rank(agent_cfg, spec.rank)
    # the exact bootstrap needs the observation the env computes before its automatic reset
    env_cfg.compute_final_obs = spec.timeout_bootstrap == "exact" and not spec.play_mode
    return Configs(env_cfg, agent_cfg, tuple(overrides), spec.iterations or backend.default_iterations(agent_cfg))


def _without_unfitting(overrides: list[str], trained: tuple[str, ...], given: list[str], env_cfg, agent_cfg) -> list:
    """``overrides`` less the checkpoint's stored ones that name no field of the configs as chosen now (said once)."""
    from .trained_config import fitting

    _, left_out = fitting(trained, given, env_cfg, agent_cfg)
    if left_out:
        print(f"[config] not applied (no such field in this config): {' '.join(left_out)}", flush=True)
    return [token for token in overrides if token not in left_out]


def check_robot_choices(env_cfg: Any) -> None:
    """Fail with a usage error, before any simulation, on an unknown robot collision set."""
    from ..robots.spawn import RobotUsdCfg, robot_description

    if isinstance(env_cfg.scene.robot.spawn, RobotUsdCfg):
        try:
            robot_description(env_cfg.scene.robot.spawn)
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def check_physics(env_cfg: Any, device: str) -> None:
    """Fail with a usage error, before any simulation, where the chosen physics cannot run: Isaac Lab's kit-less
    PhysX (``physics=ovphysx``, or ``physics=physx`` without Isaac Sim) needs CUDA (on CPU its articulation asks Warp
    for pinned memory after the scene is built and fails) and the ``ovphysx`` package."""
    from isaaclab.physics import PhysxAutoCfg
    from isaaclab_ov.physics import OvPhysxCfg

    physics = env_cfg.sim.physics
    if isinstance(physics, PhysxAutoCfg) and physics.ovphysx is not None:
        physics = physics.ovphysx  # kit-less, Isaac Lab resolves physics=physx to OvPhysX
    if not isinstance(physics, OvPhysxCfg):
        return
    if not device.startswith("cuda"):
        raise UsageError(
            "physics=ovphysx (Isaac Lab's kit-less PhysX) needs a CUDA GPU; on the CPU use the default Newton physics "
            "(leave out physics=...)"
        )
    require_extra("ovphysx", "physx", "physics=ovphysx")


@contextlib.contextmanager
def running_env(spec: RunSpec, configs: Configs, run_folder: Path | None = None) -> Iterator[gym.Env]:
    """Launch the simulation runtime the config needs (kit-less for Newton), yield the task's env; close both after.

    With ``spec.video`` the env also gets a headless viewer, Isaac Lab's video recorder and a camera that follows
    the robot (:mod:`.video`), its clips in ``run_folder`` where the request's folder is relative.
    """
    import gymnasium as gym
    from isaaclab.app import launch_simulation

    error = None
    if spec.video is not None:
        _add_recorder(spec, configs, run_folder)
    raised_before = interrupts.raised_so_far()
    with launch_simulation(configs.env_cfg, {"device": spec.device, "headless": True}):
        if spec.frontend == "warp":
            from ..warp.envs import WalkEnvWarp

            env = WalkEnvWarp(cfg=configs.env_cfg)
        else:
            env = gym.make(spec.task, cfg=configs.env_cfg)
        if spec.video is not None:
            env = video.FollowCamera(env, spec.video.follow)
        try:
            interrupts.raise_if_dropped(raised_before)  # a Ctrl-C during the build stops the run once it is built
            yield env
        except UsageError as exc:  # our one-line errors: raised past Isaac Lab's launcher, which prints a traceback
            error = exc
        finally:
            env.close()
    if error is not None:
        raise error


def _add_recorder(spec: RunSpec, configs: Configs, run_folder: Path | None) -> None:
    request = spec.video
    every = request.every_iterations and request.every_iterations * spec.backend.steps_per_iteration(configs.agent_cfg)
    step_dt = configs.env_cfg.sim.dt * configs.env_cfg.decimation
    video.add_recorder(configs.env_cfg, request, step_dt, (run_folder or Path()) / request.folder, every)


def set_cpu_threads() -> None:
    """One OpenMP thread on CPU: PPO updates are 3-5x slower with two threads on a busy 2-core machine."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
