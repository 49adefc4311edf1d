"""End to end per backend: train 2 iterations, play and export the checkpoint, resume, and Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers import REPO, SMALL_TERRAIN, run_script

# rsl_rl trains the rough task, skrl the flat one: both backends and both tasks go through training
CASES = {"rsl_rl": "Walk-Rough-AnymalC", "skrl": "Walk-Flat-AnymalC"}
NUM_ENVS = "4"
PROGRESS = re.compile(r"\] it (\d+)/(\d+) \| ([\d,]+) env-steps/s \| ETA [\d:]+ \| reward \S+ \| ep len \S+ \| "
                      r"terrain level (\S+)")


def _checkpoint_iteration(path: Path) -> int:
    return int(torch.load(path, map_location="cpu", weights_only=False)["iter"])


def _latest_checkpoint(run_dir: Path) -> Path:
    from ext_walk_minutes.train.checkpoints import checkpoints_in

    found = checkpoints_in(run_dir)
    assert found, f"no checkpoint in {run_dir}"
    return found[-1]


@pytest.mark.parametrize("agent", list(CASES))
def test_train_play_export_resume(agent, tmp_path):
    task = CASES[agent]
    common = ["--task", task, "--agent", agent, "--num_envs", NUM_ENVS, "--device", "cpu", *SMALL_TERRAIN]

    # -- train 2 iterations: one progress line each, TensorBoard events, a checkpoint at iteration 1
    out = run_script("train.py", *common, "--max_iterations", "2", cwd=tmp_path).stdout
    progress = PROGRESS.findall(out)
    assert [(int(i), int(n)) for i, n, _, _ in progress] == [(1, 2), (2, 2)], out[-2000:]
    assert all(int(sps.replace(",", "")) > 0 for _, _, sps, _ in progress)
    levels = [level for *_, level in progress]
    assert all((level == "-") == ("Flat" in task) for level in levels)
    (run_dir,) = (tmp_path / "logs" / agent / task).iterdir()
    assert list(run_dir.glob("events.out.tfevents.*"))
    assert json.loads((run_dir / "run.json").read_text())["task"] == task
    first = _latest_checkpoint(run_dir)
    assert _checkpoint_iteration(first) == 1

    # -- play loads it (no --agent: inferred from the checkpoint) and exports ONNX + TorchScript + contract
    out = run_script("play.py", "--task", task, "--checkpoint", "latest", "--num_envs", NUM_ENVS, "--steps", "20",
                     "--export", *SMALL_TERRAIN, cwd=tmp_path).stdout
    errors = re.search(r"torchscript ([\d.e+-]+), onnx ([\d.e+-]+)", out)
    assert errors and max(float(errors[1]), float(errors[2])) <= 1e-5, out[-2000:]
    metrics = re.search(r"lin vel error ([\d.]+) m/s \| yaw rate error ([\d.]+) rad/s \| distance walked ([\d.]+) m",
                        out)
    assert metrics and all(np.isfinite(float(v)) for v in metrics.groups()), out[-2000:]
    export_dir = first.parent
    contract = json.loads((export_dir / "policy.json").read_text())
    obs_dim = 48 if "Flat" in task else 235
    assert contract["observation"]["size"] == obs_dim
    assert contract["action"]["joint_names"][0].endswith(("HAA", "HFE", "KFE"))
    assert len(contract["action"]["joint_names"]) == 12
    assert contract["action"]["action_scale"] == 0.5
    assert contract["control_rate_hz"] == pytest.approx(50.0)
    # the two exported files agree with each other on random inputs
    import onnxruntime as ort

    x = torch.randn(32, obs_dim)
    jit_out = torch.jit.load(str(export_dir / "policy.pt"))(x).detach().numpy()
    sess = ort.InferenceSession(str(export_dir / "policy.onnx"), providers=["CPUExecutionProvider"])
    onnx_out = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    assert jit_out.shape == (32, 12)
    np.testing.assert_allclose(onnx_out, jit_out, atol=1e-5)

    # -- resume continues the iteration count
    out = run_script("train.py", *common, "--max_iterations", "1", "--resume", "latest", cwd=tmp_path).stdout
    assert [int(i) for i, *_ in PROGRESS.findall(out)] == [3], out[-2000:]
    newest = max((d for d in (tmp_path / "logs" / agent / task).iterdir()), key=lambda d: d.name)
    assert newest != run_dir
    assert _checkpoint_iteration(_latest_checkpoint(newest)) == 2


def test_ctrl_c_saves_a_checkpoint(tmp_path):
    """SIGINT during training writes a checkpoint of the last finished iteration and exits 130."""
    cmd = [sys.executable, str(REPO / "scripts" / "train.py"), "--task", "Walk-Flat-AnymalC", "--num_envs", NUM_ENVS,
           "--device", "cpu", "--max_iterations", "1000", *SMALL_TERRAIN]
    # a terminal's Ctrl-C: SIGINT handled, also when the test runner itself was started in the background (where
    # the shell ignores SIGINT and Python then installs no KeyboardInterrupt handler)
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    deadline = time.monotonic() + 400
    for line in proc.stdout:
        lines.append(line)
        if "] it 2/1000" in line:
            proc.send_signal(signal.SIGINT)
            break
        assert time.monotonic() < deadline, "".join(lines[-50:])
    rest, _ = proc.communicate(timeout=120)
    out = "".join(lines) + rest
    assert proc.returncode == 130, out[-3000:]
    saved = re.search(r"interrupted: saved checkpoint (\S+)", out)
    assert saved, out[-3000:]
    path = Path(saved[1])
    assert path.is_file()
    assert _checkpoint_iteration(path) >= 1
    assert not list(path.parent.glob(".*.tmp")), "a temporary checkpoint file was left behind"
