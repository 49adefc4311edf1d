"""``play.py --viz``'s port is checked before the simulator starts: out of range, the viewer waited forever; taken,
viser moved to the next port while the address printed named the asked one."""

from __future__ import annotations

import socket

from ext_walk_minutes.cli import play as play_cli
from helpers import FIXTURE_POLICY, usage_error

PLAY = ["--device", "cpu", "--num_envs", "1", "--checkpoint", str(FIXTURE_POLICY), "--viz", "viser"]


def test_viz_port_out_of_range(capsys):
    err = usage_error(capsys, play_cli.main, *PLAY, "--viz-port", "70000")
    assert "--viz-port 70000" in err and "1 to 65535" in err


def test_viz_port_taken(capsys):
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = holder.getsockname()[1]
        err = usage_error(capsys, play_cli.main, *PLAY, "--viz-port", str(port))
    assert f"--viz-port {port}: the port is not free" in err
