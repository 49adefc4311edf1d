"""Sim-to-sim on CPU: the shared H200 fixture policy, exported by ``play.py --export``, stands and walks in native
MuJoCo; ``scripts/sim2sim.py`` writes its table and turns bad input into one ``error:`` line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import mujoco
import numpy as np
import pytest

from ext_walk_minutes.studies import sim2sim
from ext_walk_minutes.studies.mujoco_runner.contract import load_contract, onnx_policy
from ext_walk_minutes.studies.mujoco_runner.model import STAIR_HEIGHT, STAIR_WIDTH, mujoco_model
from ext_walk_minutes.studies.mujoco_runner.robot import JointMap, height_scan, place_at_default_pose
from ext_walk_minutes.studies.mujoco_runner.rollout import rollout, stand
from helpers import FIXTURE_POLICY, REPO

pytestmark = pytest.mark.slow  # plays and exports the fixture policy, then runs it in MuJoCo

ENV = dict(os.environ, OMP_NUM_THREADS="1")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, str]:
    """A copy of the fixture checkpoint exported by play.py (policy.onnx + policy.json beside it), and play's output."""
    run = tmp_path_factory.mktemp("fixture_run")
    shutil.copy(FIXTURE_POLICY, run / "model_192.pt")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "play.py"),
            "--task",
            "Walk-Flat-AnymalC",
            "--checkpoint",
            str(run / "model_192.pt"),
            "--export",
            "--device",
            "cpu",
            "--num_envs",
            "2",
            "--steps",
            "5",
            "--figures",
            str(run / "figures.json"),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return run, done.stdout


def test_contract_carries_the_pd_law_and_the_robot(exported):
    contract = json.loads((exported[0] / "policy.json").read_text())
    assert contract["stiffness"] == [80.0] * 12 and contract["damping"] == [2.0] * 12  # not the simulator's zeros
    assert contract["drive"]["model"] == ["DCMotor"] * 12
    assert contract["drive"]["saturation_effort"] == [120.0] * 12
    # the fixture's stored training robot: the maker's colliders and hip abduction range
    assert contract["robot"] == {"description": "anymal_c", "collision_set": "detailed", "joint_limits": "manufacturer"}
    assert contract["task"] == "Walk-Flat-AnymalC"
    assert contract["commands"]["ranges"]["ang_vel_z"] == [-1.5, 1.5]


def test_play_figures_are_data(exported):
    """play.py hands its summary line's figures to scripts as data (``--figures``), not as text to parse."""
    figures = json.loads((exported[0] / "figures.json").read_text())
    assert figures["robots"] == 2 and figures["seconds"] == pytest.approx(0.1)
    assert f"distance walked {figures['distance_per_robot']:.2f} m per robot" in exported[1]


def test_robot_stands_under_the_contract_pd(exported):
    contract = load_contract(exported[0])
    heights = stand(contract, seconds=2.0)
    # our simulator holds ANYmal C at 0.49 m on these targets; MuJoCo with the no-slip pass settles near 0.51 m
    assert np.all(np.isfinite(heights))
    assert 0.45 < heights[-1] < 0.56
    assert abs(heights[-1] - heights[len(heights) // 2]) < 0.01, "still sinking after 1 s"


def test_mujoco_soft_friction_creeps(exported):
    """Why ``noslip`` is the default: under MuJoCo's default friction the standing robot spreads its feet."""
    contract = load_contract(exported[0])
    soft = stand(contract, seconds=2.0, contact="soft")
    noslip = stand(contract, seconds=2.0, contact="noslip")
    assert soft[-1] < noslip[-1] - 0.05


def test_fixture_policy_walks_in_mujoco(exported):
    contract = load_contract(exported[0])
    policy = onnx_policy(exported[0])
    result = rollout(contract, policy, robots=2, seconds=3.0, seed=1)
    assert result["finite"]
    assert result["falls"] == 0
    assert min(result["base_height"]) > 0.35
    assert result["distance_per_robot"] > 0.5  # commands up to 1 m/s for 3 s (a standing robot scores ~0)
    assert result["lin_vel_error"] < 0.5


def test_script_writes_the_table(exported, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "sim2sim.py"),
            "--policy",
            str(exported[0]),
            "--robots",
            "1",
            "--seconds",
            "1",
            "--no-play",
            "--out",
            str(tmp_path),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| MuJoCo" in done.stdout
    result = json.loads((tmp_path / "sim2sim.json").read_text())
    assert len(result["results"]) == 1
    assert "lin vel error" in (tmp_path / "sim2sim.md").read_text()


@pytest.mark.parametrize("files", [(), ("policy.onnx",)])
def test_bad_policy_folder_is_one_error_line(tmp_path, files):
    for name in files:
        (tmp_path / name).write_bytes(b"")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "sim2sim.py"), "--policy", str(tmp_path)],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unsupported_observation_is_one_error_line(exported, tmp_path):
    """A height_scan term without the ray pattern in the contract is refused before anything runs."""
    contract = json.loads((exported[0] / "policy.json").read_text())
    contract["observation"]["terms"].append(
        {"name": "height_scan", "slice": [48, 235], "scale": 5.0, "clip": [-1.0, 1.0], "noise": None}
    )
    (tmp_path / "policy.json").write_text(json.dumps(contract))
    shutil.copy(exported[0] / "policy.onnx", tmp_path / "policy.onnx")
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "sim2sim.py"), "--policy", str(tmp_path), "--no-play"],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and "height_scan" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_height_scan_sees_the_steps(exported):
    """The rough tasks' scan (Isaac Lab's own 1.6 m x 1.0 m grid at 0.1 m, 20 m above the base, yaw-aligned) by
    mj_ray: level ground reads base height - 0.5 m on every ray, each step down reads one step height more, and
    the robot's own legs are not seen."""
    from isaaclab.sensors.ray_caster import patterns

    pattern = patterns.GridPatternCfg(resolution=0.1, size=[1.6, 1.0])
    starts, directions = pattern.func(pattern, "cpu")
    scan = {
        "body": "base",
        "ray_starts": (starts + starts.new_tensor([0.0, 0.0, 20.0])).tolist(),
        "ray_direction": directions[0].tolist(),
        "alignment": "yaw",
        "offset": 0.5,
    }
    contract = load_contract(exported[0])
    for terrain, x in (("flat", 0.0), ("stairs", 0.95)):  # no ray on a step edge
        model = mujoco_model(contract, terrain)
        joints = JointMap.of(model, contract)
        data = mujoco.MjData(model)
        place_at_default_pose(model, data, joints, contract, (x, 0.0))
        heights = height_scan(model, data, scan).reshape(11, 17)  # rows y, columns x (x varies fastest)
        level = data.qpos[2] - 0.5
        if terrain == "flat":
            np.testing.assert_allclose(heights, level, atol=1e-6)
        else:
            ray_x = x + np.linspace(-0.8, 0.8, 17)
            steps_down = np.ceil(np.round((np.abs(ray_x) - 1.0) / STAIR_WIDTH, 6)).clip(min=0)
            np.testing.assert_allclose(heights[5], level + STAIR_HEIGHT * steps_down, atol=1e-6)


def test_several_checkpoints_need_checkpoint(exported, tmp_path):
    """A run folder with several checkpoints: which one was exported is not recorded, so play.py's side needs
    --checkpoint (one error line); MuJoCo alone (--no-play) does not."""
    for name in ("policy.onnx", "policy.json", "model_192.pt"):
        shutil.copy(exported[0] / name, tmp_path / name)
    shutil.copy(exported[0] / "model_192.pt", tmp_path / "model_100.pt")
    with pytest.raises(sim2sim.UsageError, match="several checkpoints"):
        sim2sim.find_checkpoint(tmp_path)
    assert (
        sim2sim.main(
            [
                "--policy",
                str(tmp_path),
                "--robots",
                "1",
                "--seconds",
                "0.2",
                "--no-play",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    assert sim2sim.main(["--policy", str(tmp_path), "--robots", "1", "--seconds", "0.2"]) == 2


def test_mujoco_locomotion_report(exported):
    """The locomotion report's metrics on MuJoCo's arrays: a robot holding its default pose (zero actions) stands
    on four feet (duty factor near 1, no steps, feet still once settled, cost of transport undefined); the fixture
    policy steps."""
    from ext_walk_minutes.common.locomotion import locomotion_report

    contract = load_contract(exported[0])
    recorded = []
    rollout(contract, lambda obs: np.zeros((len(obs), 12)), robots=1, seconds=2.0, recorder_out=recorded)
    still = locomotion_report(recorded[0])
    assert still["gait"]["duty_factor_mean"] > 0.95  # all but the drop from the spawn pose
    assert still["gait"]["touchdowns_per_second_mean"] == 0.0
    assert still["gait"]["slip_speed"]["median"] < 0.01  # feet rock for the first second after the drop
    assert still["effort"]["cost_of_transport"] is None and "undefined" in still["effort"]["note"]
    recorded = []
    rollout(contract, onnx_policy(exported[0]), robots=2, seconds=3.0, seed=1, recorder_out=recorded)
    walking = locomotion_report(recorded[0])
    assert sorted(recorded[0].feet) == ["LF_FOOT", "LH_FOOT", "RF_FOOT", "RH_FOOT"]
    assert 1.0 < walking["gait"]["touchdowns_per_second_mean"] < 6.0
    assert 0.3 < walking["gait"]["duty_factor_mean"] < 0.9
    assert walking["effort"]["torque_peak_of_limit"] <= 1.0 + 1e-6  # MuJoCo gets the contract's clipped torque
    assert walking["effort"]["cost_of_transport"] > 0.1


def test_script_writes_both_reports_side_by_side(exported, tmp_path):
    """With play.py: report/report.md has an Isaac Lab and a MuJoCo column, from the same metric code."""
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "sim2sim.py"),
            "--policy",
            str(exported[0]),
            "--robots",
            "2",
            "--seconds",
            "1",
            "--out",
            str(tmp_path),
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    text = (tmp_path / "report" / "report.md").read_text()
    assert "| metric | Isaac Lab | MuJoCo |" in text
    reports = json.loads((tmp_path / "report" / "report.json").read_text())
    assert reports["Isaac Lab"]["robots"] == reports["MuJoCo"]["robots"] == 2
    assert (tmp_path / "report" / "mujoco_gait_diagram.png").is_file()
