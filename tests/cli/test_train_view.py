"""``train.py --viz viser``: a few robots of the running training job in the browser, the page served while it
trains, the training unchanged otherwise (it ends with its checkpoint), and the view drawn for a client and recorded
(Isaac Lab's viser view draws only while a client is connected: the recording's own client keeps it drawing)."""

from __future__ import annotations

import urllib.request

import pytest

from helpers import SMALL_TERRAIN, free_port, start_script, wait_for_line

from ext_walk_minutes.run.live_view import connect_reader

pytestmark = pytest.mark.slow  # builds an env and trains two iterations


def test_train_serves_a_live_view_of_its_robots(tmp_path):
    port, recording = free_port(), tmp_path / "train.viser"
    proc = start_script(
        "train.py",
        *("--device", "cpu", "--num_envs", "4", "--max_iterations", "2", "--viz", "viser", "--viz-port", str(port)),
        *("--viz-every", "3", "--viz-robots", "2", "--viz-record", str(recording), *SMALL_TERRAIN),
        cwd=tmp_path,
    )
    try:
        lines = wait_for_line(proc, "[train] live view:", 400)
        page = urllib.request.urlopen(f"http://localhost:{port}", timeout=60).read()
        received = connect_reader(port)  # a watcher, as a browser would be
        rest, _ = proc.communicate(timeout=400)
    finally:
        proc.kill()
    out = "".join(lines) + rest
    assert proc.returncode == 0, out[-3000:]
    assert f"http://localhost:{port}" in lines[-1] and "2 robots, refreshed every 3 steps" in lines[-1], lines[-1]
    assert b"<html" in page.lower(), page[:200]
    assert "it 2/2" in out and "[train] done: checkpoint" in out, out[-3000:]
    assert sum(received) > 100_000, f"the watcher received {len(received)} messages, {sum(received)} bytes"
    assert recording.stat().st_size > 10_000, "the .viser recording is missing or empty"
