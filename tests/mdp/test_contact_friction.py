"""The friction MuJoCo Warp uses in each foot-ground contact, read from the running solver: legged_gym's effective
friction, one value per robot, drawn from U(0.5, 1.25) on flat ground and U(0.75, 1.125) on rough terrain (its robot
friction averaged with its ground's 1.0, as PhysX combines them)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import walk_run

pytestmark = pytest.mark.slow  # builds a flat and a rough env of 48 robots

NUM_ENVS = 48
EXPECTED = {"Walk-Flat-AnymalC": (0.5, 1.25), "Walk-Rough-AnymalC": (0.75, 1.125)}


def foot_ground_friction(task: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(robot of each foot-ground contact, its sliding friction, each robot's drawn friction)`` after a second of
    standing on ``task``'s ground."""
    from isaaclab_newton.physics import NewtonManager

    from ext_walk_minutes.run.spec import running_env

    terrain = ["env.scene.terrain.terrain_generator.num_rows=2", "env.scene.terrain.terrain_generator.num_cols=5"]
    spec, configs = walk_run(task, NUM_ENVS, terrain)
    with running_env(spec, configs) as gym_env:
        env = gym_env.unwrapped
        gym_env.reset()
        for _ in range(50):
            gym_env.step(torch.zeros(env.num_envs, env.action_manager.total_action_dim))
        solver, model = NewtonManager._solver, env.sim.physics_manager.get_model()
        d = solver.mjw_data
        nacon = int(d.nacon.numpy()[0])
        geoms, worlds = d.contact.geom.numpy()[:nacon], d.contact.worldid.numpy()[:nacon]
        friction = d.contact.friction.numpy()[:nacon, 0]
        ground = solver.mjw_model.geom_bodyid.numpy()[geoms] == 0  # the world body holds only the terrain
        shapes = solver.mjc_geom_to_newton_shape.numpy()[worlds[:, None], geoms]
        bodies = model.shape_body.numpy()[shapes]
        on_foot = np.array([model.body_label[b].endswith("FOOT") if b >= 0 else False for b in bodies.ravel()])
        foot_ground = ground.any(axis=1) & on_foot.reshape(bodies.shape).any(axis=1)
        drawn = env.event_manager.get_term_cfg("physics_material").func.shape_friction[:, 0].numpy()
        return worlds[foot_ground], friction[foot_ground], drawn


@pytest.mark.parametrize("task", list(EXPECTED))
def test_each_foot_ground_contact_has_its_robots_effective_friction(task):
    low, high = EXPECTED[task]
    robots, friction, drawn = foot_ground_friction(task)
    standing = np.unique(robots)
    print(
        f"{task}: {len(friction)} foot-ground contacts of {len(standing)} robots, friction {friction.min():.3f}-"
        f"{friction.max():.3f}, mean over robots {drawn[standing].mean():.3f}"
    )
    assert len(standing) >= NUM_ENVS // 2  # most robots stand on their feet after 1 s
    np.testing.assert_allclose(friction, drawn[robots], rtol=0, atol=1e-6)  # the robot's own draw, not the ground's
    per_robot = drawn[standing]
    assert per_robot.min() >= low and per_robot.max() <= high
    width = high - low  # the draws span the range: 24+ uniform draws leave less than 15 % unreached at an end
    assert per_robot.min() < low + 0.15 * width and per_robot.max() > high - 0.15 * width
    assert abs(per_robot.mean() - (low + high) / 2) < 0.15 * width
