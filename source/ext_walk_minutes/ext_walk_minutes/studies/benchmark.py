"""``scripts/benchmark.py``: throughput vs number of robots and where an iteration's time goes.

For each robot count, a few rsl-rl PPO iterations of the task (untrained policy, the training loop
as ``train.py`` runs it) are timed by phase: **physics** (the env's decimation loop: actuator model,
writes to the simulator, simulator steps, sensor and state updates), **MDP** (the rest of the env
step: observations, rewards, terminations, resets, commands), **inference** (the policy's actions),
**learning** (returns and the PPO update) and **other** (rollout storage, bookkeeping). The first
iteration warms up (kernel compilation, allocations) and is left out. Each measurement runs in a
fresh process. With ``--stock`` (the default on CPU) the same is measured, in the same run, for
Isaac Lab's stock velocity env (``IsaacContrib-Velocity-Rough-AnymalC``) on our ANYmal C and our
terrain, and our per-step cost is printed as a ratio to it. With ``--collision-sets legged_gym,detailed``
our task is measured with each of the robot's collision sets, interleaved ``--repeats`` times, and the
throughput ratio of each set to the first is reported. Writes ``benchmark.{json,csv,png,md}`` and
appends one row per robot count (and set) to ``docs/benchmarks.md`` naming the device.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import io
import json
import multiprocessing
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from ..common import markdown
from ..common.cli import parse_int_list
from ..common.errors import UsageError, exit_on_usage_error
from ..device import resolve_device
from ..run.spec import check_task, set_cpu_threads
from ..cli.flags import parse
from .outputs import device_name, output_dir, pyplot, report_header, save_figure, write_csv, write_report

STOCK_TASK = "IsaacContrib-Velocity-Rough-AnymalC"
PHASES = ("physics", "mdp", "inference", "learning", "other")
CPU_NUM_ENVS, CUDA_NUM_ENVS = (16, 64), (512, 1024, 2048, 4096, 8192)
DOCS_TABLE = Path("docs") / "benchmarks.md"
DOCS_HEADER = """# Benchmarks

Rows appended by `scripts/benchmark.py` (one per robot count and run). Times are per PPO iteration
(robots x steps per robot env steps plus one update), averaged over the measured iterations.
`vs stock` is our env step time (physics + MDP) divided by that of Isaac Lab's stock velocity env on
the same robot and terrain, measured in the same run (CPU only).

"""
DOCS_COLUMNS = (
    "date",
    "device",
    "task",
    "robots",
    "steps",
    "env-steps/s (collect)",
    "env-steps/s (train)",
    "iteration [s]",
    "physics",
    "MDP",
    "inference",
    "learning",
    "other",
    "vs stock",
)
DOCS_HEADER += f"| {' | '.join(DOCS_COLUMNS)} |\n|{'---|' * len(DOCS_COLUMNS)}\n"


class PhaseTimer:
    """Wall time spent in instrumented methods, summed per phase (on CUDA synchronised around each call)."""

    def __init__(self, device: str) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.cuda = device.startswith("cuda")

    def _sync(self) -> None:
        if self.cuda:
            import torch
            import warp as wp

            torch.cuda.synchronize()
            wp.synchronize()

    def wrap(self, owner, name: str, phase: str, after=None) -> None:
        """Replace ``owner.name`` (a bound method) by a timed call that adds its duration to ``phase``, then calls
        ``after()`` if given."""
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            self._sync()
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self._sync()
                self.totals[phase] += time.perf_counter() - start
                if after is not None:
                    after()

        setattr(owner, name, timed)


def stock_configs(ours):
    """Isaac Lab's stock rough velocity env config with our robot, terrain, device, size and seed (our
    :class:`~ext_walk_minutes.run.spec.Configs` ``ours``; the agent config stays ours)."""
    import isaaclab_tasks.contrib.velocity.config.anymal_c  # noqa: F401  (registers the stock task)
    from isaaclab_tasks.utils import resolve_task_config

    env_cfg, _ = resolve_task_config(STOCK_TASK, None, overrides=[])
    env_cfg.scene.robot = ours.env_cfg.scene.robot  # our ANYmal C as our task has it (Isaac Lab's: asset server)
    env_cfg.scene.terrain.terrain_generator = ours.env_cfg.scene.terrain.terrain_generator
    env_cfg.scene.terrain.visual_material = None  # offline: no MDL
    env_cfg.scene.sky_light = None  # offline: no HDR sky
    env_cfg.sim.device = ours.env_cfg.sim.device
    env_cfg.scene.num_envs = ours.env_cfg.scene.num_envs
    env_cfg.seed = ours.env_cfg.seed
    env_cfg.compute_final_obs = ours.env_cfg.compute_final_obs
    return replace(ours, env_cfg=env_cfg)


def measure(env_kind: str, task: str, num_envs: int, iterations: int, device: str, overrides: list[str]) -> dict:
    """Time ``iterations`` PPO iterations of ``task`` (``env_kind="ours"``) or of the stock env (``"stock"``).

    Returns seconds per iteration (mean over all but the first) in total and per phase of :data:`PHASES`.
    """
    set_cpu_threads()
    from ..run.spec import RunSpec, resolve_configs, running_env

    spec = RunSpec(task, "rsl_rl", device, num_envs, 0, tuple(overrides))  # train.py's default bootstrap: exact
    configs = resolve_configs(spec)
    if env_kind == "stock":
        spec, configs = replace(spec, task=STOCK_TASK), stock_configs(configs)
    timer = PhaseTimer(device)
    marks: list[tuple[float, dict[str, float]]] = []
    with running_env(spec, configs) as env:
        with contextlib.redirect_stdout(io.StringIO()):  # rsl-rl prints the networks
            runner, _ = spec.backend.make_runner(env, configs.agent_cfg, device, None)
        env_cfg = env.unwrapped.cfg  # the config the measured env was built from (the stock task's for "stock")
        time_phases(timer, env.unwrapped, runner, lambda: marks.append((time.perf_counter(), dict(timer.totals))))
        marks.append((time.perf_counter(), {}))
        with contextlib.redirect_stdout(io.StringIO()):  # rsl-rl's own log block: the report has the figures
            runner.learn(iterations, init_at_random_ep_len=True)
        steps = runner.cfg["num_steps_per_env"]
    return {
        "env": env_kind,
        "task": spec.task,
        "env_cfg": f"{type(env_cfg).__module__}:{type(env_cfg).__name__}",
        "device": device,
        "device_name": device_name(device),
        "num_envs": num_envs,
        "steps_per_env": steps,
        **iteration_times(marks, num_envs * steps),
    }


def time_phases(timer: PhaseTimer, base, runner, iteration_done) -> None:
    """Time the env ``base``'s physics (its decimation loop's calls), the whole env step, the policy's actions and
    the PPO update of ``runner`` with ``timer``; ``iteration_done()`` is called as each update ends (an iteration's
    end)."""
    for owner, name in (
        (base.action_manager, "apply_action"),
        (base.scene, "write_data_to_sim"),
        (base.sim, "step"),
        (base.scene, "update"),
    ):
        timer.wrap(owner, name, "physics")
    timer.wrap(runner.env, "step", "env_step")
    timer.wrap(runner.alg, "act", "inference")
    timer.wrap(runner.alg, "compute_returns", "learning")
    timer.wrap(runner.alg, "update", "learning", after=iteration_done)


def iteration_times(marks: list[tuple[float, dict[str, float]]], batch: int) -> dict:
    """Seconds per iteration, in total and per phase, and env-steps/s, from ``marks`` (the time and the phase totals
    at the start and after every iteration; ``batch``: env steps per iteration). The first (warm-up) iteration is
    left out when there is another."""
    first = 1 if len(marks) > 2 else 0
    (t0, a), (t1, b) = marks[first], marks[-1]
    n = len(marks) - 1 - first
    per = {k: (b.get(k, 0.0) - a.get(k, 0.0)) / n for k in ("physics", "env_step", "inference", "learning")}
    iteration = (t1 - t0) / n
    return {
        "measured_iterations": n,
        "iteration_s": iteration,
        "physics_s": per["physics"],
        "mdp_s": per["env_step"] - per["physics"],
        "inference_s": per["inference"],
        "learning_s": per["learning"],
        "other_s": iteration - per["env_step"] - per["inference"] - per["learning"],
        "collect_steps_per_s": batch / (iteration - per["learning"]),
        "train_steps_per_s": batch / iteration,
    }


def measure_in_fresh_process(*args) -> dict:
    """:func:`measure` in a new ``spawn`` process: one simulation per process keeps the runs independent."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure, *args).result()


def check_collision_sets(names: str | None) -> list[str | None]:
    """``--collision-sets`` as a list (``[None]``: the task's own set, no override)."""
    from ..robots.description import COLLISION_SETS

    if not names:
        return [None]
    sets = [name.strip() for name in names.split(",") if name.strip()]
    if unknown := [name for name in sets if name not in COLLISION_SETS]:
        raise UsageError(f"unknown collision set(s) {', '.join(unknown)}; choose from: {', '.join(COLLISION_SETS)}")
    return sets


def mean_over_repeats(raw: list[dict]) -> list[dict]:
    """One row per (env, collision set, robot count): the mean of every timing over its repeats."""
    groups: dict[tuple, list[dict]] = {}
    for r in raw:
        groups.setdefault((r["env"], r["collision_set"], r["num_envs"]), []).append(r)
    rows = []
    for group in groups.values():
        row = dict(group[0])
        for key, value in row.items():
            if isinstance(value, float):
                row[key] = sum(g[key] for g in group) / len(group)
        row["repeats"] = len(group)
        rows.append(row)
    return rows


def collision_set_lines(ours: list[dict], sets: list[str | None], repeats: int) -> list[str]:
    """Report lines comparing the collision sets' throughput at each robot count (none for a single set)."""
    if len(sets) < 2:
        return []
    lines = [
        "",
        f"Collision sets, each measured {repeats}x interleaved (mean): env-steps/s collecting, and the "
        f"ratio to {sets[0]}:",
        "",
    ]
    for n in dict.fromkeys(r["num_envs"] for r in ours):
        by_set = {r["collision_set"]: r for r in ours if r["num_envs"] == n}
        first = by_set[sets[0]]["collect_steps_per_s"]
        lines.append(
            f"* {n} robots: "
            + ", ".join(
                f"{s} {by_set[s]['collect_steps_per_s']:,.0f} ({by_set[s]['collect_steps_per_s'] / first:.2f}x)"
                for s in sets
            )
        )
    return lines


def plot(rows: list[dict], path: Path, title: str) -> None:
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4))
    for kind, collision_set in dict.fromkeys((r["env"], r["collision_set"]) for r in rows):
        mine = [r for r in rows if (r["env"], r["collision_set"]) == (kind, collision_set)]
        label = ("ours" if kind == "ours" else f"stock ({STOCK_TASK})") + (
            f", {collision_set}" if collision_set else ""
        )
        left.plot(
            [r["num_envs"] for r in mine], [r["collect_steps_per_s"] for r in mine], "o-", label=f"{label}, collection"
        )
        left.plot(
            [r["num_envs"] for r in mine],
            [r["train_steps_per_s"] for r in mine],
            "s--",
            label=f"{label}, with learning",
        )
    left.set_xscale("log", base=2)
    left.set_xlabel("robots")
    left.set_ylabel("env-steps/s")
    left.grid(alpha=0.3)
    left.legend(fontsize=8)
    ours = [r for r in rows if r["env"] == "ours"]
    labels = [f"{r['num_envs']} {r['collision_set']}".strip() for r in ours]
    bottom = [0.0] * len(ours)
    for phase in PHASES:
        values = [r[f"{phase}_s"] for r in ours]
        right.bar(labels, values, bottom=bottom, label=phase)
        bottom = [b + v for b, v in zip(bottom, values)]
    right.set_xlabel("robots")
    right.set_ylabel("seconds per PPO iteration")
    right.set_title("ours: time per iteration by phase")
    right.legend(fontsize=8)
    save_figure(fig, path, title)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Extra key=value arguments are config overrides of our task, as for "
        "train.py (e.g. agent.num_steps_per_env=8).",
    )
    parser.add_argument("--task", default="Walk-Rough-AnymalC", help="task (default: %(default)s)")
    parser.add_argument(
        "--num_envs",
        default=None,
        help=f"comma-separated robot counts (default: {','.join(map(str, CUDA_NUM_ENVS))} on CUDA, "
        f"{','.join(map(str, CPU_NUM_ENVS))} on CPU)",
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=4,
        help="PPO iterations per robot count, the first one left out (default: %(default)s)",
    )
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument(
        "--stock",
        choices=("auto", "on", "off"),
        default="auto",
        help="also measure Isaac Lab's stock velocity env (default auto: on CPU only)",
    )
    parser.add_argument(
        "--collision-sets",
        default=None,
        metavar="SET,SET",
        help="measure our task with each of these robot collision sets (e.g. legged_gym,detailed); "
        "default: the task's own",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="measurements per robot count and set, interleaved (default: %(default)s)",
    )
    parser.add_argument(
        "--docs",
        default=str(DOCS_TABLE),
        help="markdown table to append the results to (default: %(default)s; '' for none)",
    )
    parser.add_argument("--out", default=None, help="output folder (default: logs/studies/benchmark/<timestamp>/)")
    return parser


def run_all(args: argparse.Namespace, overrides: list[str], device: str, counts, sets, stock: bool) -> list[dict]:
    """One measurement per robot count, repeat and collision set (and the stock env), each in a fresh process."""
    raw = []
    for n in counts:
        runs = [("ours", s) for _ in range(args.repeats) for s in sets] + ([("stock", None)] if stock else [])
        for kind, collision_set in runs:
            label = kind + (f" {collision_set}" if collision_set else "")
            print(f"[benchmark] {label}: {n} robots, {args.iterations} iterations on {device} ...", flush=True)
            extra = [f"env.scene.robot.spawn.collision_set={collision_set}"] if collision_set else []
            r = measure_in_fresh_process(kind, args.task, n, args.iterations, device, overrides + extra)
            r["collision_set"] = collision_set or ""
            raw.append(r)
            print(
                f"[benchmark] {label} {n} robots: {r['collect_steps_per_s']:,.0f} env-steps/s collecting, "
                f"{r['train_steps_per_s']:,.0f} with learning; per iteration {r['iteration_s']:.3f} s = "
                + " + ".join(f"{p} {r[f'{p}_s']:.3f}" for p in PHASES),
                flush=True,
            )
    return raw


def with_stock_ratio(rows: list[dict]) -> list[dict]:
    """``rows`` with ``step_cost_vs_stock``: our env step time (physics + MDP) over the stock env's, same count."""
    for r in rows:
        stock_row = next((s for s in rows if s["env"] == "stock" and s["num_envs"] == r["num_envs"]), None)
        r["step_cost_vs_stock"] = (
            (r["physics_s"] + r["mdp_s"]) / (stock_row["physics_s"] + stock_row["mdp_s"])
            if stock_row and r["env"] == "ours"
            else None
        )
    return rows


def table_rows(ours: list[dict], task: str, device: str) -> list[str]:
    """One markdown row per measurement of ours (the rows docs/benchmarks.md collects)."""
    table = []
    for r in ours:
        shares = " | ".join(f"{r[f'{p}_s'] / r['iteration_s']:.0%}" for p in PHASES)
        ratio = f"{r['step_cost_vs_stock']:.2f}" if r["step_cost_vs_stock"] is not None else "-"
        name = task + (f" ({r['collision_set']} collisions)" if r["collision_set"] else "")
        table.append(
            f"| {time.strftime('%Y-%m-%d')} | {device_name(device)} | {name} | {r['num_envs']} | "
            f"{r['steps_per_env']} | {r['collect_steps_per_s']:,.0f} | {r['train_steps_per_s']:,.0f} | "
            f"{r['iteration_s']:.3f} | {shares} | {ratio} |"
        )
    return table


def stock_lines(rows: list[dict]) -> list[str]:
    """Our env step time against the stock env's, one bullet per robot count."""
    lines = [
        "",
        "Env step time (physics + MDP) per iteration, ours vs Isaac Lab's stock env, same robot, "
        "terrain and process run:",
        "",
    ]
    for r in (r for r in rows if r["env"] == "ours"):
        s = next(s for s in rows if s["env"] == "stock" and s["num_envs"] == r["num_envs"])
        lines.append(
            f"* {r['num_envs']} robots: ours {r['physics_s'] + r['mdp_s']:.3f} s (physics "
            f"{r['physics_s']:.3f}, MDP {r['mdp_s']:.3f}), stock {s['physics_s'] + s['mdp_s']:.3f} s "
            f"(physics {s['physics_s']:.3f}, MDP {s['mdp_s']:.3f}): ratio {r['step_cost_vs_stock']:.2f}"
        )
    return lines


def append_to_docs(path: Path, table: list[str]) -> None:
    """Add the measured rows at the end of the benchmark table of ``path``, its first table, above the sections that
    follow it (the file is created with the table's header if new, the header appended if it has no table)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if markdown.end_of_first_table(text.splitlines()) is None:  # new, or without the table: its header first
        text = (text.rstrip("\n") + "\n\n" if text else "") + DOCS_HEADER
    lines = text.splitlines()
    markdown.write_inserted(path, lines, markdown.end_of_first_table(lines), table)


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args, overrides = parse(build_parser(), argv)
    check_task(args.task)
    device = resolve_device(args.device)
    counts = (
        parse_int_list(args.num_envs, "--num_envs", 1)
        if args.num_envs
        else CUDA_NUM_ENVS
        if device.startswith("cuda")
        else CPU_NUM_ENVS
    )
    if args.iterations < 1 or not counts:
        raise UsageError(f"--iterations must be at least 1 and --num_envs name a count (got {args.iterations})")
    if args.repeats < 1:
        raise UsageError(f"--repeats must be at least 1 (got {args.repeats})")
    sets = check_collision_sets(args.collision_sets)
    stock = args.stock == "on" or (args.stock == "auto" and device == "cpu")
    out = output_dir("benchmark", args.out)
    raw = run_all(args, overrides, device, counts, sets, stock)
    rows = with_stock_ratio(mean_over_repeats(raw))
    (out / "benchmark.json").write_text(json.dumps(raw, indent=2), encoding="utf-8")
    write_csv(out / "benchmark.csv", raw)
    plot(rows, out / "benchmark.png", f"{args.task}, rsl_rl, {device_name(device)}")
    ours = [r for r in rows if r["env"] == "ours"]
    table = table_rows(ours, args.task, device)
    lines = DOCS_HEADER.strip().splitlines()[-2:] + table + (stock_lines(rows) if stock else [])
    lines += collision_set_lines(ours, sets, args.repeats)
    header = report_header("Throughput and time per iteration", "benchmark.py", argv, device)
    write_report(out / "benchmark.md", header, lines, out / "benchmark.png")
    if args.docs:
        append_to_docs(Path(args.docs), table)
    print(
        f"[benchmark] wrote {out}/benchmark.{{json,csv,png,md}}" + (f" and a row in {args.docs}" if args.docs else ""),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
