"""Command-line parsing shared by train.py and play.py, and creation of the task's environment."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch

from ..device import default_num_envs
from . import presets
from .errors import UsageError

AGENTS = ("rsl_rl", "skrl")
ENTRY_POINTS = {"rsl_rl": "rsl_rl_cfg_entry_point", "skrl": "skrl_cfg_entry_point"}


def add_common_args(parser: argparse.ArgumentParser, *, default_num_envs_help: str) -> None:
    parser.add_argument("--task", default="Walk-Flat-AnymalC", help="task id (default: %(default)s)")
    parser.add_argument("--num_envs", type=int, default=None, help=default_num_envs_help)
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the agent config's)")
    parser.add_argument("--asset", default="ours", choices=("ours", "official"),
                        help="robot asset: ours (bundled, offline; default) or official (Isaac Lab's robot configs, "
                        "downloaded from its asset server)")
    parser.add_argument("--preset", default=None, metavar="NAME",
                        help=f"run preset: config/NAME.yaml ({', '.join(presets.available())}) or a .yaml file; "
                        "flags and key=value arguments given here win over it")


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Parse known flags; the rest must be Hydra-style ``key=value`` overrides (e.g. ``physics=newton_mjwarp``).

    With ``--preset``, the preset's flag values become the defaults and ``args.preset`` is the loaded
    :class:`~.presets.Preset` (its config overrides are merged in :func:`resolve_configs`).
    """
    args, rest = parser.parse_known_args(argv)
    if getattr(args, "preset", None):
        preset = presets.load(args.preset)
        presets.apply_flag_defaults(parser, preset)
        args, rest = parser.parse_known_args(argv)
        args.preset = preset
    bad = [tok for tok in rest if tok.startswith("-") or "=" not in tok]
    if bad:
        raise UsageError(f"unrecognised argument(s) {' '.join(bad)}; see --help "
                         "(config overrides are written key=value, e.g. physics=newton_mjwarp env.scene.num_envs=8)")
    return args, rest


def check_task(task: str) -> None:
    from ..tasks import TASKS

    if task not in TASKS:
        raise UsageError(f"unknown task '{task}'; valid tasks: {', '.join(TASKS)}")


def check_agent(agent: str) -> None:
    if agent not in AGENTS:
        raise UsageError(f"unknown agent '{agent}'; choose one of: {', '.join(AGENTS)}")


def backend(agent: str) -> ModuleType:
    """The module that trains and loads policies for PPO backend ``agent`` (``train``, ``inference_policy``).

    Imported on first use: each pulls in its RL library (and skrl must come after ``--distributed`` set-up).
    """
    check_agent(agent)
    return importlib.import_module(f"{__package__}.{agent}_backend")


def resolve_device(requested: str) -> str:
    """``auto`` -> ``cuda:0`` if available else ``cpu``; an explicit CUDA request fails clearly without CUDA."""
    if requested == "auto":
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    if requested == "cpu":
        return "cpu"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError(f"--device {requested} asked for CUDA but no CUDA device is available "
                             "(no NVIDIA driver or GPU); use --device cpu or --device auto")
        return "cuda:0" if requested == "cuda" else requested
    raise UsageError(f"unknown device '{requested}'; use auto, cpu, cuda or cuda:N")


def resolve_num_envs(requested: int | None, device: str) -> int:
    if requested is None:
        return default_num_envs(device)
    if requested < 1:
        raise UsageError(f"--num_envs must be at least 1 (got {requested})")
    return requested


@dataclass
class Session:
    """A task's resolved configs and its running environment."""

    task: str
    agent: str
    device: str
    env_cfg: Any
    agent_cfg: Any
    env: Any = None
    curriculum_snapshots: tuple[int, ...] = ()
    """Iterations at which training saves the robots-per-(terrain type, level) heatmap as a PNG."""
    overrides: tuple[str, ...] = ()
    """The ``key=value`` overrides applied: the preset's, then the command line's."""


def resolve_configs(task: str, agent: str, device: str, num_envs: int, seed: int | None, overrides: list[str],
                    play_mode: bool = False, preset: presets.Preset | None = None, asset: str = "ours") -> Session:
    """Load the task's env and agent configs with Hydra overrides applied, then our device/size/seed choices.

    ``preset``'s overrides come first, ``overrides`` win. ``env.*``/``agent.*`` keys must name existing fields.
    ``asset="official"`` swaps in Isaac Lab's own config of the robot (checked to be reachable first).
    """
    from isaaclab_tasks.utils import resolve_task_config

    from .. import tasks  # noqa: F401  (registers the gym ids)

    overrides = presets.merged_overrides(preset, agent, overrides)
    # check the field names against the configs as selected by group choices such as physics=... (cheap: cached)
    groups = [tok for tok in overrides if "." not in tok.split("=", 1)[0]]
    env_cfg, agent_cfg = resolve_task_config(task, ENTRY_POINTS[agent], play_mode=play_mode, overrides=groups)
    presets.check_override_keys(task, env_cfg, agent_cfg, agent, overrides)
    env_cfg, agent_cfg = resolve_task_config(task, ENTRY_POINTS[agent], play_mode=play_mode, overrides=overrides)
    if asset != "ours":
        from ..tasks.official import AssetUnavailable, use_asset

        try:
            use_asset(env_cfg, task, asset)
        except AssetUnavailable as exc:
            raise UsageError(str(exc)) from None
    check_robot_choices(env_cfg)
    env_cfg.sim.device = device
    env_cfg.scene.num_envs = num_envs
    if agent == "rsl_rl":
        agent_cfg.device = device
        if seed is not None:
            agent_cfg.seed = seed
        env_cfg.seed = agent_cfg.seed
    else:
        if seed is not None:
            agent_cfg["seed"] = seed
        env_cfg.seed = agent_cfg["seed"]
    return Session(task, agent, device, env_cfg, agent_cfg, overrides=tuple(overrides))


def check_robot_choices(env_cfg: Any) -> None:
    """Fail with a usage error, before any simulation, on an unknown robot collision set."""
    from ..robots.spawn import RobotUsdCfg, robot_description

    if isinstance(env_cfg.scene.robot.spawn, RobotUsdCfg):
        try:
            robot_description(env_cfg.scene.robot.spawn)
        except ValueError as exc:
            raise UsageError(str(exc)) from None


@contextlib.contextmanager
def running_env(session: Session) -> Iterator[Session]:
    """Launch the simulation runtime the config needs (kit-less for Newton) and create the env; close both after."""
    import gymnasium as gym
    from isaaclab.app import launch_simulation

    with launch_simulation(session.env_cfg, {"device": session.device, "headless": True}):
        session.env = gym.make(session.task, cfg=session.env_cfg)
        try:
            yield session
        finally:
            session.env.close()


def set_cpu_threads() -> None:
    """One OpenMP thread on CPU: PPO updates are 3-5x slower with two threads on a busy 2-core machine."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
