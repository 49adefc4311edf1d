"""End to end per backend: train 2 iterations, play and export the checkpoint (the exports compute the checkpoint's
actor), resume (iteration and optimizer state go on), and Ctrl-C."""

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

from helpers import REPO, SMALL_TERRAIN, optimizer_steps, run_script

pytestmark = pytest.mark.slow  # trains, plays, exports and resumes per backend

# rsl_rl trains the rough task, skrl the flat one: both backends and both tasks go through training
CASES = {"rsl_rl": "Walk-Rough-AnymalC", "skrl": "Walk-Flat-AnymalC"}
NUM_ENVS = "4"
PROGRESS = re.compile(
    r"\] it (\d+)/(\d+) \| ([\d,]+) env-steps/s \| ETA [\d:]+ \| tracking xy \S+ yaw \S+ \| ended \d+, fell \S+ \| "
    r"ep len \S+ \| reward \S+ \| terrain level (\S+)"
)


def _checkpoint_iteration(path: Path) -> int:
    return int(torch.load(path, map_location="cpu", weights_only=False)["iter"])


def _trained_config(path: Path) -> dict:
    from ext_walk_minutes.run.trained_config import in_checkpoint

    return in_checkpoint(torch.load(path, map_location="cpu", weights_only=True))


def _actor_from_checkpoint(state: dict):
    """The deterministic actor rebuilt from a checkpoint's state dict alone: its Linear layers (in order) with ELU
    between them (the tasks' actor); fails on any other tensor but the action std (e.g. an observation normaliser
    the export would have to include)."""
    layers = [k.removesuffix(".weight") for k, v in state.items() if k.endswith(".weight") and v.ndim == 2]
    known = {f"{name}.{part}" for name in layers for part in ("weight", "bias")}
    assert all(k in known or "std" in k for k in state), list(state)

    def actor(x: torch.Tensor) -> torch.Tensor:
        for i, name in enumerate(layers):
            x = x @ state[f"{name}.weight"].T + state[f"{name}.bias"]
            x = torch.nn.functional.elu(x) if i < len(layers) - 1 else x
        return x

    return actor


def _latest_checkpoint(run_dir: Path) -> Path:
    from ext_walk_minutes.run.checkpoints import checkpoints_in

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
    stored = _trained_config(first)  # rsl-rl: in infos; skrl: an entry of its dict
    assert (stored["task"], stored["agent"], stored["overrides"]) == (task, agent, SMALL_TERRAIN)
    assert stored["physics"]["env.sim.physics.num_substeps"] == 1

    # -- play loads it (no --agent: inferred from the checkpoint) and exports ONNX + TorchScript + contract
    out = run_script(
        "play.py",
        "--task",
        task,
        "--checkpoint",
        "latest",
        "--num_envs",
        NUM_ENVS,
        "--steps",
        "20",
        "--export",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    ).stdout
    errors = re.search(r"torchscript ([\d.e+-]+), onnx ([\d.e+-]+)", out)
    assert errors and max(float(errors[1]), float(errors[2])) <= 1e-5, out[-2000:]
    metrics = re.search(
        r"lin vel error ([\d.]+) m/s \| yaw rate error ([\d.]+) rad/s \| distance walked ([\d.]+) m", out
    )
    assert metrics and all(np.isfinite(float(v)) for v in metrics.groups()), out[-2000:]
    export_dir = first.parent
    contract = json.loads((export_dir / "policy.json").read_text())
    obs_dim = 48 if "Flat" in task else 235
    assert contract["observation"]["size"] == obs_dim
    assert contract["action"]["joint_names"][0].endswith(("HAA", "HFE", "KFE"))
    assert len(contract["action"]["joint_names"]) == 12
    assert contract["action"]["action_scale"] == 0.5
    assert contract["control_rate_hz"] == pytest.approx(50.0)
    # ANYmal C's standing pose (legged_gym's), joint by joint, and the observation's scales and clips
    defaults = {"HAA": 0.0, "F_HFE": 0.4, "H_HFE": -0.4, "F_KFE": -0.8, "H_KFE": 0.8}
    assert contract["action"]["default_joint_pos"] == pytest.approx(
        [next(v for k, v in defaults.items() if name.endswith(k)) for name in contract["action"]["joint_names"]]
    )
    terms = {t["name"]: t for t in contract["observation"]["terms"]}
    scales = {
        "base_lin_vel": 2.0,
        "base_ang_vel": 0.25,
        "projected_gravity": 1.0,
        "velocity_commands": [2, 2, 0.25],
        "joint_pos": 1.0,
        "joint_vel": 0.05,
        "actions": 1.0,
        **({} if "Flat" in task else {"height_scan": 5.0}),
    }
    assert list(terms) == list(scales)  # legged_gym's order
    assert all(terms[name]["scale"] == pytest.approx(scale) for name, scale in scales.items()), terms
    assert terms["base_lin_vel"]["clip"] == [-50.0, 50.0] and terms["joint_vel"]["clip"] == [-2000.0, 2000.0]
    assert [t["slice"][1] - t["slice"][0] for t in terms.values()][:7] == [3, 3, 3, 3, 12, 12, 12]
    # both exported files compute the checkpoint's actor (rebuilt from its tensors alone) on random inputs
    import onnxruntime as ort

    checkpoint = torch.load(first, map_location="cpu", weights_only=False)
    actor = _actor_from_checkpoint(checkpoint["actor_state_dict" if agent == "rsl_rl" else "policy"])
    x = torch.randn(32, obs_dim)
    with torch.no_grad():
        expected = actor(x).numpy()
    jit_out = torch.jit.load(str(export_dir / "policy.pt"))(x).detach().numpy()
    sess = ort.InferenceSession(str(export_dir / "policy.onnx"), providers=["CPUExecutionProvider"])
    onnx_out = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    assert jit_out.shape == (32, 12)
    np.testing.assert_allclose(jit_out, expected, atol=1e-5)
    np.testing.assert_allclose(onnx_out, expected, atol=1e-5)

    # -- resume continues the iteration count and the optimizer: Adam's step count goes on from the checkpoint's
    # (2 iterations' updates + 1 more; a resume with a fresh optimizer would hold 1 iteration's); it rebuilds the
    # run's config from the checkpoint (the small terrain is not given again)
    out = run_script(
        "train.py", *common[: -len(SMALL_TERRAIN)], "--max_iterations", "1", "--resume", "latest", cwd=tmp_path
    ).stdout
    assert [int(i) for i, *_ in PROGRESS.findall(out)] == [3], out[-2000:]
    newest = max((d for d in (tmp_path / "logs" / agent / task).iterdir()), key=lambda d: d.name)
    assert newest != run_dir
    resumed = _latest_checkpoint(newest)
    assert _checkpoint_iteration(resumed) == 2
    # the stored physics pins, then the stored overrides, all applied as overrides of the resumed run
    assert _trained_config(resumed)["overrides"][-len(SMALL_TERRAIN) :] == SMALL_TERRAIN, out[-2000:]
    first_steps = optimizer_steps(first)
    assert first_steps > 0 and optimizer_steps(resumed) == pytest.approx(first_steps * 3 / 2)


def test_ctrl_c_saves_a_checkpoint(tmp_path):
    """SIGINT during training writes a checkpoint of the last finished iteration and exits 130."""
    cmd = [
        sys.executable,
        str(REPO / "scripts" / "train.py"),
        "--task",
        "Walk-Flat-AnymalC",
        "--num_envs",
        NUM_ENVS,
        "--device",
        "cpu",
        "--max_iterations",
        "1000",
        *SMALL_TERRAIN,
    ]
    # a terminal's Ctrl-C: SIGINT handled, also when the test runner itself was started in the background (where
    # the shell ignores SIGINT and Python then installs no KeyboardInterrupt handler)
    proc = subprocess.Popen(
        cmd,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
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
