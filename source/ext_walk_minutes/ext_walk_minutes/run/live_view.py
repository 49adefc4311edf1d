"""Watching live (``play.py --viz``, ``train.py --viz``) through Isaac Lab's visualizers: viser and rerun serve the
scene to a browser (on a remote machine through ``ssh -L``), newton opens an OpenGL window on this machine's display.

Each can also record what it shows to a file to replay later (``--viz-record``).
"""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import UsageError, require_extra
from .video import add_visualizer, check_writable

VIEWERS = {
    # name: (module it needs, the package's extra that installs it, default port, recording suffix)
    "viser": ("viser", "viser", 8080, ".viser"),
    "rerun": ("rerun", "rerun", 9090, ".rrd"),
    "newton": ("pyglet", None, None, None),  # Newton's own dependency
}


@dataclass(frozen=True)
class ViewRequest:
    """Which visualizer to serve the scene with, on which port, recording to which file (None: none)."""

    viewer: str
    port: int | None = None
    record: Path | None = None
    every_steps: int = 1
    """Env steps between two refreshes of the view (a training job's view costs less refreshed more rarely)."""
    robots: tuple[int, ...] | None = None
    """The indices of the robots the view shows (:func:`shown_robots`); None: all."""


def shown_robots(num_envs: int, robots: int) -> tuple[int, ...]:
    """The indices of ``robots`` of ``num_envs`` robots spread evenly over them: Isaac Lab gives each terrain type a
    block of consecutive robots, so a rough run's view shows every type."""
    return tuple(sorted({round(i * (num_envs - 1) / max(robots - 1, 1)) for i in range(min(robots, num_envs))}))


def add_view_args(parser: argparse.ArgumentParser, viz_help: str) -> None:
    """``--viz`` (help: ``viz_help``), ``--viz-port`` and ``--viz-record``."""
    parser.add_argument("--viz", default=None, choices=tuple(VIEWERS), help=viz_help)
    parser.add_argument(
        "--viz-port",
        "--viz_port",
        dest="viz_port",
        type=int,
        default=None,
        metavar="PORT",
        help="the browser view's port (default: viser 8080, rerun 9090)",
    )
    parser.add_argument(
        "--viz-record",
        "--viz_record",
        dest="viz_record",
        default=None,
        metavar="FILE",
        help="also record the live view to FILE (.viser for viser, .rrd for rerun) to replay later",
    )


def request_from_args(
    args: argparse.Namespace, every_steps: int = 1, robots: tuple[int, ...] | None = None
) -> ViewRequest | None:
    """What ``--viz`` asks for (None without it), checked before the simulator starts: a viewer that runs here, a free
    port, a recording that can be written."""
    if args.viz is None:
        if args.viz_record:
            raise UsageError("--viz-record records a live view: give --viz viser or --viz rerun too")
        return None
    record = Path(args.viz_record).expanduser().resolve() if args.viz_record else None
    if record is not None:
        check_writable(record.parent, f"--viz-record {args.viz_record}")
    request = ViewRequest(args.viz, args.viz_port, record, every_steps, robots)
    check_request(request)
    return request


def check_request(request: ViewRequest) -> None:
    """One error line, before the simulator starts, for a viewer that cannot run here."""
    if request.viewer not in VIEWERS:
        raise UsageError(f"unknown --viz '{request.viewer}'; choose one of {', '.join(VIEWERS)}")
    module, extra, _, suffix = VIEWERS[request.viewer]
    if extra is not None:
        require_extra(module, extra, f"--viz {request.viewer}")
    if request.viewer == "newton" and not os.environ.get("DISPLAY"):
        raise UsageError(
            "--viz newton opens a window but this machine has no display (DISPLAY is unset); use "
            "--viz viser to watch in a browser, or --video to film headless"
        )
    if request.record is not None and request.record.suffix != suffix:
        raise UsageError(
            f"--viz-record: {request.viewer} records to a {suffix or 'no'} file (got '{request.record.name}')"
        )
    if VIEWERS[request.viewer][2] is not None:
        check_port(port_of(request))


def port_of(request: ViewRequest) -> int:
    """The port ``request`` asks for: ``--viz-port`` or the viewer's default."""
    return request.port or VIEWERS[request.viewer][2]


def check_port(port: int) -> None:
    """One error line for a port the browser view cannot serve on: out of range, or taken (the viewers would
    otherwise wait forever, or move to another port while the address printed names this one)."""
    if not 1 <= port <= 65535:
        raise UsageError(f"--viz-port {port}: a port is a number from 1 to 65535 (e.g. --viz-port 8080)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))  # where the viewers bind
        except OSError as exc:
            raise UsageError(
                f"--viz-port {port}: the port is not free ({exc.strerror}; another live view or server holds it); "
                "pass another one, e.g. --viz-port " + str(8081 if port != 8081 else 8082)
            ) from None


def add_viewer(env_cfg: Any, request: ViewRequest) -> None:
    """Add the visualizer of ``request`` to ``env_cfg`` (beside any already configured, e.g. ``--video``'s), showing
    the robots ``request.robots``, refreshed every ``request.every_steps`` env steps."""
    port = port_of(request)
    record = None if request.record is None else str(request.record)
    if request.viewer == "viser":
        from isaaclab_visualizers.viser import ViserVisualizerCfg

        cfg = ViserVisualizerCfg(port=port, record_to_viser=record)
    elif request.viewer == "rerun":
        from isaaclab_visualizers.rerun import RerunVisualizerCfg

        # without the history a recording holds only the last frame
        cfg = RerunVisualizerCfg(web_port=port, record_to_rrd=record, keep_historical_data=record is not None)
    else:
        from isaaclab_visualizers.newton import NewtonGLVisualizerCfg

        cfg = NewtonGLVisualizerCfg(headless=False)
    if request.robots is not None:
        cfg.visible_env_indices = list(request.robots)
    env_cfg.sim.render_interval = env_cfg.decimation * request.every_steps  # physics steps between refreshes
    add_visualizer(env_cfg, cfg)


def bound_port(env: Any, request: ViewRequest) -> int:
    """The port the running viewer of ``request`` serves on; a :class:`UsageError` if it is not the one asked for
    (viser moves to the next free port when the asked one was taken after :func:`check_port`)."""
    port = port_of(request)
    if request.viewer != "viser":
        return port  # rerun fails on a taken port rather than moving
    for visualizer in env.unwrapped.sim.visualizers:
        server = getattr(getattr(visualizer, "_viewer", None), "_server", None)
        if server is not None and hasattr(server, "get_port") and server.get_port() != port:
            raise UsageError(
                f"--viz-port {port}: the port was taken while the scene was built (viser moved to "
                f"{server.get_port()}); run again with a free --viz-port"
            )
    return port


def serving(env: Any, request: ViewRequest) -> int:
    """The port the view of ``request`` serves on (:func:`bound_port`); a viser view that records also gets a client
    without a browser (:func:`connect_reader`), so that it records while nobody watches."""
    port = bound_port(env, request)
    if request.viewer == "viser" and request.record is not None:
        connect_reader(port)
    return port


def viser_server(env: Any) -> Any:
    """The ``viser.ViserServer`` of ``env``'s viser visualizer (for a panel of our own in its sidebar); None without."""
    for visualizer in env.unwrapped.sim.visualizers:
        server = getattr(getattr(visualizer, "_viewer", None), "_server", None)
        if server is not None and hasattr(server, "gui"):
            return server
    return None


def newton_viewer(env: Any, headless: bool = False) -> Any:
    """The viewer (Newton's ``ViewerGL``) of ``env``'s Newton visualizer that draws to a window (for keys of our own);
    ``headless``: the one drawing off-screen (``--video``'s); None without."""
    for visualizer in env.unwrapped.sim.visualizers:
        viewer = getattr(visualizer, "_viewer", None)
        renderer = getattr(viewer, "renderer", None)
        if hasattr(renderer, "register_key_press") and bool(renderer.headless) == headless:
            return viewer
    return None


def connect_reader(port: int) -> list[int]:
    """Connect a client without a browser to the viser view on ``port``: on a thread of its own it reads and drops
    what the server sends, until the server stops. Returns the sizes [bytes] of the messages received so far.

    Isaac Lab's viser visualizer draws nothing while no client is connected, so a ``--viz-record`` that nobody
    watched held only the empty scene (477 bytes): with this client the view draws, and records, every refresh.
    viser counts a client once it has sent its camera, as the page does on load.
    """
    import msgspec
    import viser
    from viser import _messages
    from websockets.sync.client import connect

    connection = connect(f"ws://localhost:{port}", subprotocols=[f"viser-v{viser.__version__}"], max_size=None)
    camera = _messages.ViewerCameraMessage(
        wxyz=(1.0, 0.0, 0.0, 0.0),
        position=(4.0, -4.0, 3.0),
        fov=1.0,
        near=0.01,
        far=1000.0,
        image_height=540,
        image_width=960,
        look_at=(0.0, 0.0, 0.0),
        up_direction=(0.0, 0.0, 1.0),
    )
    connection.send(msgspec.msgpack.encode(camera.as_serializable_dict()))
    received: list[int] = []

    def read() -> None:
        try:
            for message in connection:
                received.append(len(message))
        except Exception:  # noqa: BLE001  (the server stopped: the connection is closed)
            pass

    threading.Thread(target=read, name="viser-reader", daemon=True).start()
    return received


def address(request: ViewRequest, port: int | None = None) -> str:
    """Where to watch ``request``'s view on ``port`` (default: the one asked for): a browser address (with the
    ``ssh -L`` that brings it from a remote machine) or the window."""
    _, _, default_port, _ = VIEWERS[request.viewer]
    if default_port is None:
        return "the Newton window on this display"
    port = port or port_of(request)
    return f"http://localhost:{port} (from another machine: ssh -L {port}:localhost:{port} THIS_HOST, then the same)"


class RealTime:
    """Paces a loop to the simulated time: each :meth:`wait` returns ``period`` [s] after the previous one."""

    def __init__(self, period: float) -> None:
        self.period = period
        self._next = time.monotonic() + period

    def wait(self) -> None:
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next = max(self._next, time.monotonic() - self.period) + self.period
