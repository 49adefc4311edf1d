"""Learning curves of finished rsl-rl runs side by side, read from their TensorBoard event files.

Per iteration: velocity tracking as a share of its maximum (``Episode_Reward/track_lin_vel_xy_exp`` over its weight,
1.0: Isaac Lab logs each term's episode sum per second of the 20 s episode), the share of ended episodes that ended
in base contact, and the mean episode length, each a running mean over 5 iterations. One line per run; runs of one
label share a colour.

    .venv/bin/python tools/learning_curves.py --run before=RUN_DIR --run before=RUN_DIR2 --run after=... \
        --out docs/media/learning_curves.png --csv docs/media/learning_curves.csv
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

TRACK = "Episode_Reward/track_lin_vel_xy_exp"
TRACK_WEIGHT = 1.0
ENDS = ("Episode_Termination/base_contact", "Episode_Termination/time_out", "Episode_Termination/non_finite_state")
LENGTH = "Train/mean_episode_length"


def curves(run_dir: Path) -> dict[str, dict[int, float]]:
    """``{metric: {iteration: value}}`` of one run (iterations without an ended episode are absent)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    events.Reload()
    tags = set(events.Tags()["scalars"])

    def series(tag: str) -> dict[int, float]:
        return {e.step: e.value for e in events.Scalars(tag)} if tag in tags else {}

    ends = [series(tag) for tag in ENDS]
    base_share = {}
    for it, base in ends[0].items():
        total = sum(e.get(it, 0.0) for e in ends)
        if total > 0:
            base_share[it] = base / total
    track = {it: v / TRACK_WEIGHT for it, v in series(TRACK).items()}
    return {"tracking": track, "base_contact_share": base_share, "episode_length": series(LENGTH)}


def plot(runs: list[tuple[str, Path, dict]], out: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (
        ("tracking", "tracking (share of max)"),
        ("base_contact_share", "base-contact share of ended episodes"),
        ("episode_length", "episode length [policy steps]"),
    )
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    colours = {}
    for label, run_dir, data in runs:
        colour = colours.setdefault(label, f"C{len(colours)}")
        for ax, (key, _) in zip(axes, panels):
            its = sorted(data[key])
            values = [data[key][i] for i in its]
            smooth = [
                sum(values[max(0, k - 4) : k + 1]) / len(values[max(0, k - 4) : k + 1]) for k in range(len(values))
            ]
            ax.plot(its, smooth, color=colour, alpha=0.8, label=f"{label}: {run_dir.name}")
    for ax, (_, name) in zip(axes, panels):
        ax.set_xlabel("PPO iteration")
        ax.set_title(name)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", action="append", required=True, help="LABEL=RUN_DIR (repeat)")
    parser.add_argument("--out", type=Path, required=True, help="PNG to write")
    parser.add_argument("--csv", type=Path, help="also write every value as CSV")
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    runs = []
    for item in args.run:
        label, _, path = item.partition("=")
        runs.append((label, Path(path), curves(Path(path))))
    plot(runs, args.out, args.title)
    if args.csv:
        with args.csv.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["label", "run", "metric", "iteration", "value"])
            for label, run_dir, data in runs:
                for metric, values in data.items():
                    writer.writerows([label, run_dir.name, metric, it, f"{v:.5g}"] for it, v in sorted(values.items()))
    for label, run_dir, data in runs:
        tail = {k: [data[k][i] for i in sorted(data[k])[-10:]] for k in data}
        means = {k: sum(v) / len(v) if v else float("nan") for k, v in tail.items()}
        print(
            f"{label} {run_dir.name}: last 10 iterations mean tracking {means['tracking']:.3f}, base contact "
            f"{means['base_contact_share']:.3f}, episode length {means['episode_length']:.0f}"
        )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
