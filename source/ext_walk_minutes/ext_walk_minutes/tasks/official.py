"""``--asset official``: Isaac Lab's own robot configs (USD and actuator nets from its asset server) instead of ours.

Offline, or for a robot Isaac Lab has no asset for, this fails at once with one message, before any simulation.
"""

from __future__ import annotations

import socket
from urllib.parse import urlparse

from isaaclab.assets import ArticulationCfg

from .registry import OFFICIAL_ROBOTS, ROBOTS
from .walk_env_cfg import WalkRoughEnvCfg

ASSETS = ("ours", "official")
CONNECT_TIMEOUT_S = 5.0


class AssetUnavailable(Exception):
    """The official asset cannot be used; the message says why and what to do instead."""


def use_asset(env_cfg: WalkRoughEnvCfg, task: str, asset: str) -> None:
    """Put the ``asset`` variant of ``task``'s robot in ``env_cfg``: ``ours`` (bundled, the default) or ``official``.

    Raises:
        AssetUnavailable: unknown ``asset``, no Isaac Lab asset for this robot, or its files cannot be reached.
    """
    if asset not in ASSETS:
        raise AssetUnavailable(f"unknown asset '{asset}'; choose one of: {', '.join(ASSETS)}")
    robot = ROBOTS[task] if asset == "ours" else OFFICIAL_ROBOTS.get(task)
    if robot is None:
        with_official = sorted({t.split("-")[-1] for t in OFFICIAL_ROBOTS})
        raise AssetUnavailable(
            f"Isaac Lab has no official asset for {task}'s robot (robots with one: "
            f"{', '.join(with_official)}); run it without --asset official"
        )
    if asset == "official":
        for path in remote_files(robot.cfg):
            check_reachable(path)
    robot.put_in(env_cfg)


def remote_files(cfg: ArticulationCfg) -> list[str]:
    """The files ``cfg`` loads: its USD and any actuator network."""
    files = [cfg.spawn.usd_path]
    files += [a.network_file for a in cfg.actuators.values() if getattr(a, "network_file", None)]
    return files


def check_reachable(path: str) -> None:
    """Raise :class:`AssetUnavailable` unless ``path`` (a local file or a URL on Isaac Lab's asset server) exists.

    The server's host is probed with a plain TCP connection first (a few seconds at most): offline, Isaac Lab's
    own check waits about a minute for its client to give up.
    """
    from isaaclab.utils.assets import check_file_path

    url = urlparse(path)
    hint = (
        "set ISAACSIM_ASSET_ROOT to a local copy of the Isaac assets, or run without --asset official "
        "(our bundled robots need no download)"
    )
    if url.scheme in ("http", "https", "omniverse") and url.hostname:
        port = url.port or (80 if url.scheme == "http" else 443)
        try:
            socket.create_connection((url.hostname, port), timeout=CONNECT_TIMEOUT_S).close()
        except OSError as exc:
            raise AssetUnavailable(
                f"--asset official needs Isaac Lab's asset server, but {url.hostname} cannot be "
                f"reached ({exc.strerror or exc}); {hint}"
            ) from None
    if check_file_path(path) == 0:
        raise AssetUnavailable(f"--asset official: {path} not found; {hint}")
