"""``scripts/train.py``: train a walking policy with rsl-rl or skrl."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from . import distributed, presets
from .bootstrap import DEFAULT_MODE, MODES
from .errors import UsageError, exit_on_usage_error
from .session import (add_common_args, backend, check_agent, check_task, parse, resolve_configs, resolve_device,
                      resolve_num_envs, running_env, set_cpu_threads)

LOG_ROOT = Path("logs")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Train a legged robot to walk (Rudin et al. 2021) on Isaac Lab, kit-less, Newton physics. "
        "Extra key=value arguments are Isaac Lab/Hydra config overrides, e.g. physics=newton_mjwarp.",
        epilog="Logs and checkpoints go to logs/<agent>/<task>/<timestamp>/ (TensorBoard: tensorboard --logdir logs).",
    )
    add_common_args(parser, default_num_envs_help="parallel robots (default: 4096 on CUDA, 64 on CPU)")
    parser.add_argument("--agent", default="rsl_rl", help="PPO backend: rsl_rl (default) or skrl")
    parser.add_argument("--max_iterations", type=int, default=None,
                        help="PPO iterations to run (default: the agent config's, 300 flat / 1500 rough)")
    parser.add_argument("--timeout-bootstrap", "--timeout_bootstrap", dest="timeout_bootstrap", default=DEFAULT_MODE,
                        help="value bootstrap on time-outs: exact (critic on the final observation before the reset; "
                        "default), approx (rsl-rl's V(s_t) stand-in) or off")
    parser.add_argument("--resume", default=None, metavar="RUN",
                        help="continue from a run: 'latest', a run folder (timestamp or path) or a checkpoint file")
    parser.add_argument("--distributed", action="store_true",
                        help="one process per GPU, launched with torchrun (--num_envs is per process); "
                        f"e.g. {distributed.TORCHRUN_HINT}")
    parser.add_argument("--curriculum-snapshots", "--curriculum_snapshots", dest="curriculum_snapshots", default="",
                        metavar="IT,IT,...", help="rough tasks: iterations (0-based) at which to save the robots per "
                        "(terrain type, level) heatmap to <run>/curriculum/ (e.g. 0,500,1000; plot them with "
                        "scripts/curriculum_plot.py)")
    return parser


def parse_int_list(text: str, option: str, minimum: int = 0) -> tuple[int, ...]:
    """``"0,50,100"`` -> ``(0, 50, 100)``; a :class:`UsageError` naming ``option`` for anything else."""
    try:
        values = tuple(int(tok) for tok in text.split(",") if tok.strip())
    except ValueError:
        values = (minimum - 1,)
    if any(v < minimum for v in values):
        raise UsageError(f"{option} takes comma-separated integers >= {minimum}, e.g. {minimum},50,100 (got '{text}')")
    return values


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    check_agent(args.agent)
    check_task(args.task)
    rank = distributed.from_environment(args.distributed)
    device = resolve_device(args.device) if rank is None else distributed.device_for(rank, args.device)
    num_envs = resolve_num_envs(args.num_envs, device)
    if args.timeout_bootstrap not in MODES:
        raise UsageError(f"unknown --timeout-bootstrap '{args.timeout_bootstrap}'; choose one of {', '.join(MODES)}")
    if args.max_iterations is not None and args.max_iterations < 1:
        raise UsageError(f"--max_iterations must be at least 1 (got {args.max_iterations})")
    snapshots = parse_int_list(args.curriculum_snapshots, "--curriculum-snapshots")

    resume = None
    if args.resume is not None:
        from .checkpoints import find_checkpoint

        resume, resume_agent = find_checkpoint(args.resume, LOG_ROOT, [args.agent], args.task)
        if resume_agent != args.agent:
            raise UsageError(f"'{resume}' is a {resume_agent} checkpoint; resume it with --agent {resume_agent}")

    session = resolve_configs(args.task, args.agent, device, num_envs, args.seed, overrides, preset=args.preset,
                              asset=args.asset)
    session.curriculum_snapshots = snapshots
    if rank is not None:
        distributed.init_process_group(rank, device)
        distributed.offset_seeds(session, rank)
    # the exact bootstrap needs the observation the env computes before its automatic reset
    session.env_cfg.compute_final_obs = args.timeout_bootstrap == "exact"
    if args.agent == "rsl_rl":
        default_iterations = session.agent_cfg.max_iterations
    else:
        default_iterations = session.agent_cfg["trainer"]["timesteps"] // session.agent_cfg["agent"]["rollouts"]
    iterations = args.max_iterations or default_iterations

    # every rank names the same run folder: rank 0's timestamp
    log_dir = distributed.broadcast_from_main(
        (LOG_ROOT / args.agent / args.task / datetime.now().strftime("%Y-%m-%d_%H-%M-%S")).resolve())
    resolved = presets.summary(args.preset, {
        "task": args.task, "agent": args.agent, "device": device, "num_envs": num_envs, "max_iterations": iterations,
        "seed": session.env_cfg.seed, "timeout_bootstrap": args.timeout_bootstrap,
        "processes": 1 if rank is None else rank.world_size, "resume": None if resume is None else str(resume),
    }, session.overrides)
    if not distributed.is_main_process():
        print(f"[train] rank {rank.rank}/{rank.world_size} on {device}: {num_envs} envs, seed {session.env_cfg.seed} "
              "(rank 0 writes logs and checkpoints)", flush=True)
    else:
        print(f"[train] task {args.task} | agent {args.agent} | device {device} | {num_envs} envs"
              f"{' (default for ' + device + ')' if args.num_envs is None else ''}"
              f"{f' per process x {rank.world_size} processes' if rank is not None else ''} | {iterations} iterations"
              f" | time-out bootstrap {args.timeout_bootstrap}"
              f"{' | resume ' + str(resume) if resume else ''}", flush=True)
        print(f"[train] resolved config (saved as resolved_config.yaml):\n{presets.format_summary(resolved)}",
              flush=True)
        print(f"[train] logs: {log_dir}", flush=True)

        from isaaclab_rl.entrypoints.common import dump_train_configs, write_run_manifest

        write_run_manifest(str(log_dir), library=args.agent, task=args.task,
                           metadata={"agent": f"{args.agent}_cfg_entry_point",
                                     "timeout_bootstrap": args.timeout_bootstrap})
        dump_train_configs(str(log_dir), session.env_cfg, session.agent_cfg)
        presets.write_summary(log_dir / "resolved_config.yaml", resolved)
    with running_env(session), distributed.process_group_closed_after():
        try:
            checkpoint = backend(args.agent).train(session, str(log_dir), iterations, resume,
                                                   f"{args.task} {args.agent}", args.timeout_bootstrap)
        except KeyboardInterrupt as exc:
            print(f"\n[train] interrupted: saved checkpoint {exc}", flush=True)
            return 130
    print(f"[train] done: checkpoint {checkpoint}" if checkpoint else "[train] done (rank 0 wrote the checkpoint)",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
