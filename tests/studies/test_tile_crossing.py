"""The evaluation's success criterion on scripted robots (no policy): crossing the tile vs a base contact."""

from __future__ import annotations

import pytest
import torch

from helpers import walk_run  # importing helpers sets OMP_NUM_THREADS before torch work

pytestmark = pytest.mark.slow


def test_teleported_robot_succeeds_and_tipped_robot_fails():
    from ext_walk_minutes.studies.evaluate import TileCrossing, configure_evaluation, place_robots
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Rough-AnymalC", 1, [], play_mode=True)
    # one column (slope_up), 2 levels (flat and an 11 deg pit), 2 robots per tile: robots 0, 1 on the flat tile
    configure_evaluation(configs.env_cfg, ["slope_up"], levels=2, robots=2, duration_s=2.0)
    with running_env(spec, configs) as env:
        base = env.unwrapped
        place_robots(env, robots=2)
        terrain = base.scene.terrain
        assert terrain.terrain_levels.tolist() == [0, 0, 1, 1] and terrain.terrain_types.tolist() == [0, 0, 0, 0]
        crossing = TileCrossing(env)
        robot = base.scene["robot"]
        start = robot.data.root_pos_w.torch.clone()
        assert torch.allclose(start[:, :2], terrain.env_origins[:, :2], atol=1e-4)  # tile centres

        pose = robot.data.root_pose_w.torch.clone()  # (x, y, z, qx, qy, qz, qw)
        ids = torch.tensor([0, 1, 2])
        pose[0, 0] += 4.5  # robot 0: teleported beyond the tile's far edge, upright
        pose[1, 2] = start[1, 2] - 0.25  # robot 1: upside down, base 0.35 m above the ground
        pose[1, 3:] = torch.tensor([1.0, 0.0, 0.0, 0.0])
        pose[2, 0] -= 4.5  # robot 2: beyond the near edge, walking the wrong way is no success
        robot.write_root_pose_to_sim_index(root_pose=pose[ids], env_ids=ids)
        robot.write_root_velocity_to_sim_index(root_velocity=torch.zeros(3, 6), env_ids=ids)

        zero = torch.zeros(base.num_envs, base.action_manager.total_action_dim)
        for _ in range(25):
            env.step(zero)
            crossing.update(env)
        assert crossing.succeeded.tolist() == [True, False, False, False]
        assert crossing.failed.tolist() == [False, True, False, False]
        # outcomes are final: robot 1 was reset to its tile centre after the contact and is still a failure
        assert robot.data.projected_gravity_b.torch[1, 2] < -0.9  # upright again
