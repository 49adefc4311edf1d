"""Helpers shared by the tests: running the scripts, small terrain overrides."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: PPO updates crawl with 2 threads on 2 busy cores

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROUGH_REWARD_WEIGHTS = {
    "track_lin_vel_xy_exp": 1.0,
    "track_ang_vel_z_exp": 0.5,
    "lin_vel_z_l2": -2.0,
    "ang_vel_xy_l2": -0.05,
    "dof_torques_l2": -1e-5,
    "dof_acc_l2": -2.5e-7,
    "action_rate_l2": -0.01,
    "feet_air_time": 1.0,
    "undesired_contacts": -1.0,
}
"""legged_gym's ``anymal_c_rough`` reward scales under our rough tasks' term names (Isaac Lab multiplies each by the
policy step, 0.02 s, as legged_gym does)."""

FIXTURE_POLICY = REPO / "tests" / "fixtures" / "walk_flat_anymalc_h200_it192.pt"
"""A Walk-Flat-AnymalC policy this project's train.py trained on an NVIDIA H200 (rsl_rl, 4096 robots, 192 iterations,
seed 1, trained with 44 collision shapes per ANYmal, before the legged_gym set became the default); it walks
(tests/fixtures/README.md)."""

# a 2 x 5 tile grid instead of 10 x 20: a fraction of the build time (its 5 columns lack slope_down and rough_slope)
SMALL_TERRAIN = [
    "env.scene.terrain.terrain_generator.num_rows=2",
    "env.scene.terrain.terrain_generator.num_cols=5",
]


def run_script(
    script: str, *args: str, cwd: Path, timeout: float = 600, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``scripts/<script>`` with the test interpreter in ``cwd`` (where its ``logs/`` go); ``env`` replaces
    the environment variables (default: this process's)."""
    env = dict(os.environ if env is None else env, PYTHONUNBUFFERED="1")
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / script), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{script} {' '.join(args)} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    return proc


def one_world_sim_cfg(num_robots: int):
    """The tasks' physics (5 ms steps, CPU) for a test scene holding ``num_robots`` robots in one world: MuJoCo Warp's
    contact and constraint room per world (sized for one robot) scaled by the robot count."""
    import isaaclab.sim as sim_utils

    from ext_walk_minutes.tasks.walk_env_cfg import walk_newton_cfg

    physics = walk_newton_cfg()
    physics.solver_cfg.nconmax *= num_robots
    physics.solver_cfg.njmax *= num_robots
    return sim_utils.SimulationCfg(dt=0.005, device="cpu", physics=physics)


def default_actuators(robot_cfg) -> dict:
    """``robot_cfg``'s actuators with each drive-model preset resolved to its default (what a run gets without a
    preset token)."""
    from isaaclab_tasks.utils import PresetCfg

    return {name: a.default if isinstance(a, PresetCfg) else a for name, a in robot_cfg.actuators.items()}


def walk_run(task: str, num_envs: int, overrides=(), agent: str = "rsl_rl", **spec_fields):
    """``(spec, configs)`` of a small CPU run of ``task`` with seed 0: a :class:`RunSpec` and its resolved configs."""
    from ext_walk_minutes.run.spec import RunSpec, resolve_configs

    spec = RunSpec(task, agent, "cpu", num_envs, 0, tuple(overrides), **spec_fields)
    return spec, resolve_configs(spec)


def build_terrain_recording_difficulties(grid_cfg):
    """Build ``grid_cfg``'s terrain generator on the CPU (numpy seeded 0), recording the difficulty each tile is
    meshed with, as Isaac Lab's tile meshing receives it (after our generator's snapping); ``(generator,
    difficulties)`` with the difficulties column by column, rows in order."""
    import numpy as np
    from isaaclab.terrains import TerrainGenerator

    seen: list[float] = []
    mesh_tile = TerrainGenerator._get_terrain_mesh

    def record(self, difficulty, cfg):
        seen.append(difficulty)
        return mesh_tile(self, difficulty, cfg)

    TerrainGenerator._get_terrain_mesh = record
    try:
        np.random.seed(0)
        generator = grid_cfg.class_type(grid_cfg, device="cpu")
    finally:
        TerrainGenerator._get_terrain_mesh = mesh_tile
    return generator, seen


def optimizer_steps(path) -> float:
    """Adam's step count in an rsl-rl or skrl checkpoint (the same for every parameter): PPO updates since the run
    began."""
    import torch

    data = torch.load(path, map_location="cpu", weights_only=False)
    state = data["optimizer_state_dict" if "optimizer_state_dict" in data else "optimizer"]["state"]
    (steps,) = {float(s["step"]) for s in state.values()}
    return steps


def usage_error(capsys, main, *argv: str) -> str:
    """The one ``error:`` line ``main(argv)`` prints on stderr, checked to exit 2 without a traceback."""
    assert main(list(argv)) == 2
    # Warp may print its no-CUDA warning first, on the first import of the simulator in this process
    err = [line for line in capsys.readouterr().err.strip().splitlines() if not line.startswith("Warp ")]
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def mounted_tmpfs(folder: Path, options: str):
    """Generator for a fixture: a tmpfs mounted with ``options`` (e.g. ``size=16k``, ``ro``) on ``folder`` (made),
    unmounted after; the test is skipped where mounting is not allowed (not root)."""
    import pytest

    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def start_script(script: str, *args: str, cwd: Path) -> subprocess.Popen:
    """Start ``scripts/<script>`` with the test interpreter in ``cwd``; its output (stderr merged) read line by line
    from ``stdout`` as it prints."""
    return subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / script), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )


def interrupt(proc: subprocess.Popen, seconds: float = 120) -> str:
    """Ctrl-C ``proc`` (SIGINT) and wait up to ``seconds`` for it to end; the rest of its output. Killed, and the
    timeout raised, if it does not end."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=seconds)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


def free_port() -> int:
    """A TCP port free on this machine now (for a live view's server)."""
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def wait_for_line(proc: subprocess.Popen, marker: str, seconds: float) -> list[str]:
    """The lines ``proc`` printed up to the first holding ``marker`` (within ``seconds``); an assertion error with
    its last lines if it ends or takes longer."""
    lines, deadline = [], time.monotonic() + seconds
    for line in proc.stdout:
        lines.append(line)
        if marker in line:
            return lines
        assert time.monotonic() < deadline, "".join(lines[-40:])
    raise AssertionError(f"the script ended before '{marker}':\n{''.join(lines[-40:])}")
