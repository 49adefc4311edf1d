"""docker/entrypoint.sh outside Docker: with the repository's .venv it trains headless into ./logs."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from helpers import REPO

pytestmark = pytest.mark.slow  # trains through the image's entry point

ENTRYPOINT = REPO / "docker" / "entrypoint.sh"


def test_entrypoint_trains_one_iteration_into_logs(tmp_path):
    # tmp_path stands for the image's /app with the host's logs/ mounted: logs go to ./logs
    # the flat task (quicker to build) instead of the preset's rough one: flags win over the preset
    proc = subprocess.run(
        [
            str(ENTRYPOINT),
            "--preset",
            "cpu-debug",
            "--task",
            "Walk-Flat-AnymalC",
            "--num_envs",
            "2",
            "--max_iterations",
            "1",
            "env.episode_length_s=10",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k not in ("WALK_PYTHON", "WALK_TRAIN_ARGS")},
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    (run_dir,) = (tmp_path / "logs" / "rsl_rl" / "Walk-Flat-AnymalC").iterdir()
    assert (run_dir / "model_0.pt").is_file()

    # the preset, with the command line winning, is printed, saved, and is what the env config holds
    resolved = yaml.safe_load((run_dir / "resolved_config.yaml").read_text())
    assert resolved["preset"] == "cpu-debug" and resolved["device"] == "cpu" and resolved["task"] == "Walk-Flat-AnymalC"
    assert resolved["num_envs"] == 2 and resolved["max_iterations"] == 1  # not the preset's 8 and 3
    assert resolved["overrides"] == {
        "env.scene.terrain.terrain_generator.num_rows": 2,
        "env.scene.terrain.terrain_generator.num_cols": 11,
        "env.episode_length_s": 10,
    }
    assert "| preset cpu-debug |" in proc.stdout  # the config line under the task line
    env = yaml.unsafe_load(  # Isaac Lab writes python tuples and slices; our own file
        (run_dir / "params" / "env.yaml").read_text()
    )
    grid = env["scene"]["terrain"]["terrain_generator"]
    assert (env["scene"]["num_envs"], grid["num_rows"], grid["num_cols"], env["episode_length_s"]) == (2, 2, 11, 10.0)


def test_entrypoint_interpreter_and_leading_arguments(tmp_path):
    # what the PhysX image sets: another interpreter command and physics=isaacsim_physx in front
    fake = tmp_path / "python-stand-in"
    fake.write_text('#!/usr/bin/env bash\necho "args: $*"\necho "threads: $OMP_NUM_THREADS $PYTHONUNBUFFERED"\n')
    fake.chmod(0o755)
    env = dict(os.environ, WALK_PYTHON=f"{fake} -p", WALK_TRAIN_ARGS="physics=isaacsim_physx")
    env.pop("OMP_NUM_THREADS", None)
    out = subprocess.run(
        [str(ENTRYPOINT), "--preset", "paper", "physics=newton_mjwarp"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    train = REPO / "scripts" / "train.py"
    assert f"args: -p {train} physics=isaacsim_physx --preset paper physics=newton_mjwarp" in out
    assert "threads: 1 1" in out
