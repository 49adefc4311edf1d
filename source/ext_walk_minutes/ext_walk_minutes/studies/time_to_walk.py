"""``scripts/time_to_walk.py``: seconds from launch until a task's robots walk, and where those seconds go.

Trains a task with rsl-rl (default Walk-Flat-AnymalC) until a walking criterion holds, or until a wall-clock cap.
The criterion is read off the training batch, over ``--window`` consecutive iterations (default 10): the
velocity-tracking reward (``track_lin_vel_xy_exp``, Isaac Lab's episode average per second) at least
``--track-fraction`` (0.8) of its maximum, its weight, and base contact ending less than ``--max-base-contact``
(5 %) of the robots' last episodes. Seconds count from the start of the process (the interpreter's own start-up
included) and split into start-up (imports; scene build: terrain, robots, simulation and env; first rollout:
the first PPO iteration with kernel compilation and, on CUDA, graph capture) and training. Writes
``time_to_walk.{json,csv,png,md}``: the split and the learning curve against wall-clock seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..common.errors import UsageError, exit_on_usage_error
from ..common.setup_output import SETUP
from ..rl.job import TrainingJob
from ..rl.progress import IterationReport
from ..device import resolve_device, resolve_num_envs
from ..run.spec import Configs, RunSpec, check_task, resolve_configs, running_env, set_cpu_threads
from ..cli.flags import add_common_args, parse
from .outputs import device_name, output_dir, pyplot, report_header, save_figure, write_csv, write_report

TRACK_TERM = "track_lin_vel_xy_exp"
PHASES = {
    "imports_s": "imports (interpreter, Isaac Lab, configs)",
    "scene_build_s": "scene build (terrain, robots, simulation start, env)",
    "first_rollout_s": "first iteration (kernel compilation, first rollout and update)",
    "startup_s": "start-up in total",
    "training_s": "training, to the criterion or the cap",
}
"""Summary keys of the time split, and their labels in the report."""
BASE_CONTACT_TERM = "base_contact"


def process_start_time() -> float:
    """Wall-clock time [s since the epoch] at which this process started (Linux), else now."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.time()


@dataclass
class Criterion:
    """Walking: ``window`` consecutive iterations with tracking >= ``track_fraction`` of its maximum and base
    contact ending < ``max_base_contact`` of the episodes."""

    track_fraction: float = 0.8
    max_base_contact: float = 0.05
    window: int = 10

    def holds(self, track: float, base_contact: float) -> bool:
        return track >= self.track_fraction and base_contact < self.max_base_contact


@dataclass
class IterationRecord:
    """One PPO iteration of the learning curve."""

    iteration: int
    seconds: float  # since process start, at the end of the iteration
    track_fraction: float  # velocity-tracking reward / its maximum (episode average)
    base_contact: float  # share of robots whose last episode ended in base contact
    collect_s: float | None
    learn_s: float | None
    """rsl-rl's own split of the iteration [s]."""


def batch_metrics(ep_extras: list[dict], track_weight: float) -> tuple[float, float]:
    """(tracking reward as a fraction of its maximum, base-contact share) over one iteration's episode logs.

    ``ep_extras``: the env's ``extras["log"]`` dicts of the iteration (:attr:`IterationReport.episode_logs`); NaN
    where no episode ended.
    """
    import torch

    def mean(key: str) -> float:
        values = [torch.as_tensor(e[key], dtype=torch.float).flatten() for e in ep_extras if key in e]
        return torch.cat(values).mean().item() if values else float("nan")

    return mean(f"Episode_Reward/{TRACK_TERM}") / track_weight, mean(f"Episode_Termination/{BASE_CONTACT_TERM}")


class WalkingWatch:
    """The training job's callback: records each iteration and asks to stop once the criterion holds for its window
    or ``max_seconds`` since ``start`` passed."""

    def __init__(self, criterion: Criterion, track_weight: float, start: float, max_seconds: float) -> None:
        self.criterion, self.track_weight, self.start, self.max_seconds = criterion, track_weight, start, max_seconds
        self.records: list[IterationRecord] = []
        self.streak = 0

    @property
    def walked(self) -> bool:
        return self.streak >= self.criterion.window

    def __call__(self, report: IterationReport) -> bool:
        track, base = batch_metrics(report.episode_logs, self.track_weight)
        now = time.time()
        self.records.append(
            IterationRecord(report.iteration, now - self.start, track, base, report.collect_s, report.learn_s)
        )
        self.streak = self.streak + 1 if self.criterion.holds(track, base) else 0
        print(
            f"[time_to_walk] it {report.iteration + 1} | {now - self.start:.1f} s | tracking {track:.2f} of max | "
            f"base contact {base:.1%} | walking {self.streak}/{self.criterion.window}",
            flush=True,
        )
        return self.walked or now - self.start >= self.max_seconds


def train_until_walking(
    spec: RunSpec,
    configs: Configs,
    criterion: Criterion,
    max_seconds: float,
    start: float,
    log_dir: Path,
) -> tuple[list[IterationRecord], dict[str, float], bool]:
    """Build the env, train until ``criterion`` holds or ``max_seconds`` since ``start`` pass.

    Returns the learning curve, the start-up split [s] (imports and configs up to now, scene build, first
    iteration) and whether the criterion was met.
    """
    marks = {"imports": time.time()}
    watch = WalkingWatch(criterion, configs.env_cfg.rewards.track_lin_vel_xy_exp.weight, start, max_seconds)
    job = TrainingJob(
        f"{spec.task} {spec.agent}",
        configs.agent_cfg,
        spec.device,
        str(log_dir),
        configs.iterations,
        on_iteration=watch,
    )
    with running_env(spec, configs) as env:
        marks["scene"] = time.time()
        SETUP.start()  # rsl-rl prints the networks; quiet until the first iteration ends
        stopped_by = spec.backend.train(env, job).stopped_by
    if stopped_by is not None:  # Ctrl-C: the run's checkpoint is saved; the study stops with it
        raise stopped_by
    first = watch.records[0].seconds if watch.records else marks["scene"] - start
    split = {
        "imports_s": marks["imports"] - start,
        "scene_build_s": marks["scene"] - marks["imports"],
        "first_rollout_s": first - (marks["scene"] - start),
    }
    return watch.records, split, watch.walked


def plot(records: list[IterationRecord], summary: dict, path: Path, title: str) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    seconds = [r.seconds for r in records]
    ax.plot(seconds, [r.track_fraction for r in records], "o-", ms=3, label="tracking reward / max")
    ax.plot(seconds, [r.base_contact for r in records], "s-", ms=3, label="base-contact share")
    ax.axhline(summary["track_fraction"], color="C0", ls=":", lw=1)
    ax.axhline(summary["max_base_contact"], color="C1", ls=":", lw=1)
    ax.axvspan(0, summary["startup_s"], color="0.85", label="start-up")
    if summary["walked"]:
        ax.axvline(summary["time_to_walk_s"], color="k", ls="--", label=f"walking: {summary['time_to_walk_s']:.0f} s")
    ax.set_xlabel("seconds since launch")
    ax.set_ylim(-0.02, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save_figure(fig, path, title)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Extra key=value arguments are config overrides, as for train.py.",
    )
    add_common_args(parser, default_num_envs_help="parallel robots (default: 4096 on CUDA, 64 on CPU)")
    parser.add_argument(
        "--max-seconds", type=float, default=600.0, help="wall-clock cap since launch (default: %(default)s)"
    )
    parser.add_argument("--max_iterations", type=int, default=None, help="iteration cap (default: the agent config's)")
    parser.add_argument(
        "--track-fraction",
        type=float,
        default=Criterion.track_fraction,
        help="tracking reward needed, as a fraction of its maximum (default: %(default)s)",
    )
    parser.add_argument(
        "--max-base-contact",
        type=float,
        default=Criterion.max_base_contact,
        help="base-contact share of episode ends allowed (default: %(default)s)",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=Criterion.window,
        help="consecutive iterations the criterion must hold (default: %(default)s)",
    )
    parser.add_argument("--out", default=None, help="output folder (default: logs/studies/time_to_walk/<timestamp>/)")
    return parser


def report_body(summary: dict, criterion: Criterion, end: float, iterations: int, max_seconds: float) -> list[str]:
    """The verdict, the start-up and training seconds, and the criterion, as markdown lines."""
    verdict = (
        f"walking after **{end:.1f} s** ({iterations} iterations)"
        if summary["walked"]
        else f"not walking after {end:.1f} s ({iterations} iterations; cap {max_seconds:.0f} s)"
    )
    return [
        f"{summary['task']} on {summary['device_name']}, {summary['num_envs']} robots: {verdict}.",
        "",
        "| phase | seconds |",
        "|---|---|",
        *(f"| {label} | {summary[key]:.1f} |" for key, label in PHASES.items()),
        "",
        f"Criterion: tracking >= {criterion.track_fraction:.0%} of its maximum and base contact < "
        f"{criterion.max_base_contact:.0%} of episode ends, {criterion.window} iterations in a row.",
    ]


def check_targets(args: argparse.Namespace) -> None:
    """One error line for a cap or a criterion no run can meet (it would train until its cap, then report it)."""
    if args.window < 1 or (args.max_iterations is not None and args.max_iterations < 1):
        raise UsageError(f"--window and --max_iterations must be at least 1 (got {args.window}, {args.max_iterations})")
    if not (math.isfinite(args.max_seconds) and args.max_seconds > 0):
        raise UsageError(f"--max-seconds must be a positive number of seconds (got {args.max_seconds})")
    if not 0 <= args.track_fraction <= 1:  # NaN fails too; 0 holds at once (a check of the pipeline)
        raise UsageError(
            f"--track-fraction is a share of the tracking reward's maximum, at least 0 and at most 1 "
            f"(got {args.track_fraction}); e.g. 0.8"
        )
    if not (math.isfinite(args.max_base_contact) and args.max_base_contact > 0):  # above 1: any share passes
        raise UsageError(
            f"--max-base-contact is the share of episodes allowed to end on base contact, above 0 "
            f"(got {args.max_base_contact}); e.g. 0.05"
        )


@exit_on_usage_error
def main(argv: list[str] | None = None, start: float | None = None) -> int:
    start = process_start_time() if start is None else start
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    spec = study_spec(args, overrides)
    configs = resolve_configs(spec)
    criterion = Criterion(args.track_fraction, args.max_base_contact, args.window)
    out = output_dir("time_to_walk", args.out)
    print(
        f"[time_to_walk] {args.task} on {spec.device} ({device_name(spec.device)}), {spec.num_envs} robots, "
        f"at most {configs.iterations} iterations or {args.max_seconds:.0f} s",
        flush=True,
    )
    records, split, walked = train_until_walking(spec, configs, criterion, args.max_seconds, start, out / "run")
    end = records[-1].seconds if records else time.time() - start
    summary = summarise(spec, criterion, records, split, walked, end)
    write_outputs(out, summary, records, criterion, end, args, argv)
    print(f"[time_to_walk] wrote {out}/time_to_walk.{{json,csv,png,md}}", flush=True)
    return 0


def study_spec(args: argparse.Namespace, overrides: list[str]) -> RunSpec:
    """train.py's defaults (rsl-rl, exact time-out bootstrap) for the flags given, each checked."""
    check_task(args.task)
    check_targets(args)
    device = resolve_device(args.device)
    num_envs = resolve_num_envs(args.num_envs, device)
    return RunSpec(
        args.task,
        "rsl_rl",
        device,
        num_envs,
        args.seed,
        tuple(overrides),
        args.preset,
        args.asset,
        iterations=args.max_iterations,
    )


def summarise(
    spec: RunSpec, criterion: Criterion, records: list[IterationRecord], split: dict, walked: bool, end: float
) -> dict:
    """The study's figures: the criterion, whether and when it held, the start-up split and the training time [s]."""
    startup = sum(split.values())
    return {
        "task": spec.task,
        "device": spec.device,
        "device_name": device_name(spec.device),
        "num_envs": spec.num_envs,
        **asdict(criterion),
        "walked": walked,
        "time_to_walk_s": end if walked else None,
        "iterations": len(records),
        **split,
        "startup_s": startup,
        "training_s": end - startup,
    }


def write_outputs(
    out: Path, summary: dict, records: list[IterationRecord], criterion: Criterion, end: float, args, argv
) -> None:
    """time_to_walk.json (summary and curve), .csv (curve), .png (plot) and .md (report) in ``out``."""
    (out / "time_to_walk.json").write_text(
        json.dumps({**summary, "curve": [asdict(r) for r in records]}, indent=2), encoding="utf-8"
    )
    if records:
        write_csv(out / "time_to_walk.csv", [asdict(r) for r in records])
    title = f"{summary['task']}, {summary['num_envs']} robots, {summary['device_name']}"
    plot(records, summary, out / "time_to_walk.png", title)
    write_report(
        out / "time_to_walk.md",
        report_header("Time to walk", "time_to_walk.py", argv, summary["device"]),
        report_body(summary, criterion, end, len(records), args.max_seconds),
        out / "time_to_walk.png",
    )
