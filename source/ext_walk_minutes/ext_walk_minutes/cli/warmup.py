"""``scripts/warmup.py``: compile the kernels of tasks ahead of their first run, into the persistent Warp cache.

A cold start spends minutes compiling Warp kernels (Newton, MuJoCo Warp, Isaac Lab's sensors and terms) and, on
CUDA, capturing graphs; a warm cache takes most of that away. This runs one short PPO iteration of each task with a
few robots on the chosen device, which loads (and so compiles) the modules a real run uses, each task in a fresh
process. Run it once per machine or container volume (``WARP_CACHE_PATH``, ``./run`` and the Docker entry point
keep it in ``~/.cache/warp``), e.g. ``docker compose -f docker/compose.yaml run --rm warmup``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import multiprocessing
import time
from pathlib import Path

from ..common.errors import UsageError, exit_on_usage_error
from ..device import resolve_device
from ..run.spec import check_task, resolve_configs, set_cpu_threads
from .flags import parse

DEFAULT_TASKS = "Walk-Flat-AnymalC,Walk-Rough-AnymalC"


def warm(task: str, device: str, num_envs: int, overrides: list[str]) -> float:
    """One PPO iteration of ``task`` (2 steps per robot) on ``device``; returns its wall time [s]."""
    set_cpu_threads()
    from ..run.spec import RunSpec, running_env

    start = time.perf_counter()
    # as train.py runs (exact time-out bootstrap, final observations): the same kernels
    spec = RunSpec(task, "rsl_rl", device, num_envs, 0, ("agent.num_steps_per_env=2", *overrides))
    configs = resolve_configs(spec)
    with running_env(spec, configs) as env, contextlib.redirect_stdout(io.StringIO()):
        runner, _ = spec.backend.make_runner(env, configs.agent_cfg, device, None)
        runner.learn(1)
    return time.perf_counter() - start


def kernel_cache() -> tuple[Path, int, float]:
    """Warp's kernel cache folder, its number of files and its size [MB]."""
    import warp

    warp.init()
    folder = Path(warp.config.kernel_cache_dir)
    files = [p for p in folder.rglob("*") if p.is_file()]
    return folder, len(files), sum(p.stat().st_size for p in files) / 1e6


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Extra key=value arguments are config overrides, as for train.py.",
    )
    parser.add_argument("--task", default=DEFAULT_TASKS, help="comma-separated tasks (default: %(default)s)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument("--num_envs", type=int, default=8, help="robots per task (default: %(default)s)")
    args, overrides = parse(parser, argv)
    tasks = [t.strip() for t in args.task.split(",") if t.strip()]
    for task in tasks:
        check_task(task)
    if args.num_envs < 1:
        raise UsageError(f"--num_envs must be at least 1 (got {args.num_envs})")
    device = resolve_device(args.device)
    folder, files_before, _ = kernel_cache()
    for task in tasks:  # one simulation per process
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            seconds = pool.submit(warm, task, device, args.num_envs, overrides).result()
        print(f"[warmup] {task} on {device}: {seconds:.1f} s", flush=True)
    _, files, size = kernel_cache()
    print(f"[warmup] kernel cache {folder}: {files} files ({files - files_before:+d}), {size:.0f} MB", flush=True)
    return 0
