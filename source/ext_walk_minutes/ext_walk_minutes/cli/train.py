"""``scripts/train.py``: train a walking policy with rsl-rl or skrl."""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
from pathlib import Path

from ..common.cli import LOG_ROOT, parse_int_list
from ..common.errors import UsageError, exit_on_usage_error, require_extra
from ..rl import backends, distributed, interrupts
from ..run import live_view, presets, trained_config, video
from ..rl.bootstrap import DEFAULT_MODE, MODES
from ..rl.job import TrainingJob
from ..rl.progress import cpu_outlook
from ..run.checkpoints import find_checkpoint
from ..run.folder import new_run_folder
from ..common.setup_output import SETUP, SETUP_LOG
from ..common.startup import collector_paused
from ..device import resolve_device, resolve_num_envs
from ..run.spec import FRONTENDS, Configs, RunSpec, check_task, resolve_configs, running_env, set_cpu_threads
from .flags import add_common_args, parse


TRAINING_VIEW_EVERY = 5
"""Env steps between refreshes of ``--viz`` while training: 10 a second of simulated time, and its cost small."""
TRAINING_VIEW_ROBOTS = 16
"""Robots ``--viz`` shows of a training job, spread over all (:func:`~..run.live_view.shown_robots`)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Train a legged robot to walk (Rudin et al. 2021) on Isaac Lab, kit-less, Newton physics. "
        "Extra key=value arguments are Isaac Lab/Hydra config overrides, e.g. physics=newton_mjwarp.",
        epilog="Logs and checkpoints go to logs/<agent>/<task>/<timestamp>/ (TensorBoard: tensorboard --logdir logs).",
    )
    add_common_args(parser, default_num_envs_help="parallel robots (default: 4096 on CUDA, 64 on CPU)")
    parser.add_argument(
        "--agent",
        "--rl_library",
        dest="agent",
        default="rsl_rl",
        help=f"PPO backend: {' or '.join(backends.names())} (default: %(default)s; --rl_library as in "
        "Isaac Lab's CLI; an entry point such as rsl_rl_cfg_entry_point works too)",
    )
    _add_training_flags(parser)
    _add_output_flags(parser)
    _add_view_flags(parser)
    return parser


def _add_training_flags(parser: argparse.ArgumentParser) -> None:
    """How long and how to train: iterations, time-out bootstrap, frontend, resume, torchrun."""
    parser.add_argument(
        "--max_iterations",
        type=int,
        default=None,
        help="PPO iterations to run (default: the agent config's, 300 flat / 1500 rough)",
    )
    parser.add_argument(
        "--timeout-bootstrap",
        "--timeout_bootstrap",
        dest="timeout_bootstrap",
        default=DEFAULT_MODE,
        help="value bootstrap on time-outs: exact (critic on the final observation before the reset; "
        "default), approx (rsl-rl's V(s_t) stand-in) or off",
    )
    parser.add_argument(
        "--frontend",
        default="torch",
        choices=FRONTENDS,
        help="runtime of the MDP managers and terms, as Isaac Lab's --frontend: torch (default) or warp "
        "(experimental: Isaac Lab's Warp managers and Warp twins of our terms; no final observation, "
        "so --timeout-bootstrap approx or off)",
    )
    parser.add_argument(
        "--resume",
        default=None,
        metavar="RUN",
        help="continue from a run: 'latest', a run folder (timestamp or path) or a checkpoint file",
    )
    trained_config.add_flag(parser, "the --resume checkpoint")
    parser.add_argument(
        "--distributed",
        action="store_true",
        help="one process per GPU, launched with torchrun (--num_envs is per process); "
        f"e.g. {distributed.TORCHRUN_HINT}",
    )


def _add_output_flags(parser: argparse.ArgumentParser) -> None:
    """What the run writes and shows: curriculum snapshots, logger, video, verbosity."""
    parser.add_argument(
        "--curriculum-snapshots",
        "--curriculum_snapshots",
        dest="curriculum_snapshots",
        default="",
        metavar="IT,IT,...",
        help="rough tasks: iterations (0-based) at which to save the robots per "
        "(terrain type, level) heatmap to <run>/curriculum/ (e.g. 0,500,1000; plot them with "
        "scripts/curriculum_plot.py)",
    )
    parser.add_argument(
        "--logger",
        default="tensorboard",
        choices=("tensorboard", "wandb"),
        help="tensorboard (default; the run folder) or wandb: also Weights & Biases (its files in the "
        "run folder; WANDB_MODE=offline to sync later, WANDB_USERNAME for the entity)",
    )
    parser.add_argument(
        "--wandb-project",
        "--wandb_project",
        dest="wandb_project",
        default="ext_walk_minutes",
        metavar="NAME",
        help="the W&B project of --logger wandb (default: %(default)s)",
    )
    parser.add_argument(
        "--video",
        action="store_true",
        help="film clips headless (no display or GPU needed) to <run>/videos/train/ (rsl-rl's W&B logger uploads them)",
    )
    parser.add_argument(
        "--video-interval",
        "--video_interval",
        dest="video_interval",
        type=int,
        default=100,
        metavar="IT",
        help="a clip every IT iterations, from the first (default: %(default)s)",
    )
    video.add_clip_args(parser, seconds=4.0, size="640x360", seconds_help="seconds per clip")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help=f"print what Isaac Lab and the PPO library print while setting up (config sources, manager tables, "
        f"networks) and the resolved config; by default they go to <run>/{SETUP_LOG}",
    )


def _add_view_flags(parser: argparse.ArgumentParser) -> None:
    """Watching the training job live: a few of its robots in a browser or a window."""
    live_view.add_view_args(
        parser,
        "watch a few of the training robots live (--viz-robots, refreshed every --viz-every steps; viser's "
        "'Pause Simulation' button pauses training): viser or rerun serve them to a browser (remote machine: "
        "ssh -L PORT:localhost:PORT), newton opens a window on this display",
    )
    parser.add_argument(
        "--viz-every",
        "--viz_every",
        dest="viz_every",
        type=int,
        default=TRAINING_VIEW_EVERY,
        metavar="STEPS",
        help="env steps between two refreshes of the live view (default: %(default)s; 1 shows every step, slower)",
    )
    parser.add_argument(
        "--viz-robots",
        "--viz_robots",
        dest="viz_robots",
        type=int,
        default=TRAINING_VIEW_ROBOTS,
        metavar="N",
        help="robots the live view shows, spread over the robots, so over the terrain types (default: %(default)s)",
    )


def training_view(args: argparse.Namespace, num_envs: int, rank: int) -> live_view.ViewRequest | None:
    """What ``--viz`` shows of the training job (None without it, and on ranks other than 0: rank 0's robots are
    shown); checked before the simulator starts."""
    if args.viz_every < 1:
        raise UsageError(f"--viz-every must be at least 1 env step (got {args.viz_every})")
    if args.viz_robots < 1:
        raise UsageError(f"--viz-robots must be at least 1 (got {args.viz_robots})")
    if rank != 0:
        return None
    return live_view.request_from_args(args, args.viz_every, live_view.shown_robots(num_envs, args.viz_robots))


def announce_view(env, view: live_view.ViewRequest) -> None:
    """Say where the training job's live view is (after the env is built: the port viser got); its camera on where
    the second robot shown starts (its terrain origin: until the first reset the robots stand elsewhere), the first
    in front of it and the others, one terrain type each, beyond."""
    port = live_view.serving(env, view)
    shown = view.robots
    video.look_at(env, env.unwrapped.scene.env_origins[shown[min(1, len(shown) - 1)]].tolist(), distance=4.0)
    print(
        f"[train] live view: {live_view.address(view, port)}; {len(shown)} robots, refreshed every "
        f"{view.every_steps} steps",
        flush=True,
    )


def video_request(args: argparse.Namespace, num_envs: int) -> video.VideoRequest | None:
    """What ``--video`` films: clips to ``videos/train/`` of the run folder, one every ``--video-interval``
    iterations; checked before the simulator starts."""
    if not args.video:
        return None
    if args.video_interval < 1:
        raise UsageError(f"--video-interval must be at least 1 iteration (got {args.video_interval})")
    request = video.request_from_args(args, Path("videos") / "train", num_envs)
    return dataclasses.replace(request, every_iterations=args.video_interval)


def check_flags(args: argparse.Namespace) -> None:
    """The flags that fail alone or together, before anything is built."""
    check_task(args.task)
    if args.timeout_bootstrap not in MODES:
        raise UsageError(f"unknown --timeout-bootstrap '{args.timeout_bootstrap}'; choose one of {', '.join(MODES)}")
    if args.frontend == "warp" and args.timeout_bootstrap == "exact":
        raise UsageError(
            "--frontend warp computes no final observation (Isaac Lab's Warp env has no compute_final_obs): "
            "add --timeout-bootstrap approx or off"
        )
    if args.frontend == "warp" and args.video:
        raise UsageError("--video needs --frontend torch (Isaac Lab's Warp env has no video recorder either)")
    if args.logger == "wandb":
        require_extra("wandb", "wandb", "--logger wandb")
    if args.max_iterations is not None and args.max_iterations < 1:
        raise UsageError(f"--max_iterations must be at least 1 (got {args.max_iterations})")


def train_spec(args: argparse.Namespace, overrides: list[str]) -> RunSpec:
    """The run the command line asks for, complete: each flag checked (a :class:`UsageError` for bad input), the
    process, device, robot count, checkpoint to resume and what it was trained with, video and logger decided here."""
    check_flags(args)
    agent = backends.get(args.agent).name
    process = distributed.from_environment(args.distributed)
    device = resolve_device(args.device, None if process is None else process.local_rank)
    num_envs = resolve_num_envs(args.num_envs, device)
    resume, trained = resume_checkpoint(args.resume, args.task, agent)
    return RunSpec(
        args.task,
        agent,
        device,
        num_envs,
        args.seed,
        tuple(overrides),
        args.preset,
        args.asset,
        args.timeout_bootstrap,
        parse_int_list(args.curriculum_snapshots, "--curriculum-snapshots"),
        process=process,
        video=video_request(args, num_envs),
        frontend=args.frontend,
        trained=trained_config.overrides_of(trained) if trained is not None and args.trained_config else (),
        iterations=args.max_iterations,
        resume=resume,
        wandb_project=args.wandb_project if args.logger == "wandb" else None,
    )


def resume_checkpoint(resume: str | None, task: str, agent: str) -> tuple[Path | None, dict | None]:
    """The checkpoint ``--resume`` names and what it was trained with (None, None without it), read before the
    simulator starts: it must be readable and come from the same backend and task."""
    if resume is None:
        return None, None
    path, found_agent = find_checkpoint(resume, LOG_ROOT, [agent], task, flag="--resume")
    if found_agent != agent:
        raise UsageError(f"'{path}' is a {found_agent} checkpoint; resume it with --agent {found_agent}")
    trained = trained_config.of_checkpoint(path)
    trained_task = None if trained is None else trained["task"]
    if trained_task is not None and trained_task != task:
        raise UsageError(
            f"'{path}' was trained on {trained_task}; resume it with --task {trained_task} (its networks do not fit "
            f"{task}'s observations and actions)"
        )
    backends.get(agent).read_checkpoint(path)
    return path, trained


def open_run_folder(spec: RunSpec, configs: Configs) -> Path:
    """Join the torchrun job (if any), make the run folder (rank 0; the others are told its path) and point the
    W&B logger at it."""
    if spec.process is not None:
        distributed.init_process_group(spec.process, spec.device)
        spec.backend.import_in_process_group()
    log_dir = distributed.broadcast_from_main(
        new_run_folder(LOG_ROOT / spec.agent / spec.task) if distributed.is_main_process() else None
    )
    if spec.wandb_project is not None:
        os.environ.setdefault("WANDB_DIR", str(log_dir))  # W&B's files beside the run's, not in the working folder
        spec.backend.log_to_wandb(configs.agent_cfg, spec.wandb_project)
    SETUP.to_file(log_dir / SETUP_LOG if distributed.is_main_process() else None)
    return log_dir


def announce(spec: RunSpec, configs: Configs, args: argparse.Namespace, log_dir: Path) -> None:
    """Print the run's settings; on rank 0 also write the run manifest, the configs and resolved_config.yaml."""
    rank, iterations, resume = spec.process, configs.iterations, spec.resume
    if not distributed.is_main_process():
        print(
            f"[train] rank {rank.rank}/{rank.world_size} on {spec.device}: {spec.num_envs} envs, seed "
            f"{configs.env_cfg.seed} (rank 0 writes logs and checkpoints)",
            flush=True,
        )
        return
    resolved = resolved_summary(spec, configs)
    print(
        f"[train] task {spec.task} | agent {spec.agent} | device {spec.device} | {spec.num_envs} envs"
        f"{' (default for ' + spec.device + ')' if args.num_envs is None else ''}"
        f"{f' per process x {rank.world_size} processes' if rank is not None else ''} | {iterations} iterations"
        f" | time-out bootstrap {spec.timeout_bootstrap}{' | resume ' + str(resume) if resume else ''}"
        f"{' | frontend ' + spec.frontend if spec.frontend != 'torch' else ''}",
        flush=True,
    )
    if spec.device == "cpu":
        rough = getattr(configs.env_cfg.curriculum, "terrain_levels", None) is not None
        print(cpu_outlook(_rollout_length(spec, configs), spec.num_envs, iterations, rough), flush=True)
    if args.verbose:
        print(
            f"[train] resolved config (saved as resolved_config.yaml):\n{presets.format_summary(resolved)}", flush=True
        )
    else:
        print(f"[train] {_config_line(resolved)} (all settings: resolved_config.yaml)", flush=True)
    print(f"[train] logs: {log_dir}{'' if args.verbose else f' (set-up output: {SETUP_LOG})'}", flush=True)
    if spec.video is not None:
        print(
            f"[train] video: a {spec.video.seconds:g} s clip every {spec.video.every_iterations} iterations following "
            f"robot {spec.video.follow} -> {log_dir / spec.video.folder}",
            flush=True,
        )

    write_run_files(spec, configs, log_dir, resolved)


def resolved_summary(spec: RunSpec, configs: Configs) -> dict:
    """The run's settings as resolved_config.yaml keeps them: the flags' values, then the preset and overrides."""
    settings = {
        "task": spec.task,
        "agent": spec.agent,
        "device": spec.device,
        "num_envs": spec.num_envs,
        "max_iterations": configs.iterations,
        "seed": configs.env_cfg.seed,
        "timeout_bootstrap": spec.timeout_bootstrap,
        "processes": 1 if spec.process is None else spec.process.world_size,
        "resume": None if spec.resume is None else str(spec.resume),
    }
    return presets.summary(spec.preset, settings, configs.overrides)


def write_run_files(spec: RunSpec, configs: Configs, log_dir: Path, resolved: dict) -> None:
    """The run manifest, the configs and resolved_config.yaml in ``log_dir``; on a write error (a full disk) the
    run folder is removed and a :class:`UsageError` says why, before the simulator starts."""
    from isaaclab_rl.entrypoints.common import dump_train_configs, write_run_manifest

    try:
        write_run_manifest(
            str(log_dir),
            library=spec.agent,
            task=spec.task,
            metadata={"agent": spec.backend.entry_point, "timeout_bootstrap": spec.timeout_bootstrap},
        )
        dump_train_configs(str(log_dir), configs.env_cfg, configs.agent_cfg)
        presets.write_summary(log_dir / "resolved_config.yaml", resolved)
    except OSError as exc:
        shutil.rmtree(log_dir, ignore_errors=True)
        raise UsageError(
            f"cannot write the run's files in {log_dir.parent} ({exc.strerror}); free space there or train from "
            "another folder (the run folder was removed)"
        ) from None


def _rollout_length(spec: RunSpec, configs: Configs) -> int | None:
    """Env steps per robot per iteration, or None for a backend that does not say (no time estimate then)."""
    try:
        return spec.backend.steps_per_iteration(configs.agent_cfg)
    except NotImplementedError:
        return None


def _config_line(resolved: dict) -> str:
    """What the task line leaves out of the resolved config: seed, preset and ``key=value`` overrides."""
    overrides = " ".join(f"{key}={value}" for key, value in resolved["overrides"].items()) or "none"
    return f"seed {resolved['seed']} | preset {resolved['preset'] or 'none'} | overrides {overrides}"


def report_interrupt(interrupt: KeyboardInterrupt, checkpoint: Path | None = None, by_rank_0: bool = False) -> int:
    """Say what a run stopped by a signal saved (``checkpoint``; ``by_rank_0``: another process saves it); its exit
    status."""
    what = "terminated" if isinstance(interrupt, interrupts.Terminated) else "interrupted"
    if checkpoint is not None:
        print(f"\n[train] {what}: saved checkpoint {checkpoint}", flush=True)
    elif by_rank_0:
        print(f"\n[train] {what}: rank 0 saves the checkpoint", flush=True)
    else:
        print(f"\n[train] {what} before the first iteration ended: no checkpoint saved", flush=True)
    return interrupts.exit_status(interrupt)


def training_job(spec: RunSpec, configs: Configs, log_dir: Path) -> TrainingJob:
    """What the backend is given: the agent config, the run folder and what every checkpoint carries."""
    trained = trained_config.record(spec.task, spec.agent, configs.overrides, configs.env_cfg, configs.agent_cfg)
    return TrainingJob(
        f"{spec.task} {spec.agent}",
        configs.agent_cfg,
        spec.device,
        str(log_dir),
        configs.iterations,
        spec.resume,
        spec.timeout_bootstrap,
        spec.curriculum_snapshots,
        {trained_config.KEY: trained},
    )


def train(args: argparse.Namespace, overrides: list[str]) -> int:
    """The command line's run, start to end: spec -> configs -> run folder -> env -> backend; the exit status."""
    spec = train_spec(args, overrides)
    view = training_view(args, spec.num_envs, spec.rank)
    if not args.verbose:
        SETUP.start()  # until the first progress line
    configs = resolve_configs(spec)
    if view is not None:
        live_view.add_viewer(configs.env_cfg, view)
    log_dir = open_run_folder(spec, configs)
    with SETUP.shown():
        announce(spec, configs, args, log_dir)
    with running_env(spec, configs, log_dir) as env, distributed.process_group_closed_after():
        if view is not None:
            with SETUP.shown():
                announce_view(env, view)
        result = spec.backend.train(env, training_job(spec, configs, log_dir))
    if result.stopped_by is not None:
        return report_interrupt(result.stopped_by, result.checkpoint, by_rank_0=spec.rank != 0)
    if result.checkpoint is None:
        print("[train] done (rank 0 wrote the checkpoint)", flush=True)
    else:
        numbering = f" ({spec.backend.checkpoint_numbering})" if spec.backend.checkpoint_numbering else ""
        print(f"[train] done: checkpoint {result.checkpoint}{numbering}", flush=True)
    return 0


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    # Ctrl-C and SIGTERM: a checkpoint of the last finished iteration; no full collection until the first iteration
    with interrupts.interrupts_handled(), collector_paused():
        try:
            return train(args, overrides)
        except KeyboardInterrupt as interrupt:
            SETUP.stop()
            return report_interrupt(interrupt)
        finally:
            SETUP.stop()


if __name__ == "__main__":
    sys.exit(main())
