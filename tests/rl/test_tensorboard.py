"""TensorBoard, as the README starts it (``tensorboard --logdir logs``), serves a run's ``walk/*`` curves.

The environment's ``tensorboard`` loads every installed TensorBoard plugin at start-up; one whose import fails (open3d's
needs the system's libusb) ends it with a traceback before it serves anything. No simulator: the event file is
written the way :class:`ext_walk_minutes.rl.progress.Progress` writes it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from torch.utils.tensorboard import SummaryWriter

TAG = "walk/mean_reward"
VALUES = [0.5, 1.25, 3.0]


def _write_run(run: Path) -> None:
    writer = SummaryWriter(log_dir=str(run))
    for step, value in enumerate(VALUES):
        writer.add_scalar(TAG, value, step)
    writer.close()


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def _address(process: subprocess.Popen, deadline: float) -> str:
    """The ``http://host:port`` TensorBoard prints once it serves (it picks a free port for ``--port 0``)."""
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:  # end of its output: it has exited (or is about to)
            if process.poll() is not None:
                break
            time.sleep(0.05)
            continue
        seen.append(line)
        match = re.search(r"(http://[^/\s]+)/", line)
        if match:
            return match.group(1)
    raise AssertionError(f"tensorboard did not start (exit {process.poll()}):\n{''.join(seen[-30:])}")


def test_tensorboard_serves_walk_scalars(tmp_path):
    logs = tmp_path / "logs"
    _write_run(logs / "rsl_rl" / "Walk-Flat-AnymalC" / "2026-01-01_00-00-00")
    tensorboard = Path(sys.executable).with_name("tensorboard")
    process = subprocess.Popen(
        [str(tensorboard), "--logdir", str(logs), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        base = _address(process, deadline)
        run = "rsl_rl/Walk-Flat-AnymalC/2026-01-01_00-00-00"
        while time.monotonic() < deadline:  # the log folder is read in the background after start-up
            if TAG in _get(f"{base}/data/plugin/scalars/tags").get(run, {}):
                break
            time.sleep(0.2)
        query = urllib.parse.urlencode({"run": run, "tag": TAG})
        points = _get(f"{base}/data/plugin/scalars/scalars?{query}")  # [[wall time, step, value], ...]
        assert [(step, value) for _, step, value in points] == list(enumerate(VALUES))
    finally:
        process.terminate()
        process.wait(timeout=10)
