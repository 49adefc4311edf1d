"""Filming a run headless: Newton's OpenGL viewer draws off-screen through EGL (Mesa's software OpenGL on a
machine without GPU) and Isaac Lab's video recorder writes its frames to MP4, with the camera following one robot.

Frames are drawn only when the recorder asks for one, so a run without ``--video`` pays nothing.
"""

from __future__ import annotations

import argparse
import ctypes.util
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym

from ..common.errors import UsageError, require_extra

VIDEO_SUFFIXES = (".mp4", ".gif")
FRAME_STRIDE = 2
"""Env steps per frame: 25 frames/s at the 50 Hz control rate (half the frames to draw on a CPU)."""
CAMERA_OFFSET = (-1.6, -2.2, 0.9)
"""The camera's position from the followed robot's base [m]: behind it on the left and above, so that the terrain
around it and its neighbours are in view."""
MAX_SIZE = (3840, 2160)
"""Largest frame [px] (4K UHD): well within the framebuffer size OpenGL drivers allow, and Isaac Lab's recorder holds
a clip's frames in memory until it writes the clip (25 MB a frame here: 3.7 GB for 6 s at 25 frames/s)."""
FRAMES_PER_SECOND = 25
"""Frames per second of video at the tasks' 50 Hz control rate (:data:`FRAME_STRIDE`)."""
MAX_CLIP_BYTES = 16e9
"""Most frame data [bytes] a clip may hold (1920x1080: 100 s): Isaac Lab's recorder keeps a clip's frames in
memory until it writes it."""
GL_LIBRARIES = {"EGL": "libegl1", "GL": "libgl1"}
"""The shared libraries Newton's viewer draws with headless, and the Debian/Ubuntu package of each."""


@dataclass(frozen=True)
class VideoRequest:
    """What to film: clips of ``seconds`` following robot ``follow``, written to ``folder``."""

    folder: Path
    seconds: float
    follow: int = 0
    every_iterations: int = 0
    """A new clip every so many PPO iterations (from the first); 0: one clip, from the first step."""
    size: tuple[int, int] = (960, 540)
    """Frame width and height [px]."""


def add_clip_args(parser: argparse.ArgumentParser, *, seconds: float, size: str, seconds_help: str) -> None:
    """``--video-length``, ``--video-size`` and ``--follow``, shared by train.py and play.py (their defaults differ)."""
    parser.add_argument(
        "--video-length",
        "--video_length",
        dest="video_length",
        type=float,
        default=seconds,
        metavar="S",
        help=f"{seconds_help} (default: %(default)s)",
    )
    parser.add_argument(
        "--video-size",
        "--video_size",
        dest="video_size",
        default=size,
        metavar="WxH",
        help="frame size in pixels (default: %(default)s)",
    )
    parser.add_argument("--follow", type=int, default=0, metavar="N", help="the robot the camera follows (default: 0)")


def request_from_args(args: argparse.Namespace, folder: Path, num_envs: int) -> VideoRequest:
    """The :class:`VideoRequest` of :func:`add_clip_args`' flags, clips to ``folder``; checked (one error line)."""
    request = VideoRequest(folder, args.video_length, args.follow, size=parse_size(args.video_size))
    check_request(request, num_envs)
    return request


def parse_size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` (e.g. ``640x360``) as two ints, each at least 16."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--video-size must be WIDTHxHEIGHT in pixels, e.g. 640x360 (got '{text}')") from None
    if min(width, height) < 16:
        raise UsageError(f"--video-size must be at least 16x16 pixels (got '{text}')")
    if width > MAX_SIZE[0] or height > MAX_SIZE[1]:
        raise UsageError(
            f"--video-size must be at most {MAX_SIZE[0]}x{MAX_SIZE[1]} pixels (got '{text}'; the viewer draws "
            "each frame in one OpenGL framebuffer)"
        )
    return width, height


def check_writable(folder: Path, flag: str) -> None:
    """One error line, before the simulator starts, when no file can be created in ``folder``."""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UsageError(
            f"{flag}: cannot write to {folder} ({exc.strerror}); choose a folder you can write to"
        ) from None


def make_writable_folder(folder: Path, flag: str) -> None:
    """Create ``folder`` (parents too) for an output file of ``flag`` and check a file can be written there; one
    error line, before the simulator starts, if not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag}: cannot create its folder ({exc.strerror}); choose another path") from None
    check_writable(folder, flag)


def check_request(request: VideoRequest, num_envs: int) -> None:
    """One error line, before the simulator starts, for a request that cannot be filmed here."""
    if not (math.isfinite(request.seconds) and request.seconds > 0):
        raise UsageError(f"--video-length must be positive seconds (got {request.seconds})")
    held = request.seconds * FRAMES_PER_SECOND * request.size[0] * request.size[1] * 3
    if held > MAX_CLIP_BYTES:
        raise UsageError(
            f"--video-length {request.seconds:g} at {request.size[0]}x{request.size[1]} holds {held / 1e9:.0f} GB of "
            f"frames in memory until the clip is written (at most {MAX_CLIP_BYTES / 1e9:.0f} GB); film shorter or "
            "smaller"
        )
    check_follow(request.follow, num_envs)
    require_extra("moviepy", "video", "--video")
    missing = [f"lib{lib} ({package})" for lib, package in GL_LIBRARIES.items() if not ctypes.util.find_library(lib)]
    if missing:
        raise UsageError(
            f"--video draws with OpenGL through EGL, but {' and '.join(missing)} is not installed; "
            "install it (Mesa's software OpenGL needs no GPU: apt install libegl1 libgl1 libgl1-mesa-dri; "
            "on an NVIDIA machine the driver's libraries with NVIDIA_DRIVER_CAPABILITIES=graphics)"
        )


def check_follow(robot_index: int, num_envs: int) -> None:
    if not 0 <= robot_index < num_envs:
        raise UsageError(f"--follow {robot_index}: there are {num_envs} robots, numbered 0 to {num_envs - 1}")


def add_recorder(env_cfg: Any, request: VideoRequest, step_dt: float, folder: Path, every_steps: int) -> None:
    """Give ``env_cfg`` a headless Newton viewer and Isaac Lab's video recorder drawing from it: clips to ``folder``,
    a new one every ``every_steps`` env steps (0: one)."""
    from isaaclab.envs.utils.video_recorder_cfg import VideoRecorderCfg
    from isaaclab_visualizers.newton import NewtonGLVisualizerCfg

    width, height = request.size
    add_visualizer(
        env_cfg,
        NewtonGLVisualizerCfg(
            headless=True, window_width=width, window_height=height, enable_shadows=False, enable_picking=False
        ),
    )
    env_cfg.video_recorders = [
        VideoRecorderCfg(
            source="visualizer:newton",
            output_dir=str(folder),
            video_length=clip_steps(request, step_dt),
            video_interval=every_steps,
            frame_stride=FRAME_STRIDE,
        )
    ]


def add_visualizer(env_cfg: Any, visualizer_cfg: Any) -> None:
    """Add ``visualizer_cfg`` to the env's visualizers (a config may hold one or a list)."""
    existing = env_cfg.sim.visualizer_cfgs
    env_cfg.sim.visualizer_cfgs = [*(existing if isinstance(existing, list) else [existing]), visualizer_cfg]


def clip_steps(request: VideoRequest, step_dt: float) -> int:
    """Env steps per clip: ``request.seconds`` at the control period ``step_dt`` [s], whole frames."""
    return max(FRAME_STRIDE, round(request.seconds / step_dt / FRAME_STRIDE) * FRAME_STRIDE)


class FollowCamera(gym.Wrapper):
    """Points the viewer's camera at one robot before each step (the recorder draws its frame within the step)."""

    def __init__(self, env: gym.Env, robot_index: int) -> None:
        super().__init__(env)
        self.robot_index = robot_index

    def reset(self, **kwargs):
        out = self.env.reset(**kwargs)
        self._aim()
        return out

    def step(self, action):
        self._aim()
        return self.env.step(action)

    def _aim(self) -> None:
        aim_camera(self.env, self.robot_index)


def aim_camera(env: gym.Env, robot_index: int, distance: float = 1.0) -> None:
    """Point every visualizer's camera at robot ``robot_index`` from :data:`CAMERA_OFFSET` times ``distance``."""
    look_at(env, env.unwrapped.scene["robot"].data.root_pos_w[robot_index].tolist(), distance)  # one small read


def look_at(env: gym.Env, target: list[float], distance: float = 1.0) -> None:
    """Point every visualizer's camera at ``target`` (x, y, z) [m] from :data:`CAMERA_OFFSET` times ``distance``."""
    x, y, z = target
    dx, dy, dz = (distance * offset for offset in CAMERA_OFFSET)
    env.unwrapped.sim.set_camera_view((x + dx, y + dy, z + dz), (x, y, z))


def recorded_clips(folder: Path) -> list[Path]:
    """The clips Isaac Lab's recorder wrote to ``folder``, in order."""
    return sorted(folder.glob("clip_*.mp4"))


def clip_frames(request: VideoRequest, step_dt: float) -> int:
    """Frames in a complete clip of ``request`` at the control period ``step_dt`` [s]."""
    return clip_steps(request, step_dt) // FRAME_STRIDE


def readable_frames(clip: Path) -> int:
    """How many frames of the MP4 ``clip`` decode (0 for a file that does not open, e.g. cut short by a full
    disk: its index, written last, is missing)."""
    import imageio_ffmpeg

    try:
        reader = imageio_ffmpeg.read_frames(str(clip))
        next(reader)  # the metadata
        return sum(1 for _ in reader)
    except (OSError, RuntimeError, StopIteration):
        return 0


def save_clip(clip: Path, path: Path, frames: int) -> None:
    """Move the MP4 ``clip`` to ``path``, or write it there as an animated GIF when ``path`` ends in ``.gif``, once
    it is checked to hold all its ``frames``; a :class:`UsageError` (and no file at ``path``) otherwise."""
    readable = readable_frames(clip)
    if readable < frames:
        clip.unlink(missing_ok=True)
        raise UsageError(
            f"--video: the recorded clip is incomplete ({readable} of {frames} frames readable; "
            f"{free_space(path.parent)} free where it was written), so no video was saved; free space or "
            "choose another --video path"
        )
    try:
        if path.suffix == ".gif":
            write_gif(*read_clip(clip), path)
            clip.unlink()
        else:
            os.replace(clip, path)
    except OSError as exc:
        clip.unlink(missing_ok=True)
        raise UsageError(
            f"--video: cannot write {path} ({exc.strerror}), so no video was saved; free space or "
            "choose another --video path"
        ) from None


def free_space(folder: Path) -> str:
    """The free space on ``folder``'s filesystem, e.g. ``12 kB`` (``unknown`` if it cannot be read)."""
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return "unknown"
    return f"{free / 1e6:.1f} MB" if free >= 1e6 else f"{free / 1e3:.0f} kB"


def read_clip(clip: Path) -> tuple[list, float]:
    """The frames of an MP4 file as ``(H, W, 3)`` uint8 arrays and its frame rate [1/s] (decoded by
    imageio-ffmpeg's bundled ffmpeg)."""
    import imageio_ffmpeg
    import numpy as np

    reader = imageio_ffmpeg.read_frames(str(clip))
    meta = next(reader)
    width, height = meta["size"]
    return [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader], meta["fps"]


def write_gif(frames: list, fps: float, path: Path) -> None:
    """An animated GIF of ``frames`` ((H, W, 3) uint8) at ``fps``, looping, one palette per frame."""
    from PIL import Image

    images = [Image.fromarray(frame).quantize(colors=128, method=Image.Quantize.MEDIANCUT) for frame in frames]
    partial = path.with_name(f".{path.name}.tmp")
    try:
        images[0].save(
            partial,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=round(1000 / fps),
            loop=0,
            optimize=True,
        )
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
