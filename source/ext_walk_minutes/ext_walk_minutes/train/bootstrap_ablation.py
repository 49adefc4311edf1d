"""``scripts/bootstrap_ablation.py``: the paper's supplementary ablation of time-out bootstrapping.

Trains the same task once per bootstrap mode (and seed), each run in its own process through
``scripts/train.py``, then reads the critic (value) loss and the mean reward per iteration from the
runs' TensorBoard logs. Writes ``bootstrap_ablation.csv``, ``bootstrap_ablation.png`` (two panels:
value loss and mean reward over iterations, one curve per mode) and ``bootstrap_ablation.md``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import platform
import subprocess
import sys
from pathlib import Path

from .bootstrap import MODES
from .errors import UsageError, exit_on_usage_error

VALUE_LOSS_TAGS = {"rsl_rl": "Loss/value", "skrl": "Loss / Value loss"}
REPO = Path(__file__).resolve().parents[4]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", default="Walk-Flat-AnymalC")
    parser.add_argument("--agent", default="rsl_rl", choices=list(VALUE_LOSS_TAGS))
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of exact,approx,off")
    parser.add_argument("--seeds", default="1", help="comma-separated seeds")
    parser.add_argument("--num_envs", type=int, default=64)
    parser.add_argument("--max_iterations", type=int, default=30)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--episode_length_s", type=float, default=4.0,
                        help="shorter than the paper's 20 s so that time-outs happen in a short CPU run (default 4)")
    parser.add_argument("--out", default="docs/ablation", help="folder for the CSV, PNG and markdown report")
    parser.add_argument("--workdir", default="logs/ablation", help="where the training runs write their logs")
    return parser


def _scalars(run_dir: Path) -> dict[str, dict[int, float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    out: dict[str, dict[int, float]] = {}
    for events in run_dir.glob("events.out.tfevents.*"):
        acc = EventAccumulator(str(events), size_guidance={"scalars": 0})
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            out.setdefault(tag, {}).update({e.step: e.value for e in acc.Scalars(tag)})
    return out


def _mean(rows: list[dict], key: str) -> float | None:
    """Mean of ``key`` over ``rows`` that have it (seeds and iterations alike), None if none has."""
    values = [r[key] for r in rows if r[key] is not None]
    return sum(values) / len(values) if values else None


def _plot(rows: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
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
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if not modes or set(modes) - set(MODES):
        raise UsageError(f"--modes must be a comma-separated subset of {','.join(MODES)} (got '{args.modes}')")
    seeds = [int(s) for s in args.seeds.split(",")]
    workdir, out = Path(args.workdir).resolve(), Path(args.out)
    workdir.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)

    rows: list[dict] = []
    for seed in seeds:
        for mode in modes:
            cmd = [sys.executable, str(REPO / "scripts" / "train.py"), "--task", args.task, "--agent", args.agent,
                   "--num_envs", str(args.num_envs), "--max_iterations", str(args.max_iterations), "--device",
                   args.device, "--seed", str(seed), "--timeout-bootstrap", mode,
                   f"env.episode_length_s={args.episode_length_s}"]
            print(f"[ablation] {mode} seed {seed}: {' '.join(cmd[1:])}", flush=True)
            before = set((workdir / "logs" / args.agent / args.task).glob("*"))
            subprocess.run(cmd, cwd=workdir, check=True)
            (run_dir,) = set((workdir / "logs" / args.agent / args.task).glob("*")) - before
            scalars = _scalars(run_dir)
            value_loss = scalars.get(VALUE_LOSS_TAGS[args.agent], {})
            reward = scalars.get("walk/mean_reward", {})
            length = scalars.get("walk/mean_episode_length", {})
            # skrl logs per timestep; map its value-loss points onto iterations in order
            loss_by_it = dict(enumerate(v for _, v in sorted(value_loss.items())))
            for it in range(args.max_iterations):
                rows.append({"mode": mode, "seed": seed, "iteration": it, "value_loss": loss_by_it.get(it),
                             "mean_reward": reward.get(it), "mean_episode_length": length.get(it)})

    csv_path, png_path, md_path = (out / f"bootstrap_ablation.{ext}" for ext in ("csv", "png", "md"))
    with csv_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    title = (f"{args.task}, {args.agent}, {args.num_envs} envs, {args.episode_length_s:g} s episodes, "
             f"seeds {args.seeds}")
    _plot(rows, png_path, title)

    tail = max(1, args.max_iterations // 5)
    lines = [
        "# Time-out bootstrapping ablation",
        "",
        f"{datetime.date.today()}, {platform.node()} ({platform.processor() or platform.machine()}), device {args.device}.",
        "",
        "```",
        f"python scripts/bootstrap_ablation.py {' '.join(argv if argv is not None else sys.argv[1:])}",
        "```",
        "",
        f"{title}; mean over the last {tail} iterations and the seeds.",
        "",
        "| bootstrap | value loss | mean reward | mean episode length |",
        "|---|---|---|---|",
    ]
    for mode in modes:
        last = [r for r in rows if r["mode"] == mode and r["iteration"] >= args.max_iterations - tail]
        cells = [_mean(last, key) for key in ("value_loss", "mean_reward", "mean_episode_length")]
        lines.append(f"| {mode} | " + " | ".join("n/a" if c is None else f"{c:.4g}" for c in cells) + " |")
    lines += ["", f"![bootstrap ablation]({png_path.name})", ""]
    md_path.write_text("\n".join(lines), encoding="utf-8")
    print(f"[ablation] wrote {csv_path}, {png_path}, {md_path}")
    print("\n".join(lines[9:]))
    return 0
