"""``scripts/sim2sim.py``: an exported policy walking in native MuJoCo (C, CPU, :mod:`.mujoco_runner`), next to the
same policy in our simulator (``scripts/play.py``, Isaac Lab on Newton MuJoCo Warp): one table of both simulators'
velocity tracking figures and their locomotion reports side by side."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..common.errors import UsageError, exit_on_usage_error
from ..common.locomotion import Recording
from .mujoco_runner.contract import check_policy_fits, check_robot, load_contract, onnx_policy
from .mujoco_runner.model import CONTACTS, TERRAINS, mujoco_version
from .mujoco_runner.rollout import rollout
from .mujoco_runner.video import video_recorder
from .outputs import output_dir, report_header


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Run an exported policy in native MuJoCo (CPU) "
        "and in our simulator (play.py); print both velocity tracking figures.",
    )
    parser.add_argument("--policy", required=True, help="folder with policy.onnx and policy.json (play.py --export)")
    parser.add_argument("--robots", type=int, default=16, help="robots in each simulator (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds to run (default 10, play.py's 500 steps)")
    parser.add_argument(
        "--terrain",
        choices=TERRAINS,
        default="flat",
        help="MuJoCo ground (default flat; play.py runs the task's own terrain)",
    )
    parser.add_argument(
        "--friction",
        default=None,
        help="friction of each MuJoCo robot, drawn from LOW,HIGH or one "
        "value (default: training's range, as play.py draws it)",
    )
    parser.add_argument(
        "--contact",
        choices=tuple(CONTACTS),
        default="noslip",
        help="MuJoCo friction: noslip "
        "(default; adds MuJoCo's no-slip pass) or soft (MuJoCo's default, creeps under steady load)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the MuJoCo commands and of play.py")
    parser.add_argument(
        "--checkpoint",
        default=None,
        help="checkpoint play.py runs (default: the one *.pt next to policy.json other than policy.pt)",
    )
    parser.add_argument("--no-play", action="store_true", help="skip play.py (MuJoCo figures only)")
    parser.add_argument("--device", default="cpu", help="play.py's device (default cpu)")
    parser.add_argument(
        "--video", default=None, help="write an MP4 of robot 0 in MuJoCo (needs MUJOCO_GL=egl or osmesa)"
    )
    parser.add_argument("--out", default=None, help="report folder (default logs/studies/sim2sim/<timestamp>)")
    return parser


def check_lengths(args: argparse.Namespace) -> None:
    """One error line for a robot count below 1 or a run length that is not a positive number of seconds."""
    if args.robots < 1 or not (math.isfinite(args.seconds) and args.seconds > 0):
        raise UsageError(f"--robots must be at least 1 and --seconds positive (got {args.robots}, {args.seconds})")


def load_policy(policy_dir: Path) -> tuple[dict[str, Any], Callable[[np.ndarray], np.ndarray]]:
    """The contract and the ONNX policy of ``policy_dir``, checked against each other and our robots (one error
    line for any mismatch)."""
    contract = load_contract(policy_dir)
    policy = onnx_policy(policy_dir)
    check_policy_fits(policy, contract, policy_dir)
    check_robot(contract, policy_dir)
    return contract, policy


def find_checkpoint(policy_dir: Path) -> Path | None:
    """The checkpoint ``play.py --export`` exported ``policy_dir`` from: the one ``*.pt`` but ``policy.pt``
    (``None`` if there is none). Several (a run folder) is a :class:`UsageError`: which one was exported is not
    recorded, and the table must compare one policy."""
    found = sorted(p for p in policy_dir.glob("*.pt") if p.name != "policy.pt")
    if len(found) > 1:
        raise UsageError(
            f"--policy: {policy_dir} holds several checkpoints ({', '.join(p.name for p in found[:4])}"
            f"{', ...' if len(found) > 4 else ''}); name the exported one with --checkpoint"
        )
    return found[0] if found else None


def play_checkpoint(args: argparse.Namespace, policy_dir: Path, contract: dict[str, Any]) -> Path | None:
    """The checkpoint play.py runs (``--checkpoint`` or the exported one); ``None`` with ``--no-play``."""
    if args.no_play:
        return None
    checkpoint = Path(args.checkpoint) if args.checkpoint else find_checkpoint(policy_dir)
    if checkpoint is None or not checkpoint.is_file() or not contract.get("task"):
        raise UsageError(
            f"--policy: no checkpoint or task for play.py in {policy_dir} (give --checkpoint, or "
            "--no-play for MuJoCo figures only)"
        )
    return checkpoint


def parse_friction(text: str | None, contract: dict[str, Any]) -> tuple[float, float]:
    """``--friction``: ``LOW,HIGH`` or one value; ``None`` is training's range (each robot draws one), from the
    contract (an export without it: the range of its task's terrain)."""
    if text is None:
        from ..tasks.walk_env_cfg import FLAT_FRICTION_RANGE, ROUGH_FRICTION_RANGE

        default = FLAT_FRICTION_RANGE if "Flat" in str(contract.get("task")) else ROUGH_FRICTION_RANGE
        low, high = contract.get("ground_friction_range") or default
        return (float(low), float(high))
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or min(values) < 0 or values[0] > values[-1]:
        raise UsageError(f"--friction takes LOW,HIGH or one non-negative value (got '{text}')")
    return (values[0], values[-1])


def mujoco_figures(
    args: argparse.Namespace, contract: dict[str, Any], policy, friction: tuple[float, float]
) -> tuple[dict[str, float], Recording]:
    """The MuJoCo rollout the flags ask for (robot 0 filmed with ``--video``): its figures and its recording."""
    hook = close = None
    if args.video:
        hook, close = video_recorder(args.video, contract["control_rate_hz"])
    print(
        f"[sim2sim] {contract['robot']['description']} ({contract['robot']['collision_set']} colliders) in MuJoCo "
        f"| {args.robots} robots x {args.seconds} s | terrain {args.terrain}",
        flush=True,
    )
    recorded: list[Recording] = []
    try:
        figures = rollout(
            contract, policy, args.robots, args.seconds, args.terrain, args.seed, friction, args.contact, hook, recorded
        )
    finally:
        if close is not None:
            close()
    return figures, recorded[0]


def isaac_lab_figures(
    task: str,
    checkpoint: Path,
    robots: int,
    steps: int,
    device: str,
    seed: int | None,
    report: Path | None = None,
    collision_set: str | None = None,
) -> dict[str, float]:
    """play.py's figures of ``checkpoint``, run in this process (:func:`~..cli.play.run_play`); with ``report``, its
    locomotion report is written there; ``collision_set`` (the contract's) gives it the robot the policy was exported
    with."""
    flags = {"--task": task, "--checkpoint": checkpoint, "--device": device, "--num_envs": robots, "--steps": steps}
    argv = [
        str(token)
        for flag, value in {**flags, "--seed": seed, "--report": report}.items()
        if value is not None
        for token in (flag, value)
    ]
    if collision_set:
        argv.append(f"env.scene.robot.spawn.collision_set={collision_set}")
    print(f"[sim2sim] play.py {' '.join(argv)}", flush=True)
    from ..cli.play import run_play  # Isaac Lab and Warp load here, not before the inputs are checked
    from ..run.spec import set_cpu_threads

    set_cpu_threads()
    return run_play(argv).figures


def table(rows: dict[str, dict[str, float]], robots: int) -> list[str]:
    """Markdown table: one row per simulator."""
    lines = [
        "| simulator | robots x s | lin vel error [m/s] | yaw rate error [rad/s] | distance per robot [m] | falls |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {robots} x {r['seconds']:.1f} | {r['lin_vel_error']:.3f} | "
            f"{r['yaw_rate_error']:.3f} | {r['distance_per_robot']:.2f} | {r['falls']} |"
        )
    return lines


def write_table(
    out: Path, rows: dict[str, dict[str, float]], args: argparse.Namespace, header: list[str], intro: str
) -> None:
    """``out/sim2sim.md`` (the table under ``header`` and ``intro``) and ``out/sim2sim.json``; the table printed."""
    lines = table(rows, args.robots)
    (out / "sim2sim.md").write_text("\n".join([*header, intro, "", *lines, ""]), encoding="utf-8")
    results = {"policy": str(Path(args.policy)), "terrain": args.terrain, "robots": args.robots, "results": rows}
    (out / "sim2sim.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n".join(lines), flush=True)
    print(f"[sim2sim] wrote {out / 'sim2sim.md'}, {out / 'sim2sim.json'}", flush=True)


def write_locomotion_report(out: Path, mujoco_run: Recording, play_recording: Path | None, intro: str) -> None:
    """``out/report``: the locomotion report of both simulators side by side (play.py's from its saved arrays), and
    MuJoCo's arrays (``mujoco_recording.npz``)."""
    from ..common.locomotion_files import write_report

    columns = {"MuJoCo": mujoco_run}
    if play_recording is not None:
        columns = {"Isaac Lab": Recording.load(play_recording), **columns}
    write_report(out / "report", columns, ["# Sim-to-sim locomotion report", "", intro])
    mujoco_run.save(out / "report" / "mujoco_recording.npz")
    print(f"[sim2sim] locomotion report: {out / 'report' / 'report.md'}", flush=True)


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    check_lengths(args)
    policy_dir = Path(args.policy)
    contract, policy = load_policy(policy_dir)
    checkpoint = play_checkpoint(args, policy_dir, contract)
    friction = parse_friction(args.friction, contract)
    out = output_dir("sim2sim", args.out)
    mujoco_row, mujoco_run = mujoco_figures(args, contract, policy, friction)
    rows = {f"MuJoCo {mujoco_version()} (C, CPU), {args.contact} contacts": mujoco_row}
    if not args.no_play:
        rows["ours: Newton MuJoCo Warp (play.py)"] = isaac_lab_figures(
            contract["task"],
            checkpoint,
            args.robots,
            round(args.seconds * contract["control_rate_hz"]),
            args.device,
            args.seed,
            out / "play_report",
            contract["robot"].get("collision_set"),
        )
    header = report_header(
        "Sim-to-sim: the exported policy in MuJoCo and in our simulator", "sim2sim.py", argv, args.device
    )
    intro = (
        f"Policy `{policy_dir}` (task {contract.get('task')}); MuJoCo terrain {args.terrain}, robot friction "
        f"U({friction[0]}, {friction[1]}), contact {args.contact}, seed {args.seed}."
    )
    write_table(out, rows, args, header, intro)
    write_locomotion_report(out, mujoco_run, None if args.no_play else out / "play_report" / "recording.npz", intro)
    return 0
