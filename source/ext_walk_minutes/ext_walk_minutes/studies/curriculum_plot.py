"""``scripts/curriculum_plot.py``: the curriculum spread of a training run (the paper's Fig. 3).

Reads what training logged (see :mod:`.curriculum`): the robots per (terrain type, level) at the
``--curriculum-snapshots`` iterations and the mean level per terrain type that the curriculum term
logs (``Curriculum/terrain_levels/<type>``, once per iteration with either backend). Writes
``curriculum.csv`` (iteration, terrain, mean level), ``curriculum.png`` (one heatmap per snapshot above
the mean-level curves) and ``curriculum.md``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from ..common.errors import UsageError, exit_on_usage_error
from ..rl import backends
from ..rl.curriculum_log import COUNTS_CSV, heatmap
from .outputs import output_dir, pyplot, read_scalars, report_header, write_csv, write_report

LEVEL_TAG = "Curriculum/terrain_levels/"


def find_run(spec: str, task: str, log_root: Path = Path("logs")) -> Path:
    """A run folder: ``latest`` (newest run of ``task`` with curriculum snapshots, either backend) or a path."""
    if spec != "latest":
        run = Path(spec)
        if not (run / "curriculum" / COUNTS_CSV).is_file():
            raise UsageError(
                f"'{spec}' is not a training run folder with curriculum snapshots "
                f"(no curriculum/{COUNTS_CSV}); train with --curriculum-snapshots 0,500,1000"
            )
        return run
    runs = [p.parent.parent for p in log_root.glob(f"*/{task}/*/curriculum/{COUNTS_CSV}")]
    if not runs:
        raise UsageError(
            f"no run of {task} under {log_root}/ has curriculum snapshots; train one with "
            f"scripts/train.py --task {task} --curriculum-snapshots 0,500,1000 or pass --run PATH"
        )
    return max(runs, key=lambda p: p.stat().st_mtime)


def read_snapshots(run: Path) -> tuple[list[str], dict[int, np.ndarray]]:
    """Terrain types (column order) and, per snapshot iteration, the (types, levels) robot counts."""
    with (run / "curriculum" / COUNTS_CSV).open() as f:
        rows = list(csv.DictReader(f))
    types = list(dict.fromkeys(r["terrain"] for r in rows))
    num_levels = 1 + max(int(r["level"]) for r in rows)
    snapshots: dict[int, np.ndarray] = {}
    for r in rows:
        counts = snapshots.setdefault(int(r["iteration"]), np.zeros((len(types), num_levels), dtype=np.int64))
        counts[types.index(r["terrain"]), int(r["level"])] = int(r["robots"])
    return types, snapshots


def steps_per_iteration(run: Path) -> int:
    """TensorBoard steps per PPO iteration of a run (its backend's: e.g. 1 for rsl-rl, rollouts for skrl)."""
    import json

    backend = backends.get(json.loads((run / "run.json").read_text()).get("library", "rsl_rl"))
    return backend.logged_steps_per_iteration(run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--run", default="latest", help="training run folder, or 'latest' (default) of --task")
    parser.add_argument("--task", default="Walk-Rough-AnymalC", help="task for --run latest (default: %(default)s)")
    parser.add_argument("--out", default=None, help="output folder (default: logs/studies/curriculum/<timestamp>/)")
    return parser


def plot(snapshots: dict, types: list[str], curves: dict, path: Path, title: str) -> None:
    """Heatmaps of the snapshots (one colour scale) above the mean level per terrain type over iterations."""
    plt = pyplot()
    n = len(snapshots)
    fig = plt.figure(figsize=(max(4.2 * n, 8), 8), layout="constrained")
    grid = fig.add_gridspec(2, n)
    vmax = max(int(c.max()) for c in snapshots.values())
    top = []
    for k, (it, counts) in enumerate(sorted(snapshots.items())):
        top.append(fig.add_subplot(grid[0, k]))
        image = heatmap(top[-1], types, counts, f"iteration {it}")
        image.set_clim(0, vmax)  # one colour scale for all snapshots
        if k:
            top[-1].set_ylabel("")
    fig.colorbar(image, ax=top, label="robots")
    ax = fig.add_subplot(grid[1, :])
    for t in types:
        ax.plot(list(curves[t]), list(curves[t].values()), label=t)
    ax.set_xlabel("PPO iteration")
    ax.set_ylabel("mean terrain level")
    ax.grid(alpha=0.3)
    ax.legend(ncol=3)
    fig.suptitle(title)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report_lines(run: Path, snapshots: dict, types: list[str], curves: dict) -> list[str]:
    """The report's table: robots per level at each snapshot and the last mean level, one row per terrain type."""
    last = max(it for curve in curves.values() for it in curve)
    robots = int(next(iter(snapshots.values())).sum())
    lines = [
        f"Run `{run}`, {robots} robots; snapshots at iterations {', '.join(map(str, sorted(snapshots)))}.",
        "",
        "| terrain | "
        + " | ".join(f"robots per level, it {it}" for it in sorted(snapshots))
        + f" | mean level, it {last} |",
        "|---|" + "---|" * (len(snapshots) + 1),
    ]
    for i, t in enumerate(types):
        cells = [" ".join(map(str, snapshots[it][i])) for it in sorted(snapshots)]
        final = curves[t].get(last)
        lines.append(f"| {t} | " + " | ".join(cells) + f" | {'n/a' if final is None else f'{final:.2f}'} |")
    return lines


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run = find_run(args.run, args.task)
    types, snapshots = read_snapshots(run)
    scalars = read_scalars(run)
    per_step = steps_per_iteration(run)
    curves = {
        t: {step // per_step: v for step, (v, _) in sorted(scalars.get(LEVEL_TAG + t, {}).items())} for t in types
    }
    rows = [
        {"iteration": it, "terrain": t, "mean_level": round(level, 4)} for t in types for it, level in curves[t].items()
    ]
    if not rows:
        raise UsageError(f"run '{run}' has no {LEVEL_TAG}<type> scalars in its TensorBoard events")
    out = output_dir("curriculum", args.out)
    csv_path, png_path, md_path = (out / f"curriculum.{ext}" for ext in ("csv", "png", "md"))
    write_csv(csv_path, rows)
    plot(snapshots, types, curves, png_path, f"Curriculum spread: {run}")
    header = report_header("Curriculum spread over terrain types and levels", "curriculum_plot.py", argv, "cpu")
    header[2] = header[2].split(", device")[0] + "."  # plotting needs no device
    write_report(md_path, header, report_lines(run, snapshots, types, curves), png_path)
    print(f"[curriculum] wrote {csv_path}, {png_path}, {md_path}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
