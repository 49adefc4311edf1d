"""``scripts/bootstrap_ablation.py``: the paper's supplementary ablation of time-out bootstrapping.

Trains the same task once per bootstrap mode (and seed), each run in its own process through
``scripts/train.py``, then reads the critic (value) loss and the mean reward per iteration from the
runs' TensorBoard logs. Writes ``bootstrap_ablation.csv``, ``bootstrap_ablation.png`` (two panels:
value loss and mean reward over iterations, one curve per mode) and ``bootstrap_ablation.md``.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ..common.cli import parse_int_list
from ..common.errors import UsageError, exit_on_usage_error
from ..rl import backends
from ..rl.bootstrap import MODES
from ..run.child_process import train_in_child
from .outputs import output_dir, pyplot, read_scalars, report_header, save_figure, write_csv, write_report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="Walk-Flat-AnymalC")
    parser.add_argument("--agent", default="rsl_rl", help="PPO backend (default: %(default)s)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of exact,approx,off")
    parser.add_argument("--seeds", default="1", help="comma-separated seeds")
    parser.add_argument("--num_envs", type=int, default=64)
    parser.add_argument("--max_iterations", type=int, default=30)
    parser.add_argument("--device", default="auto")
    parser.add_argument(
        "--episode_length_s",
        type=float,
        default=4.0,
        help="shorter than the paper's 20 s so that time-outs happen in a short CPU run (default 4)",
    )
    parser.add_argument("--out", default="docs/ablation", help="folder for the CSV, PNG and markdown report")
    parser.add_argument("--workdir", default="logs/ablation", help="where the training runs write their logs")
    return parser


def _mean(rows: list[dict], key: str) -> float | None:
    """Mean of ``key`` over ``rows`` that have it (seeds and iterations alike), None if none has."""
    values = [r[key] for r in rows if r[key] is not None]
    return sum(values) / len(values) if values else None


def run_rows(run: Path, mode: str, seed: int, iterations: int, value_loss_tag: str) -> list[dict]:
    """One row per iteration of a finished run: its critic loss, mean reward and mean episode length."""
    scalars = {tag: {step: value for step, (value, _) in points.items()} for tag, points in read_scalars(run).items()}
    reward = scalars.get("walk/mean_reward", {})
    length = scalars.get("walk/mean_episode_length", {})
    # skrl logs per timestep; map its value-loss points onto iterations in order
    loss_by_it = dict(enumerate(v for _, v in sorted(scalars.get(value_loss_tag, {}).items())))
    return [
        {
            "mode": mode,
            "seed": seed,
            "iteration": it,
            "value_loss": loss_by_it.get(it),
            "mean_reward": reward.get(it),
            "mean_episode_length": length.get(it),
        }
        for it in range(iterations)
    ]


def plot(rows: list[dict], path: Path, title: str) -> None:
    """Critic loss and mean reward over iterations, one curve per bootstrap mode (mean over seeds)."""
    fig, axes = pyplot().subplots(1, 2, figsize=(11, 4))
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        its = sorted({r["iteration"] for r in mine})
        for ax, key in zip(axes, ("value_loss", "mean_reward")):
            ys = [_mean([r for r in mine if r["iteration"] == i], key) for i in its]
            ax.plot(its, [float("nan") if y is None else y for y in ys], label=mode)
    for ax, label in zip(axes, ("critic (value) loss", "mean episode reward")):
        ax.set_xlabel("PPO iteration")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(title="time-out bootstrap")
    save_figure(fig, path, title)


def summary_lines(rows: list[dict], modes: list[str], iterations: int, title: str) -> list[str]:
    """The report's table: each mode's values averaged over the last fifth of the iterations and the seeds."""
    tail = max(1, iterations // 5)
    lines = [
        f"{title}; mean over the last {tail} iterations and the seeds.",
        "",
        "| bootstrap | value loss | mean reward | mean episode length |",
        "|---|---|---|---|",
    ]
    for mode in modes:
        last = [r for r in rows if r["mode"] == mode and r["iteration"] >= iterations - tail]
        cells = [_mean(last, key) for key in ("value_loss", "mean_reward", "mean_episode_length")]
        lines.append(f"| {mode} | " + " | ".join("n/a" if c is None else f"{c:.4g}" for c in cells) + " |")
    return lines


def checked_modes_and_seeds(args: argparse.Namespace) -> tuple[list[str], tuple[int, ...]]:
    """The bootstrap modes and seeds asked for, every flag checked (a :class:`UsageError`) before any run starts."""
    modes = [m for m in args.modes.split(",") if m]
    if not modes or set(modes) - set(MODES):
        raise UsageError(f"--modes must be a comma-separated subset of {','.join(MODES)} (got '{args.modes}')")
    seeds = parse_int_list(args.seeds, "--seeds")
    if args.num_envs < 1 or args.max_iterations < 1:
        raise UsageError(
            f"--num_envs and --max_iterations must be at least 1 (got {args.num_envs}, {args.max_iterations})"
        )
    if not (math.isfinite(args.episode_length_s) and args.episode_length_s > 0):
        raise UsageError(f"--episode_length_s must be positive seconds (got {args.episode_length_s})")
    return modes, seeds


def train_mode(args: argparse.Namespace, mode: str, seed: int, workdir: Path) -> list[dict]:
    """Train one run with bootstrap ``mode`` and ``seed`` in its own process; its rows (:func:`run_rows`)."""
    train_args = [
        "--num_envs",
        str(args.num_envs),
        "--max_iterations",
        str(args.max_iterations),
        "--device",
        args.device,
        "--seed",
        str(seed),
        "--timeout-bootstrap",
        mode,
        f"env.episode_length_s={args.episode_length_s}",
    ]
    print(f"[ablation] {mode} seed {seed}: train.py {' '.join(train_args)}", flush=True)
    status, run = train_in_child(args.task, args.agent, train_args, workdir)
    if status != 0 or run is None:
        raise UsageError(f"the {mode} run (seed {seed}) failed with exit status {status}; see its output above")
    return run_rows(run, mode, seed, args.max_iterations, backends.get(args.agent).tensorboard_tags["value_loss"])


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    backends.get(args.agent)  # an unknown backend is a usage error before anything runs
    modes, seeds = checked_modes_and_seeds(args)
    workdir, out = Path(args.workdir).resolve(), output_dir("bootstrap_ablation", args.out)
    rows = [row for seed in seeds for mode in modes for row in train_mode(args, mode, seed, workdir)]
    csv_path, png_path, md_path = (out / f"bootstrap_ablation.{ext}" for ext in ("csv", "png", "md"))
    write_csv(csv_path, rows)
    title = f"{args.task}, {args.agent}, {args.num_envs} envs, {args.episode_length_s:g} s episodes, seeds {args.seeds}"
    plot(rows, png_path, title)
    header = report_header("Time-out bootstrapping ablation", "bootstrap_ablation.py", argv, args.device)
    write_report(md_path, header, summary_lines(rows, modes, args.max_iterations, title), png_path)
    print(f"[ablation] wrote {csv_path}, {png_path}, {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
