"""``scripts/sweep.py``: number of robots x batch size (the paper's Fig. 4).

Each configuration trains the task without the terrain curriculum (random tiles, robots on random levels
that never change) for a fixed number of PPO updates with ``steps per robot = batch size / robots``; one
``train.py`` process per configuration and seed. By default the tiles follow the paper's protocol
(``--protocol paper``): the paper ran this study "reducing the maximum step size", and legged_gym's
non-curriculum mode draws each tile's difficulty from {0.5, 0.75, 0.9}; so do the tiles here, with stairs
of at most ``--max-step-height`` (0.05 + (max - 0.05) d m). ``--protocol uniform`` draws
difficulty ~ U(0, 1) (up to 1.0, beyond the curriculum's 0.9) and the task's full step heights.
Tasks on flat ground (no stairs in their terrain) have no protocol to choose (``flat``).
With ``--ray`` the processes are Ray tasks (one GPU each when the cluster has GPUs, else one CPU),
spread over all GPUs and nodes of the cluster at ``--ray-address`` or of a local Ray instance.
Writes ``sweep.csv`` (one row per run), ``sweep.png`` (final reward and training time vs robots, one
curve per batch size, mean and spread over seeds; reward vs training time) and ``sweep.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

from ..common.cli import parse_int_list
from ..common.errors import UsageError, exit_on_usage_error, require_extra
from ..rl import backends
from ..run.child_process import train_in_child
from ..device import resolve_device
from ..run.spec import RunSpec, check_task, resolve_configs
from ..cli.flags import parse
from .outputs import output_dir, pyplot, read_scalars, report_header, save_figure, write_csv, write_report

PAPER_ROBOTS = (128, 256, 512, 1024, 2048, 4096, 8192, 16384)
PAPER_BATCH_SIZES = (49152, 98304, 196608)
CPU_ROBOTS, CPU_BATCH_SIZES, CPU_ITERATIONS = (16, 32), (384, 768), 10
NO_CURRICULUM = [  # random tiles, robots spread over all levels, no promotion or demotion
    "env.scene.terrain.terrain_generator.curriculum=false",
    "env.scene.terrain.max_init_terrain_level=null",
    "env.curriculum.terrain_levels=null",
]
PAPER_RANDOM_DIFFICULTIES = (0.5, 0.75, 0.9)  # legged_gym's Terrain.randomized_terrain
MIN_STEP_HEIGHT = 0.05  # m, the stairs' step at difficulty 0 (legged_gym: 0.05 + 0.18 d)
DEFAULT_MAX_STEP_HEIGHT = 0.15  # m at d = 1: the paper reduces the step height without a number recovered here
STAIRS = ("stairs_up", "stairs_down")
PROTOCOLS = ("paper", "uniform")
FLAT = "flat"  # the protocol of a task whose ground has no difficulty (the flat tasks)
FINAL_FRACTION = 0.1  # final reward = mean over the last 10 % of the iterations (at least one)


def grid(robots: tuple[int, ...], batch_sizes: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """``(robots, batch size, steps per robot)`` for every pair whose batch is a whole number of steps per robot."""
    return [(n, b, b // n) for b in batch_sizes for n in robots if b % n == 0 and b >= n]


def protocol_overrides(protocol: str, max_step_height: float) -> list[str]:
    """The terrain overrides of ``protocol`` (besides :data:`NO_CURRICULUM`): for ``"paper"``, random tiles with
    legged_gym's difficulty set and the stairs' step-height range ``(0.05, max_step_height)`` m; none for
    ``"uniform"`` (Isaac Lab's U(0, 1) difficulty, the task's step heights)."""
    if protocol in ("uniform", FLAT):
        return []
    generator = "env.scene.terrain.terrain_generator"
    difficulties = ",".join(map(str, PAPER_RANDOM_DIFFICULTIES))
    return [
        f"{generator}.random_difficulties=[{difficulties}]",
        *(
            f"{generator}.sub_terrains.{name}.step_height_range=[{MIN_STEP_HEIGHT},{max_step_height}]"
            for name in STAIRS
        ),
    ]


def protocol_text(protocol: str, max_step_height: float) -> str:
    """One sentence for the report: which tiles the runs trained on, and why."""
    if protocol == FLAT:
        return "Flat ground (the task's terrain has no difficulty; the paper's study ran on rough terrain)."
    if protocol == "uniform":
        return (
            "Protocol uniform (not the paper's): random tiles with difficulty ~ U(0, 1), the task's step heights "
            "(up to 0.23 m at d = 1)."
        )
    steps = [MIN_STEP_HEIGHT + (max_step_height - MIN_STEP_HEIGHT) * d for d in PAPER_RANDOM_DIFFICULTIES]
    return (
        "Protocol paper: random tiles with legged_gym's non-curriculum difficulties d in "
        f"{{{', '.join(map(str, PAPER_RANDOM_DIFFICULTIES))}}} and the maximum step height reduced as in the "
        f"paper's study: stairs 0.05 + {max_step_height - MIN_STEP_HEIGHT:.2f} d m "
        f"({' / '.join(f'{s:.3f}' for s in steps)} m; the paper's value is not known here, "
        f"--max-step-height sets it)."
    )


def train_one(
    task: str,
    agent: str,
    robots: int,
    steps: int,
    iterations: int,
    seed: int,
    device: str,
    overrides: list[str],
    workdir: str,
) -> dict:
    """Train one configuration in its own process (:func:`~ext_walk_minutes.run.child_process.train_in_child`).

    Returns the run's final reward, its training time (``walk/training_time_s``: from the first rollout to
    the end of the last update, start-up excluded),
    the process wall time, the mean env-steps/s, the device, the run folder and, on failure, the log's tail.
    """
    workdir_path = Path(workdir)
    args = _train_args(agent, robots, steps, iterations, seed, device, overrides)
    start = time.perf_counter()
    status, run = train_in_child(task, agent, args, workdir_path, workdir_path / "train.log")
    wall = time.perf_counter() - start
    result = {
        "device": resolve_device(device),
        "wall_s": wall,
        "final_reward": math.nan,
        "training_time_s": math.nan,
        "env_steps_per_s": math.nan,
        "run": "",
        "error": "",
    }
    if status != 0 or run is None:
        tail = (workdir_path / "train.log").read_text(errors="replace")[-2000:]
        return {**result, "error": f"exit status {status}: {tail}"}
    return {**result, "run": str(run), **_run_figures(run, iterations)}


def _train_args(
    agent: str, robots: int, steps: int, iterations: int, seed: int, device: str, overrides: list[str]
) -> list[str]:
    """train.py's arguments for one configuration: without the terrain curriculum, then ``overrides``."""
    return [
        "--num_envs",
        str(robots),
        "--max_iterations",
        str(iterations),
        "--device",
        device,
        "--seed",
        str(seed),
        f"{backends.get(agent).steps_per_env_key}={steps}",
        *NO_CURRICULUM,
        *overrides,
    ]


def _run_figures(run: Path, iterations: int) -> dict:
    """The final reward (mean over the last :data:`FINAL_FRACTION` of ``iterations``), the training time [s] and
    the mean env-steps/s after the first iteration, read from the run's scalars (NaN where missing)."""
    scalars = read_scalars(run)
    rewards = [v for _, (v, _) in sorted(scalars.get("walk/mean_reward", {}).items())]
    tail = max(1, math.ceil(FINAL_FRACTION * iterations))
    times = scalars.get("walk/training_time_s", {})
    sps = [v for it, (v, _) in scalars.get("walk/env_steps_per_s", {}).items() if it > 0]  # iteration 0 warms up
    return {
        "final_reward": statistics.fmean(rewards[-tail:]) if rewards else math.nan,
        "training_time_s": times[max(times)][0] if times else math.nan,
        "env_steps_per_s": statistics.fmean(sps) if sps else math.nan,
    }


def run_grid(jobs: list[dict], use_ray: bool, address: str | None, num_cpus: int | None) -> list[dict]:
    """Run :func:`train_one` for every job, one after the other or as Ray tasks; results in job order."""
    if not use_ray:
        results = []
        for job in jobs:
            print(f"[sweep] {job['robots']} robots x {job['steps']} steps, seed {job['seed']}", flush=True)
            results.append(train_one(**job))
        return results
    # Under an ancestor `uv run` (./run) Ray would start its workers with that `uv run` command line (re-running
    # pytest or train.py instead of a worker); the workers need this interpreter as it is. Read at import of ray.
    os.environ.setdefault("RAY_ENABLE_UV_RUN_RUNTIME_ENV", "0")
    import ray

    ray.init(
        address=address, num_cpus=num_cpus if address is None else None, include_dashboard=False, log_to_driver=False
    )
    try:
        gpus = ray.cluster_resources().get("GPU", 0)
        # one GPU per run where there are GPUs (Ray sets CUDA_VISIBLE_DEVICES, train.py picks cuda:0), else one CPU
        task = ray.remote(num_gpus=1)(train_one) if gpus else ray.remote(num_cpus=1)(train_one)
        print(
            f"[sweep] Ray: {len(jobs)} runs on {ray.cluster_resources().get('CPU', 0):g} CPUs, {gpus:g} GPUs, "
            f"{len(ray.nodes())} node(s)",
            flush=True,
        )
        jobs_with_device = [{**job, "device": "auto" if gpus else job["device"]} for job in jobs]
        return ray.get([task.remote(**job) for job in jobs_with_device])
    finally:
        ray.shutdown()


def _spread(values: list[float]) -> tuple[float, float]:
    """Mean and standard deviation (0 for one value) of the finite ``values``; NaN if none."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return math.nan, math.nan
    return statistics.fmean(finite), statistics.stdev(finite) if len(finite) > 1 else 0.0


def summary(rows: list[dict]) -> list[dict]:
    """Per configuration (robots, batch size): mean and spread over seeds of the final reward and training time."""
    out = []
    for key in dict.fromkeys((r["robots"], r["batch_size"]) for r in rows):
        mine = [r for r in rows if (r["robots"], r["batch_size"]) == key]
        reward, reward_std = _spread([r["final_reward"] for r in mine])
        train_time, time_std = _spread([r["training_time_s"] for r in mine])
        out.append(
            {
                "robots": key[0],
                "batch_size": key[1],
                "steps_per_robot": mine[0]["steps_per_robot"],
                "seeds": len(mine),
                "final_reward": reward,
                "final_reward_std": reward_std,
                "training_time_s": train_time,
                "training_time_std": time_std,
            }
        )
    return out


def plot(table: list[dict], path: Path, title: str) -> None:
    plt = pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.4))
    for batch in dict.fromkeys(r["batch_size"] for r in table):
        mine = sorted((r for r in table if r["batch_size"] == batch), key=lambda r: r["robots"])
        robots = [r["robots"] for r in mine]
        for ax, key in zip(axes[:2], ("final_reward", "training_time")):
            mean = [r[key if key == "final_reward" else "training_time_s"] for r in mine]
            std = [r[f"{key}_std"] for r in mine]
            (line,) = ax.plot(robots, mean, "o-", label=f"batch {batch}")
            ax.fill_between(
                robots,
                [m - s for m, s in zip(mean, std)],
                [m + s for m, s in zip(mean, std)],
                color=line.get_color(),
                alpha=0.2,
            )
        axes[2].plot(
            [r["training_time_s"] for r in mine], [r["final_reward"] for r in mine], "o-", label=f"batch {batch}"
        )
    for ax, (x, y) in zip(
        axes, (("robots", "final reward"), ("robots", "training time [s]"), ("training time [s]", "final reward"))
    ):
        if x == "robots":
            ax.set_xscale("log", base=2)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        ax.grid(alpha=0.3)
        ax.legend()
    save_figure(fig, path, title)


def build_parser() -> argparse.ArgumentParser:
    """The study's flags: the grid, where the runs go, their terrain; ``key=value`` arguments pass through."""
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Extra key=value arguments are passed to every train.py run.",
    )
    parser.add_argument("--task", default="Walk-Rough-AnymalC", help="task (default: %(default)s)")
    parser.add_argument("--agent", default="rsl_rl", help="PPO backend (default: %(default)s)")
    _add_grid_flags(parser)
    _add_placement_flags(parser)
    _add_terrain_flags(parser)
    parser.add_argument("--out", default=None, help="output folder (default: logs/studies/sweep/<timestamp>/)")
    return parser


def _add_grid_flags(parser: argparse.ArgumentParser) -> None:
    """Robot counts, batch sizes, updates per run and seeds."""
    parser.add_argument(
        "--robots",
        default=None,
        help=f"comma-separated robot counts (default: {','.join(map(str, CPU_ROBOTS))}; --paper: "
        f"{PAPER_ROBOTS[0]} ... {PAPER_ROBOTS[-1]})",
    )
    parser.add_argument(
        "--batch-sizes",
        "--batch_sizes",
        dest="batch_sizes",
        default=None,
        help=f"comma-separated transitions per update (default: {','.join(map(str, CPU_BATCH_SIZES))};"
        f" --paper: {','.join(map(str, PAPER_BATCH_SIZES))})",
    )
    parser.add_argument("--paper", action="store_true", help="the paper's grid of robots and batch sizes")
    parser.add_argument(
        "--iterations", type=int, default=CPU_ITERATIONS, help="PPO updates per run (default: %(default)s)"
    )
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default: 1)")


def _add_placement_flags(parser: argparse.ArgumentParser) -> None:
    """Where the runs go: a device, or Ray (local or a cluster)."""
    parser.add_argument("--device", default="auto", help="device of every run without Ray GPUs (default: auto)")
    parser.add_argument("--ray", action="store_true", help="run the configurations as Ray tasks")
    parser.add_argument(
        "--ray-address",
        "--ray_address",
        dest="ray_address",
        default=None,
        help="Ray cluster to join ('auto' or ray://host:10001); default: start a local instance",
    )
    parser.add_argument(
        "--ray-num-cpus",
        "--ray_num_cpus",
        dest="ray_num_cpus",
        type=int,
        default=None,
        help="CPUs of the local Ray instance, i.e. runs at a time without GPUs (default: all)",
    )


def _add_terrain_flags(parser: argparse.ArgumentParser) -> None:
    """The terrain protocol of a rough task and its stairs' step height."""
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default=None,
        help="terrain of the runs on a rough task: paper (legged_gym's random difficulties "
        "{0.5, 0.75, 0.9}, reduced step height; default) or uniform (difficulty ~ U(0, 1), the task's "
        "step heights)",
    )
    parser.add_argument(
        "--max-step-height",
        "--max_step_height",
        dest="max_step_height",
        type=float,
        default=None,
        help=f"stairs' step height at difficulty 1 in m with --protocol paper "
        f"(default: {DEFAULT_MAX_STEP_HEIGHT}; the task's: 0.23)",
    )


def sweep_grid(args: argparse.Namespace) -> tuple[list[tuple[int, int, int]], tuple[int, ...], int]:
    """The ``(robots, batch size, steps per robot)`` configurations and seeds asked for, and the pairs skipped."""
    robots = parse_int_list(args.robots, "--robots", 1) if args.robots else (PAPER_ROBOTS if args.paper else CPU_ROBOTS)
    batch_sizes = (
        parse_int_list(args.batch_sizes, "--batch-sizes", 1)
        if args.batch_sizes
        else (PAPER_BATCH_SIZES if args.paper else CPU_BATCH_SIZES)
    )
    seeds = parse_int_list(args.seeds, "--seeds")
    if args.iterations < 1 or not seeds:
        raise UsageError(
            f"--iterations must be at least 1 and --seeds name a seed (got {args.iterations}, '{args.seeds}')"
        )
    configs = grid(robots, batch_sizes)
    if not configs:
        raise UsageError(
            "no batch size is a whole multiple of a robot count; choose --robots and --batch-sizes "
            "with batch size = robots x steps per robot"
        )
    return configs, seeds, len(robots) * len(batch_sizes) - len(configs)


def terrain_protocol(task: str, agent: str, asked: str | None) -> str:
    """The protocol the runs follow: ``asked`` (``--protocol``; default ``paper``) on a task whose terrain grid
    has stairs and random-tile difficulties, :data:`FLAT` on a flat task (a :class:`UsageError` if one was asked)."""
    grid = resolve_configs(RunSpec(task, agent, "cpu", 1)).env_cfg.scene.terrain.terrain_generator
    rough = grid is not None and hasattr(grid, "random_difficulties") and set(STAIRS) <= set(grid.sub_terrains)
    if rough:
        return asked or "paper"
    if asked is not None:
        raise UsageError(
            f"--protocol {asked} needs a task on rough terrain (stairs and random tiles); {task} "
            "walks on flat ground: leave --protocol out"
        )
    return FLAT


def max_step_height(args: argparse.Namespace, protocol: str = "paper") -> float:
    """The ``--max-step-height`` asked for (m), checked against the protocol and the stairs' 0.05 m minimum."""
    if args.max_step_height is None:
        return DEFAULT_MAX_STEP_HEIGHT
    if protocol != "paper":
        raise UsageError(
            "--max-step-height applies to --protocol paper only; --protocol uniform keeps the task's step heights"
        )
    if not MIN_STEP_HEIGHT <= args.max_step_height <= 1.0:
        raise UsageError(f"--max-step-height must be between {MIN_STEP_HEIGHT} and 1.0 m (got {args.max_step_height})")
    return args.max_step_height


def report_lines(
    rows: list[dict], table: list[dict], title: str, total_s: float, ray: bool, protocol: str = ""
) -> list[str]:
    """The report's text and table: the protocol sentence, final reward and training time per configuration."""
    failed = sum(bool(r["error"]) for r in rows)
    lines = [
        f"{title}. {protocol + ' ' if protocol else ''}Final reward: mean episode return over the last "
        f"{FINAL_FRACTION:.0%} of the updates; training "
        f"time: first rollout to last update, start-up excluded. All {len(rows)} runs took {total_s:.0f} s"
        f"{' (Ray)' if ray else ''}; {failed} failed.",
        "",
        "| robots | batch | steps per robot | final reward (mean +- std) | training time [s] |",
        "|---|---|---|---|---|",
    ]
    return lines + [
        f"| {r['robots']} | {r['batch_size']} | {r['steps_per_robot']} | {r['final_reward']:.3g} +- "
        f"{r['final_reward_std']:.2g} | {r['training_time_s']:.1f} +- {r['training_time_std']:.1f} |"
        for r in table
    ]


def _check_run_flags(args: argparse.Namespace) -> None:
    """The task, backend, device and (with ``--ray``) the ray extra exist, before any run starts."""
    check_task(args.task)
    backends.get(args.agent)
    resolve_device(args.device)  # fails early on a CUDA request without CUDA
    if args.ray:
        require_extra("ray", "sweep", "--ray")


def _jobs(
    args: argparse.Namespace, configs: list[tuple[int, int, int]], seeds: tuple[int, ...], overrides: list[str], out
) -> list[dict]:
    """:func:`train_one`'s keyword arguments for every configuration and seed, each run in its own folder."""
    return [
        {
            "task": args.task,
            "agent": args.agent,
            "robots": n,
            "steps": steps,
            "iterations": args.iterations,
            "seed": seed,
            "device": args.device,
            "overrides": list(overrides),
            "workdir": str((out / "runs").resolve() / f"robots{n}_steps{steps}_seed{seed}"),
        }
        for n, _, steps in configs
        for seed in seeds
    ]


def _rows(jobs: list[dict], results: list[dict], iterations: int) -> list[dict]:
    """One CSV row per run: its configuration and :func:`train_one`'s result; each failure said on stderr."""
    rows = [
        {
            "robots": job["robots"],
            "batch_size": job["robots"] * job["steps"],
            "steps_per_robot": job["steps"],
            "seed": job["seed"],
            "iterations": iterations,
            **result,
        }
        for job, result in zip(jobs, results)
    ]
    for r in (r for r in rows if r["error"]):
        print(
            f"[sweep] run {r['robots']} robots x {r['steps_per_robot']} steps seed {r['seed']} failed: {r['error']}",
            file=sys.stderr,
        )
    return rows


def _write_outputs(
    args: argparse.Namespace,
    argv: list[str] | None,
    rows: list[dict],
    out: Path,
    total_s: float,
    protocol: str,
    step_height: float,
) -> None:
    """``sweep.csv``, ``sweep.png`` and ``sweep.md`` in ``out`` (``total_s``: the runs' wall time, ``step_height``
    the stairs' at difficulty 1 [m])."""
    table = summary(rows)
    csv_path, png_path, md_path = (out / f"sweep.{ext}" for ext in ("csv", "png", "md"))
    write_csv(csv_path, [{k: v for k, v in r.items() if k != "error"} | {"failed": bool(r["error"])} for r in rows])
    title = (
        f"{args.task}, {args.agent}, no curriculum ({protocol} protocol), {args.iterations} updates, seeds {args.seeds}"
    )
    plot(table, png_path, title)
    header = report_header("Robots x batch size sweep", "sweep.py", argv, rows[0]["device"])
    write_report(
        md_path,
        header,
        report_lines(rows, table, title, total_s, args.ray, protocol_text(protocol, step_height)),
        png_path,
    )
    print(f"[sweep] wrote {csv_path}, {png_path}, {md_path}", flush=True)


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args, overrides = parse(build_parser(), argv)
    _check_run_flags(args)
    configs, seeds, skipped = sweep_grid(args)
    protocol = terrain_protocol(args.task, args.agent, args.protocol)
    step_height = max_step_height(args, protocol)
    out = output_dir("sweep", args.out)
    jobs = _jobs(args, configs, seeds, [*protocol_overrides(protocol, step_height), *overrides], out)
    print(
        f"[sweep] {args.task} {args.agent}: {len(configs)} configurations x {len(seeds)} seeds, {args.iterations} "
        f"updates each{f'; {skipped} pairs skipped (batch not a multiple of robots)' if skipped else ''}",
        flush=True,
    )
    start = time.perf_counter()
    results = run_grid(jobs, args.ray, args.ray_address, args.ray_num_cpus)
    total = time.perf_counter() - start
    rows = _rows(jobs, results, args.iterations)
    _write_outputs(args, argv, rows, out, total, protocol, step_height)
    return 1 if any(r["error"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
