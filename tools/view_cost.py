"""What ``train.py --viz viser`` costs a training job, measured side by side on this machine.

Each round trains the same small job three times in fresh processes, in turn: without a view, with the view at its
default refresh (every 5 env steps) and refreshed every step. A client without a browser watches each view
(``live_view.connect_reader``): Isaac Lab's viser view draws nothing while no one watches, which would cost nothing.
Runs alternate so that all see the same machine load; speeds are compared as ratios of the median env-steps/s over
the iterations after the first two (start-up).

    .venv/bin/python tools/view_cost.py --robots 64 --iterations 10 --rounds 3
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from helpers import free_port  # noqa: E402

from ext_walk_minutes.run.live_view import connect_reader  # noqa: E402

SPEED = re.compile(r"\] it (\d+)/\d+ \| ([\d,]+) env-steps/s")
MODES = {"no view": None, "view, every 5 steps": 5, "view, every step": 1}


def train_speeds(robots: int, iterations: int, every: int | None) -> tuple[list[float], int]:
    """env-steps/s of each iteration after the second, and the bytes the watching client received."""
    command = [sys.executable, str(REPO / "scripts" / "train.py"), "--device", "cpu", "--num_envs", str(robots)]
    command += ["--max_iterations", str(iterations)]
    port = free_port()
    if every is not None:
        command += ["--viz", "viser", "--viz-port", str(port), "--viz-every", str(every)]
    speeds, received = [], []
    with tempfile.TemporaryDirectory() as folder:  # the run's logs
        proc = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            if every is not None and "[train] live view:" in line:
                received = connect_reader(port)
                time.sleep(1.0)  # connected before the first iteration's steps
            found = SPEED.search(line)
            if found and int(found[1]) > 2:
                speeds.append(float(found[2].replace(",", "")))
        if proc.wait() != 0:
            raise SystemExit(f"train.py failed ({command})")
    return speeds, sum(received)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    speeds = {mode: [] for mode in MODES}
    sent = {mode: 0 for mode in MODES}
    for round_ in range(args.rounds):
        for mode, every in MODES.items():
            found, received = train_speeds(args.robots, args.iterations, every)
            speeds[mode] += found
            sent[mode] += received
            print(f"round {round_ + 1} {mode}: median {statistics.median(found):.0f} env-steps/s", flush=True)
    base = statistics.median(speeds["no view"])
    print(f"\n{args.robots} robots, CPU, {args.rounds} rounds of {args.iterations} iterations (the first 2 left out)")
    for mode in MODES:
        median = statistics.median(speeds[mode])
        megabytes = sent[mode] / 1e6 / args.rounds
        print(f"{mode:>22}: {median:7.0f} env-steps/s  {median / base:5.3f}x  ({megabytes:.0f} MB sent per run)")


if __name__ == "__main__":
    main()
