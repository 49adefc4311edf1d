"""``scripts/play.py``: run a trained policy headless, report how well it walks, optionally export it."""

from __future__ import annotations

import argparse
import itertools
import json
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from ..common.errors import UsageError, exit_on_usage_error, require_extra
from ..rl import interrupts
from ..run import live_view, policy, trained_config, video
from ..run.locomotion_recorder import LocomotionRecorder
from ..run.policy import PolicyInEnv, find_policy, running_policy
from ..device import resolve_device, resolve_num_envs
from ..run.spec import DEFAULT_TASK, RunSpec, check_task, resolve_configs, set_cpu_threads
from .flags import add_common_args, parse

EXPORT_TOLERANCE = 1e-5
PLAY_NUM_ENVS = 16
DEFAULT_VIDEO = "<run>/videos/play/<checkpoint>.mp4"
DEFAULT_STEPS = 500
DEFAULT_REPORT = "<run>/report/<checkpoint>"
DRIVEN_VIEWERS = ("viser", "newton")
"""The live views ``--drive`` drives from (by default): viser's page, Newton's window."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Run a trained walking policy headless; print velocity tracking errors and distance walked.",
    )
    add_common_args(
        parser,
        default_num_envs_help=f"robots to run (default: {PLAY_NUM_ENVS})",
        task_help=f"task id (default: the checkpoint's, stored with it; {DEFAULT_TASK} for --checkpoint latest)",
    )
    trained_config.add_flag(parser, "the checkpoint")
    parser.add_argument(
        "--checkpoint",
        default="latest",
        help="'latest' (default), a run folder (timestamp or path), a checkpoint file, 'pretrained' (the policy "
        "shipped with the package for the task), or no policy: 'zero' (the default pose) or 'random' (random joint "
        "targets)",
    )
    parser.add_argument(
        "--agent",
        "--rl_library",
        dest="agent",
        default=None,
        help="the PPO backend (default: the one that wrote the checkpoint)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help=f"policy steps to run (default: {DEFAULT_STEPS} = 10 s; with --video, the clip's; with --viz, until "
        "Ctrl-C)",
    )
    _add_output_flags(parser)
    _add_view_flags(parser)
    return parser


def _add_output_flags(parser: argparse.ArgumentParser) -> None:
    """What a play run writes: the locomotion report, the exported policy, a video."""
    parser.add_argument(
        "--report",
        nargs="?",
        const=DEFAULT_REPORT,
        default=None,
        metavar="DIR",
        help="write a locomotion report (tracking, gait, effort, safety; report.md, report.json, PNG figures, the "
        "arrays in recording.npz) to DIR; "
        "without DIR: <checkpoint's run>/report/<checkpoint>",
    )
    parser.add_argument(
        "--figures",
        default=None,
        metavar="PATH.json",
        help="also write the summary line's figures (robots, seconds, lin_vel_error, yaw_rate_error, "
        "distance_per_robot, falls) as JSON to PATH.json, for scripts that run play.py",
    )
    parser.add_argument(
        "--export",
        action="store_true",
        help="write policy.onnx, policy.pt (TorchScript) and policy.json next to the checkpoint",
    )
    parser.add_argument(
        "--video",
        nargs="?",
        const=DEFAULT_VIDEO,
        default=None,
        metavar="PATH.mp4|PATH.gif",
        help="film the robots headless (no display or GPU needed) to PATH; without PATH: "
        "<checkpoint's run>/videos/play/<checkpoint>.mp4",
    )
    video.add_clip_args(
        parser,
        seconds=6.0,
        size="960x540",
        seconds_help="seconds of video from the start (more steps run if --steps is shorter)",
    )


def _add_view_flags(parser: argparse.ArgumentParser) -> None:
    """Watching live: the browser or native viewer, its port, the drive panel, a recording of the view."""
    live_view.add_view_args(
        parser,
        "watch live, in real time until Ctrl-C: viser or rerun serve the scene to a browser "
        "(remote machine: ssh -L PORT:localhost:PORT), newton opens a window on this display",
    )
    parser.add_argument(
        "--drive",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="with --viz viser or newton (on by default there): drive the followed robot once used, the others "
        "keeping the task's commands. viser: a panel in the page (forward/lateral speed and yaw rate sliders, "
        "stop, push, reset, robot picker; commanded vs measured velocity); both: keys W/S, A/D, Q/E, space stop. "
        "--no-drive: neither",
    )


def rollout(
    env, act, steps: int | None, pace: live_view.RealTime | None = None, recorder=None
) -> tuple[dict[str, float], KeyboardInterrupt | None]:
    """Run ``steps`` policy steps (None: until Ctrl-C), each ``pace`` waits for real time if given, each kept by
    ``recorder`` if given; mean tracking errors, distance walked per robot and falls over the steps run, and the
    signal that ended it early (None)."""
    base = env.unwrapped
    robot = base.scene["robot"]
    obs = env.reset()[0]["policy"]
    lin_err = yaw_err = 0.0
    distance = torch.zeros(base.num_envs, device=base.device)
    falls = done = 0
    stopped_by = None
    try:
        for done in itertools.count(1) if steps is None else range(1, steps + 1):
            command = base.command_manager.get_command("base_velocity").clone()
            pos_before = robot.data.root_pos_w[:, :2].clone()
            with torch.inference_mode():
                obs_dict, _, terminated, truncated, _ = env.step(act(obs).to(base.device))
            obs = obs_dict["policy"]
            if recorder is not None:
                recorder.record(command, terminated, truncated)
            step = (robot.data.root_pos_w[:, :2] - pos_before).norm(dim=1)
            distance += torch.where(terminated | truncated, torch.zeros_like(step), step)
            lin_err += (command[:, :2] - robot.data.root_lin_vel_b[:, :2]).norm(dim=1).mean().item()
            yaw_err += (command[:, 2] - robot.data.root_ang_vel_b[:, 2]).abs().mean().item()
            falls += int(terminated.sum().item())
            if pace is not None:
                pace.wait()
            interrupts.raise_if_dropped()  # one raised in a destructor during the step was printed and dropped
    except KeyboardInterrupt as interrupt:  # Ctrl-C is the way out of a live view: report the steps run so far
        stopped_by = interrupt
        done -= 1
        print(f"\n[play] stopped after {done} steps", flush=True)
    steps_run = max(done, 1)
    figures = {
        "lin_vel_error": lin_err / steps_run,
        "yaw_rate_error": yaw_err / steps_run,
        "distance_per_robot": distance.mean().item(),
        "falls": falls,
        "seconds": done * base.step_dt,
    }
    return figures, stopped_by


def export(run: PolicyInEnv, checkpoint: Path) -> int:
    """Write policy.onnx, policy.pt and policy.json next to ``checkpoint``; 1 if an export differs from the policy."""
    from ..run.export import export_policy, max_export_errors, write_contract

    obs_dim = run.env.unwrapped.observation_manager.group_obs_dim["policy"][0]
    jit_path, onnx_path = export_policy(run.policy, obs_dim, checkpoint.parent)
    contract = write_contract(run.env, checkpoint.parent / "policy.json")
    errors = max_export_errors(run.act, jit_path, onnx_path, obs_dim)
    print(f"[play] exported {jit_path}, {onnx_path}, {contract}", flush=True)
    print(
        f"[play] export max abs error vs torch policy: torchscript {errors['torchscript']:.2e}, "
        f"onnx {errors['onnx']:.2e}",
        flush=True,
    )
    if not exports_match(errors):
        print(
            f"error: the exported policy differs from the torch policy by more than {EXPORT_TOLERANCE} or gives "
            "non-finite actions (a diverged checkpoint?); do not deploy it",
            file=sys.stderr,
        )
        return 1
    return 0


def exports_match(errors: dict[str, float]) -> bool:
    """True when every export's largest error is finite and within :data:`EXPORT_TOLERANCE` (NaN fails)."""
    return all(math.isfinite(e) and e <= EXPORT_TOLERANCE for e in errors.values())


def video_request(
    args: argparse.Namespace, checkpoint: Path, num_envs: int
) -> tuple[Path | None, video.VideoRequest | None]:
    """Where ``--video`` writes and what it films (None, None without it); checked before the simulator starts."""
    if args.video is None:
        return None, None
    if args.video == DEFAULT_VIDEO:
        path = checkpoint.parent / "videos" / "play" / f"{checkpoint.stem}.mp4"
    else:
        path = Path(args.video).expanduser().resolve()
    if path.suffix not in video.VIDEO_SUFFIXES:
        raise UsageError(f"--video {args.video}: write a {' or a '.join(video.VIDEO_SUFFIXES)} file")
    request = video.request_from_args(args, path.parent / f".{path.name}.clips", num_envs)
    video.make_writable_folder(path.parent, f"--video {args.video}")
    return path, request


def save_video(request: video.VideoRequest, path: Path, frames: int, interrupted: bool) -> str:
    """Put the recorder's clip at ``path`` (converted to GIF if asked) once it is checked to hold its ``frames``;
    what was saved, in words. An error line when no complete clip was written, unless the run was
    ``interrupted`` before the clip ended (then nothing is saved); the clip folder is removed in every case."""
    try:
        clips = video.recorded_clips(request.folder)
        if interrupted and (not clips or video.readable_frames(clips[0]) < frames):
            return "no video (stopped before the clip ended; nothing left behind)"
        if not clips:
            raise UsageError(
                f"--video: no frames were recorded (see the recorder's message above); check that OpenGL works "
                f"headless (EGL) on this machine and that {request.folder.parent} has free space "
                f"({video.free_space(request.folder.parent)} free)"
            )
        video.save_clip(clips[0], path, frames)
    finally:
        shutil.rmtree(request.folder, ignore_errors=True)
    print(f"[play] video: {path} ({request.seconds:g} s following robot {request.follow})", flush=True)
    return f"video {path}"


@dataclass(frozen=True)
class PlayRequest:
    """What ``play.py`` was asked, complete and checked before the simulator starts."""

    spec: RunSpec
    checkpoint: Path
    """The policy file (a stand-in's name under ``logs/untrained/`` for ``zero``/``random``)."""
    policy_name: str
    """``--checkpoint`` as given (``latest``, a path, ``pretrained``, ``zero``, ``random``)."""
    steps: int | None
    """Policy steps to run; None: until Ctrl-C (a live view)."""
    export: bool = False
    video_path: Path | None = None
    view: live_view.ViewRequest | None = None
    report_dir: Path | None = None
    drive: bool = False
    follow: int = 0
    figures_path: Path | None = None
    """``--figures``: where the figures are also written as JSON."""


@dataclass(frozen=True)
class PlayResult:
    """What a play run measured and saved."""

    figures: dict[str, float]
    """``lin_vel_error`` [m/s], ``yaw_rate_error`` [rad/s], ``distance_per_robot`` [m], ``falls``, ``seconds``."""
    interrupt: KeyboardInterrupt | None = None
    """The signal that ended the rollout early, if one did."""
    saved: str = "nothing"
    """The video saved, in words."""
    export_failed: bool = False


def check_flags(args: argparse.Namespace) -> None:
    """The flags that fail alone, before anything is read or built."""
    if args.task is not None:
        check_task(args.task)
    if args.steps is not None and args.steps < 1:
        raise UsageError(f"--steps must be at least 1 (got {args.steps})")
    if args.export:
        require_extra("onnxruntime", "export", "--export")


def play_request(args: argparse.Namespace, overrides: list[str]) -> PlayRequest:
    """The play run the command line asks for, each flag checked (a :class:`UsageError` for bad input)."""
    check_flags(args)
    device = resolve_device(args.device)
    num_envs = resolve_num_envs(args.num_envs if args.num_envs is not None else PLAY_NUM_ENVS, device)
    checkpoint, agent, trained = choose_policy(args)
    task = args.task or (trained["task"] if trained else DEFAULT_TASK)
    check_task(task)
    if args.export:
        video.check_writable(checkpoint.parent, "--export (writes next to the checkpoint)")
    video_path, clips = video_request(args, checkpoint, num_envs)
    view = view_request(args, num_envs)
    report_dir = report_request(args.report, checkpoint)
    print(
        f"[play] task {task} | agent {agent} | checkpoint {policy.described(args.checkpoint, checkpoint)} | "
        f"{num_envs} envs | device {device}\n[play] {trained_config.applied(trained, args.trained_config)}",
        flush=True,
    )
    spec = RunSpec(
        task,
        agent,
        device,
        num_envs,
        args.seed,
        tuple(overrides),
        args.preset,
        args.asset,
        play_mode=True,
        video=clips,
        trained=trained_config.overrides_of(trained) if args.trained_config else (),
    )
    view = view_request(args, num_envs)
    report_dir = report_request(args.report, checkpoint)
    return PlayRequest(
        spec,
        checkpoint,
        args.checkpoint,
        args.steps,
        args.export,
        video_path,
        view,
        report_dir,
        args.viz in DRIVEN_VIEWERS if args.drive is None else args.drive,
        args.follow,
        figures_request(args.figures),
    )


def figures_request(figures: str | None) -> Path | None:
    """The file ``--figures`` writes (None without it), its folder made and checked writable before the simulator
    starts."""
    if figures is None:
        return None
    path = Path(figures).expanduser().resolve()
    if path.suffix != ".json":
        raise UsageError(f"--figures {figures}: write a .json file")
    video.make_writable_folder(path.parent, f"--figures {figures}")
    return path


def play(request: PlayRequest) -> PlayResult:
    """Build the env, load the policy, run it (exported, filmed, viewed, driven, reported as asked); its figures."""
    spec = request.spec
    configs = resolve_configs(spec)
    step_dt = configs.env_cfg.sim.dt * configs.env_cfg.decimation
    if request.view is not None:
        live_view.add_viewer(configs.env_cfg, request.view)
    stand_in = request.policy_name in policy.STAND_INS
    opened = policy.running_stand_in(spec, configs, request.policy_name) if stand_in else None
    with opened or running_policy(spec, configs, request.checkpoint) as run:
        if request.export and export(run, request.checkpoint):
            return PlayResult({}, export_failed=True)
        act = watched_policy(run, request)
        recorder = None if request.report_dir is None else LocomotionRecorder(run.env.unwrapped)
        with interrupts.interrupts_handled():  # Ctrl-C or SIGTERM ends the rollout, also started in the background
            figures, interrupt = rollout(
                run.env,
                act,
                steps_to_run(request.steps, spec.video, request.view, step_dt),
                pace=None if request.view is None else live_view.RealTime(step_dt),
                recorder=recorder,
            )
        if recorder is not None and recorder.steps:
            write_play_report(request.report_dir, recorder, f"{spec.task} | {request.checkpoint}")
    print_figures(spec.num_envs, figures)
    if request.figures_path is not None:
        request.figures_path.write_text(json.dumps({"robots": spec.num_envs, **figures}, indent=2) + "\n")
    saved = "nothing"
    if spec.video is not None:
        saved = save_video(
            spec.video, request.video_path, video.clip_frames(spec.video, step_dt), interrupt is not None
        )
    return PlayResult(figures, interrupt, saved)


def watched_policy(run: PolicyInEnv, request: PlayRequest):
    """The policy's act function, the live view (``--viz``) set up around it and, with ``--drive``, the commands of
    the viser panel or Newton window's keys for the followed robot."""
    if request.view is None:
        return run.act
    video.aim_camera(run.env, request.follow, distance=2.0)
    port = live_view.serving(run.env, request.view)
    print(f"[play] live view: {live_view.address(request.view, port)}; Ctrl-C stops", flush=True)
    if not request.drive:
        return run.act
    from ..run.drive import Drive, KeyDrive

    if request.view.viewer == "newton":
        print("[play] drive: keys in the Newton window command the followed robot (see its sidebar)", flush=True)
        return KeyDrive(run.env, live_view.newton_viewer(run.env), request.follow).wrap(run.act)
    print("[play] drive: the panel 'Drive' in the page's sidebar commands the followed robot", flush=True)
    return Drive(run.env, live_view.viser_server(run.env), request.follow).wrap(run.act)


def print_figures(num_envs: int, figures: dict[str, float]) -> None:
    print(
        f"[play] {num_envs} robots x {figures['seconds']:.1f} s | lin vel error {figures['lin_vel_error']:.3f} m/s | "
        f"yaw rate error {figures['yaw_rate_error']:.3f} rad/s | distance walked "
        f"{figures['distance_per_robot']:.2f} m per robot | falls {figures['falls']}",
        flush=True,
    )


def exit_status(request: PlayRequest, result: PlayResult) -> int:
    """0, 1 when the export failed, or the signal's status when one stopped a run that was not a live view (Ctrl-C is
    how a live view ends); says what was saved then."""
    if result.export_failed:
        return 1
    interrupt = result.interrupt
    if interrupt is None or (request.view is not None and not isinstance(interrupt, interrupts.Terminated)):
        return 0
    what = "terminated" if isinstance(interrupt, interrupts.Terminated) else "interrupted"
    exported = f", export in {request.checkpoint.parent}" if request.export else ""
    print(f"[play] {what}: saved {result.saved}{exported}", flush=True)
    return interrupts.exit_status(interrupt)


def run_play(argv: list[str]) -> PlayResult:
    """``play.py argv`` in this process, its figures returned as data (a study's way in; a bad argument raises the
    :class:`UsageError` its one ``error:`` line would say)."""
    args, overrides = parse(build_parser(), argv)
    return play(play_request(args, overrides))


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    request = play_request(args, overrides)
    return exit_status(request, play(request))


def choose_policy(args: argparse.Namespace) -> tuple[Path, str, dict | None]:
    """``(checkpoint, agent, trained config)`` for ``--checkpoint``: a run's, the shipped one (``pretrained``) or a
    stand-in's name (``zero``/``random``: no file, no trained config)."""
    task = args.task or DEFAULT_TASK
    if args.checkpoint in policy.STAND_INS:
        if args.export:
            raise UsageError(f"--export: --checkpoint {args.checkpoint} plays no policy; pass a trained one")
        return (*policy.stand_in(args.checkpoint, task, args.agent), None)
    if args.checkpoint == policy.PRETRAINED:
        return find_policy(str(policy.pretrained_checkpoint(task)), args.agent, args.task)
    return find_policy(args.checkpoint, args.agent, args.task)


def report_request(report: str | None, checkpoint: Path) -> Path | None:
    """The folder ``--report`` writes to (None without it), made and checked writable before the simulator starts."""
    if report is None:
        return None
    path = checkpoint.parent / "report" / checkpoint.stem if report == DEFAULT_REPORT else Path(report).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--report {report}: cannot create {path} ({exc.strerror}); choose another folder") from None
    video.check_writable(path, f"--report {report}")
    return path.resolve()


def write_play_report(folder: Path, recorder: LocomotionRecorder, what: str) -> None:
    """Write the locomotion report of what ``recorder`` kept to ``folder`` and print where it is."""
    from ..common.locomotion_files import write_report

    recording = recorder.recording()
    write_report(folder, {"Isaac Lab": recording}, [f"# Locomotion report: {what}"])
    recording.save(folder / "recording.npz")
    print(f"[play] report: {folder / 'report.md'}", flush=True)


def steps_to_run(
    steps: int | None, request: video.VideoRequest | None, view: live_view.ViewRequest | None, step_dt: float
) -> int | None:
    """``--steps`` if given (at least the video's), else the video's, 500 (10 s) or, with a live view, until Ctrl-C
    (None)."""
    if steps is None and view is None:
        return video.clip_steps(request, step_dt) if request is not None else DEFAULT_STEPS
    if request is not None and steps is not None:
        steps = max(steps, video.clip_steps(request, step_dt))
    return steps


def view_request(args: argparse.Namespace, num_envs: int) -> live_view.ViewRequest | None:
    """What ``--viz`` serves (None without it); checked before the simulator starts."""
    if args.drive and args.viz not in DRIVEN_VIEWERS:
        raise UsageError(
            "--drive drives from a live view: add --viz viser (a panel in the page) or --viz newton (keys)"
        )
    request = live_view.request_from_args(args)
    if request is not None:
        video.check_follow(args.follow, num_envs)
    return request


if __name__ == "__main__":
    sys.exit(main())
