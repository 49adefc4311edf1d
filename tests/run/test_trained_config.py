"""A checkpoint carries its task, backend, overrides and physics (run/trained_config.py): play, evaluate and resume
rebuild that config unless told not to, the command line's key=value arguments win, and a checkpoint of another task
is one error line. The fixture carries the physics it was trained in, its weights untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
import torch

from helpers import FIXTURE_POLICY, usage_error, walk_run

from ext_walk_minutes.run import trained_config

FIXTURE_WEIGHTS_SHA256 = "6c7b6ea0d59c931e4c5f8ac1d63ce1e1f2280531d12683ad836f6b177d47d087"
"""The fixture's actor and critic tensors as trained (names, dtypes, bytes), before its config was added."""

FIXTURE_PHYSICS = {
    "env.sim.dt": 0.005,
    "env.decimation": 4,
    "env.sim.physics.num_substeps": 2,
    "env.scene.robot.spawn.collision_set": "detailed",
    "env.events.physics_material.params.friction_range": [1.0, 1.25],
    "env.scene.robot.spawn.joint_limits": "manufacturer",  # the maker's HAA range (legged_gym's URDF has none)
}


def _weights_digest(data: dict) -> str:
    digest = hashlib.sha256()
    for part in ("actor_state_dict", "critic_state_dict"):
        for name, tensor in sorted(data[part].items()):
            digest.update(name.encode())
            digest.update(str(tensor.dtype).encode())
            digest.update(tensor.contiguous().numpy().tobytes())
    return digest.hexdigest()


def test_fixture_carries_its_training_config_and_weights():
    data = torch.load(FIXTURE_POLICY, map_location="cpu", weights_only=True)
    assert _weights_digest(data) == FIXTURE_WEIGHTS_SHA256, "the fixture's weights changed"
    entry = trained_config.in_checkpoint(data)
    assert entry["task"] == "Walk-Flat-AnymalC" and entry["agent"] == "rsl_rl"
    assert entry["physics"] == FIXTURE_PHYSICS and entry["overrides"] == []
    assert data["iter"] == 192


def _fixture_tokens() -> tuple[str, ...]:
    return trained_config.overrides_of(trained_config.of_checkpoint(FIXTURE_POLICY))


def test_stored_config_is_rebuilt_and_the_command_line_wins(capsys):
    """The fixture's stored settings make its config (no env built); a key=value argument replaces its stored value
    and keeps the others; a stored key the config lacks is left out, said in one line."""
    _, stored = walk_run("Walk-Flat-AnymalC", 2, play_mode=True, trained=_fixture_tokens())
    env = stored.env_cfg
    assert env.scene.robot.spawn.collision_set == "detailed" and env.sim.physics.num_substeps == 2
    assert tuple(env.events.physics_material.params["friction_range"]) == (1.0, 1.25)

    tokens = (*_fixture_tokens(), "env.sim.physics.no_such_field=3")
    _, mine = walk_run("Walk-Flat-AnymalC", 2, ["env.sim.physics.num_substeps=1"], play_mode=True, trained=tokens)
    assert mine.env_cfg.sim.physics.num_substeps == 1 and mine.env_cfg.scene.robot.spawn.collision_set == "detailed"
    assert "not applied (no such field in this config): env.sim.physics.no_such_field=3" in capsys.readouterr().out

    _, today = walk_run("Walk-Flat-AnymalC", 2, play_mode=True)  # --no-trained-config: the task's defaults
    assert today.env_cfg.scene.robot.spawn.collision_set != "detailed"


def test_a_run_records_what_it_resolved():
    """What training saves: the task, backend, overrides as applied and the physics by value (plain data)."""
    spec, configs = walk_run("Walk-Flat-AnymalC", 2, ["env.sim.physics.num_substeps=2"])
    entry = trained_config.record(spec.task, spec.agent, configs.overrides, configs.env_cfg, configs.agent_cfg)
    assert entry["overrides"] == ["env.sim.physics.num_substeps=2"]
    assert entry["physics"]["env.sim.physics.num_substeps"] == 2
    assert isinstance(entry["physics"]["env.events.physics_material.params.friction_range"], list)
    assert set(entry["physics"]) == set(FIXTURE_PHYSICS)


def test_a_run_folder_speaks_for_an_older_checkpoint(tmp_path):
    """A checkpoint without the entry: task and overrides from its run folder's run.json and resolved_config.yaml."""
    (tmp_path / "run.json").write_text(json.dumps({"library": "rsl_rl", "task": "Walk-Rough-AnymalC"}))
    (tmp_path / "resolved_config.yaml").write_text("overrides:\n  env.sim.physics.num_substeps: 2\n")
    entry = trained_config.of_checkpoint(tmp_path / "model_4.pt", {"actor_state_dict": {}})
    assert entry["task"] == "Walk-Rough-AnymalC"
    assert trained_config.overrides_of(entry) == ("env.sim.physics.num_substeps=2",)


def test_play_names_the_trained_task(capsys):
    """The fixture played on the rough task: one error line naming its task, before the simulator starts."""
    from ext_walk_minutes.cli import play as play_cli

    err = usage_error(
        capsys, play_cli.main, "--device", "cpu", "--task", "Walk-Rough-AnymalC", "--checkpoint", str(FIXTURE_POLICY)
    )
    assert "was trained on Walk-Flat-AnymalC; run it with --task Walk-Flat-AnymalC or leave --task out" in err


def test_evaluate_refuses_another_robot(capsys):
    from ext_walk_minutes.studies import evaluate

    err = usage_error(
        capsys, evaluate.main, "--device", "cpu", "--task", "Walk-Rough-A1", "--checkpoint", str(FIXTURE_POLICY)
    )
    assert "trained on Walk-Flat-AnymalC" in err and "--task Walk-Rough-AnymalC" in err


def test_resume_names_the_stored_task(capsys, tmp_path, monkeypatch):
    """A checkpoint outside any run folder still names its task to ``train --resume``."""
    from ext_walk_minutes.cli import train as train_cli

    monkeypatch.chdir(tmp_path)
    data = torch.load(FIXTURE_POLICY, map_location="cpu", weights_only=True)
    copy = tmp_path / "model_192.pt"
    torch.save(data, copy)
    err = usage_error(
        capsys, train_cli.main, "--device", "cpu", "--num_envs", "2", "--task", "Walk-Flat-A1", "--resume", str(copy)
    )
    assert "was trained on Walk-Flat-AnymalC; resume it with --task Walk-Flat-AnymalC" in err


# play.py in a child process, its env's config read from the env it built (the real play code; the wrapper only looks)
_SPY = """
import contextlib, json, sys
from ext_walk_minutes.cli import play as play_cli
build = play_cli.running_policy

@contextlib.contextmanager
def looked_at(spec, configs, checkpoint):
    with build(spec, configs, checkpoint) as run:
        cfg = run.env.unwrapped.cfg
        seen = {
            "collision_set": cfg.scene.robot.spawn.collision_set,
            "num_substeps": cfg.sim.physics.num_substeps,
            "friction_range": list(cfg.events.physics_material.params["friction_range"]),
            "task": spec.task,
        }
        open(sys.argv[1], "w").write(json.dumps(seen))
        yield run

play_cli.running_policy = looked_at
sys.exit(play_cli.main(sys.argv[2:]))
"""


@pytest.mark.slow
def test_play_builds_the_stored_config_and_the_command_line_wins(tmp_path):
    """The fixture with no --task and one key=value argument: the env built has its stored task, collision set and
    substeps, and the argument's friction; it walks."""
    seen = tmp_path / "seen.json"
    checkpoint = tmp_path / "walk_flat_anymalc_h200_it192.pt"
    shutil.copy(FIXTURE_POLICY, checkpoint)  # a lone file, outside any run folder
    done = subprocess.run(
        [sys.executable, "-c", _SPY, str(seen), "--device", "cpu", "--num_envs", "2", "--steps", "50"]
        + ["--checkpoint", str(checkpoint), "env.events.physics_material.params.friction_range=[0.8,0.9]"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert json.loads(seen.read_text()) == {
        "collision_set": "detailed",
        "num_substeps": 2,
        "friction_range": [0.8, 0.9],
        "task": "Walk-Flat-AnymalC",
    }
    assert "[play] trained config: env.sim.dt=0.005" in done.stdout
    walked = float(done.stdout.split("distance walked ")[1].split(" m")[0])
    assert walked > 0.3, done.stdout[-2000:]
