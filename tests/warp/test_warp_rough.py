"""The rough task on Isaac Lab's Warp frontend: our Warp twin of Isaac Lab's ``height_scan`` (which Isaac Lab's Warp
frontend lacks) gives Isaac Lab's torch values on the same state, and the task steps with its terrain curriculum.

Isaac Lab's Warp terms allow one Warp env per process (they keep buffers on their functions), so the rough env is
built in a child process (:func:`_check_rough_env`) and reports what the test asserts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a rough Warp-frontend env

NUM_ENVS = 4


def _check_rough_env(out: str) -> None:
    """Child process: build the rough task on the Warp frontend, step it and write the checks' values to ``out``."""
    import torch
    import warp as wp
    from isaaclab.envs.mdp import height_scan as torch_term
    from isaaclab.managers import SceneEntityCfg
    from isaaclab_experimental.managers import SceneEntityCfg as WarpSceneEntityCfg

    from ext_walk_minutes.run.spec import running_env
    from ext_walk_minutes.warp.mdp import height_scan as warp_term
    from helpers import SMALL_TERRAIN, walk_run

    spec, configs = walk_run("Walk-Rough-AnymalC", NUM_ENVS, SMALL_TERRAIN, frontend="warp")
    with running_env(spec, configs) as gym_env:
        env = gym_env.unwrapped
        gym_env.reset()
        torch.manual_seed(0)
        finite = True
        for _ in range(10):  # random actions: the robots move over the tiles
            obs, reward, *_ = gym_env.step(2 * torch.rand(NUM_ENVS, 12) - 1)
            finite &= bool(torch.isfinite(obs["policy"]).all() and torch.isfinite(reward).all())
        scan = wp.zeros((NUM_ENVS, 187), dtype=wp.float32, device=env.device)
        warp_term(env, scan, WarpSceneEntityCfg("height_scanner"), 0.5)
        expected = torch_term(env, SceneEntityCfg("height_scanner"), 0.5)
        env.episode_length_buf[:] = env.max_episode_length  # every robot times out: the curriculum moves them
        gym_env.step(torch.zeros(NUM_ENVS, 12))
        result = {
            "scan_func": env.cfg.observations.policy.height_scan.func.__module__,
            "obs_shape": list(obs["policy"].shape),
            "finite": finite,
            "scan_max_abs_diff": float((wp.to_torch(scan) - expected).abs().max()),
            "scan_shape": list(expected.shape),
            "scan_std_per_robot": expected.std(dim=1).tolist(),
            "log_keys": sorted(env.extras["log"]),
        }
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def test_height_scan_and_the_rough_task(tmp_path):
    """187 heights per robot [m] below the scanner, less 0.5 m: the twin's equal Isaac Lab's torch term's; 235
    finite observations (48 + the scan), finite rewards, the terrain curriculum's per-type levels logged."""
    out = tmp_path / "rough.json"
    tests = Path(__file__).resolve().parents[1]
    code = f"import sys; sys.path[:0] = [{str(tests)!r}, {str(Path(__file__).parent)!r}]; "
    code += f"import test_warp_rough; test_warp_rough._check_rough_env({str(out)!r})"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=600)
    result = json.loads(out.read_text())
    assert result["scan_func"] == "ext_walk_minutes.warp.mdp.observations"
    assert result["scan_shape"] == [NUM_ENVS, 187] and result["scan_max_abs_diff"] < 1e-5
    assert max(result["scan_std_per_robot"]) > 0.005  # uneven ground under some robots (slopes, stairs, rough)
    assert result["obs_shape"] == [NUM_ENVS, 235] and result["finite"]
    assert "Curriculum/terrain_levels/mean" in result["log_keys"]
