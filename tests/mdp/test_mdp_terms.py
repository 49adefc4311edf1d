"""The rough task's MDP terms on a real env (Newton, CPU): rewards, observations, commands, randomisation,
terminations and the game-inspired curriculum, each checked against legged_gym's definition on states we set.

One env (10 robots, 3 x 5 tiles) is shared by the module; every test writes the state it needs, starts from a seeded
random generator, and what the tests change (robot states, terrain levels, commands, episode counters, actions,
frictions) is put back after each, so the tests pass in any order (see :func:`isolated`).
"""

from __future__ import annotations

import math

import pytest
import torch

from ext_walk_minutes.mdp import GROUND_FRICTION
from helpers import ROUGH_REWARD_WEIGHTS, walk_run

NUM_ENVS = 10


@pytest.fixture(scope="module")
def env():
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run(
        "Walk-Rough-AnymalC",
        NUM_ENVS,
        ["env.scene.terrain.terrain_generator.num_rows=3", "env.scene.terrain.terrain_generator.num_cols=5"],
    )
    with running_env(spec, configs) as gym_env:
        gym_env.reset()
        yield gym_env.unwrapped


@pytest.fixture(autouse=True)
def isolated(request):
    """Seed the random generator before each test and restore the shared env's state after it."""
    torch.manual_seed(0)
    if "env" not in request.fixturenames:
        yield
        return
    env = request.getfixturevalue("env")
    friction = env.event_manager.get_term_cfg("physics_material").func
    am = env.action_manager
    saved = [
        env.scene.terrain.terrain_levels,
        env.scene.terrain.env_origins,
        env.episode_length_buf,
        env.command_manager.get_term("base_velocity").vel_command_b,
        am._action,
        am._prev_action,
        friction.shape_friction,
    ]
    copies = [t.clone() for t in saved]
    yield
    for tensor, copy in zip(saved, copies):
        tensor.copy_(copy)
    from newton import ModelFlags

    env.sim.physics_manager.add_model_change(ModelFlags.SHAPE_PROPERTIES)
    _place(env, list(range(NUM_ENVS)))  # upright and at rest on its (restored) tile


def _place(env, ids, offset_xy=(0.0, 0.0), lin_vel=(0.0, 0.0, 0.0), ang_vel=(0.0, 0.0, 0.0)):
    """Put robots ``ids`` upright, yaw 0, 0.6 m above their tile origin (+ offset), with the given world velocity."""
    robot = env.scene["robot"]
    ids = torch.as_tensor(ids)
    pose = torch.zeros(len(ids), 7)
    pose[:, :3] = env.scene.env_origins[ids] + torch.tensor([*offset_xy, 0.6])
    pose[:, 6] = 1.0  # quaternion (x, y, z, w)
    robot.write_root_pose_to_sim_index(root_pose=pose, env_ids=ids)
    vel = torch.tensor([*lin_vel, *ang_vel]).repeat(len(ids), 1)
    robot.write_root_velocity_to_sim_index(root_velocity=vel, env_ids=ids)
    robot.write_joint_state_to_sim_index(
        position=robot.data.default_joint_pos.torch[ids].clone(), velocity=torch.zeros(len(ids), 12), env_ids=ids
    )


def _term(env, manager, name):
    cfg = manager.get_term_cfg(name)
    return lambda **extra: cfg.func(env, **{**cfg.params, **extra})


# ---------------------------------------------------------------------------------------------------------- rewards


def test_reward_weights_are_legged_gyms(env):
    weights = {name: env.reward_manager.get_term_cfg(name).weight for name in env.reward_manager.active_terms}
    assert weights == ROUGH_REWARD_WEIGHTS
    assert env.step_dt == pytest.approx(0.02)  # Isaac Lab multiplies each weight by it, as legged_gym


def test_velocity_rewards_on_a_set_state(env):
    ids = [0, 1]
    _place(env, ids, lin_vel=(0.6, -0.2, 0.1), ang_vel=(0.3, -0.1, 0.2))
    env.command_manager.get_term("base_velocity").vel_command_b[ids] = torch.tensor([1.0, 0.0, 0.5])
    rm = env.reward_manager
    expected = {
        "track_lin_vel_xy_exp": math.exp(-(0.4**2 + 0.2**2) / 0.25),
        "track_ang_vel_z_exp": math.exp(-(0.3**2) / 0.25),
        "lin_vel_z_l2": 0.1**2,
        "ang_vel_xy_l2": 0.3**2 + 0.1**2,
    }
    for name, value in expected.items():
        got = _term(env, rm, name)()[ids]
        torch.testing.assert_close(got, torch.full((2,), value), atol=1e-4, rtol=1e-4, msg=name)


def test_action_rate_on_a_set_state(env):
    ids = [2, 3]
    _place(env, ids)
    am = env.action_manager
    actions = torch.zeros(NUM_ENVS, 12)
    actions[ids] = 0.1
    prev = am.action.clone()
    prev[ids] = torch.linspace(-0.2, 0.2, 12)
    am._prev_action[:] = prev
    am._action[:] = actions
    rate = _term(env, env.reward_manager, "action_rate_l2")()[ids]
    torch.testing.assert_close(rate, ((0.1 - torch.linspace(-0.2, 0.2, 12)) ** 2).sum().repeat(2))


def test_dof_acc_differences_joint_velocities_over_a_policy_step(env):
    ids = torch.tensor([4, 5])
    robot = env.scene["robot"]
    term_cfg = env.reward_manager.get_term_cfg("dof_acc_l2")
    term_cfg.func.reset(ids)
    qd1, qd2 = torch.linspace(-1.0, 1.0, 12), torch.linspace(0.5, -0.5, 12)
    pos = robot.data.default_joint_pos.torch[ids].clone()
    robot.write_joint_state_to_sim_index(position=pos, velocity=qd1.repeat(2, 1), env_ids=ids)
    first = term_cfg.func(env, **term_cfg.params)[ids]  # previous velocity is zero after a reset
    torch.testing.assert_close(first, ((qd1 / 0.02) ** 2).sum().repeat(2), rtol=1e-4, atol=1e-2)
    robot.write_joint_state_to_sim_index(position=pos, velocity=qd2.repeat(2, 1), env_ids=ids)
    second = term_cfg.func(env, **term_cfg.params)[ids]
    torch.testing.assert_close(second, (((qd1 - qd2) / 0.02) ** 2).sum().repeat(2), rtol=1e-4, atol=1e-2)


def _contact_state(env, forces_by_body: dict[str, float], air_by_foot: dict[str, tuple[float, float]]):
    """Set the contact sensor: net force norms (along z) per body, and per foot (last air time, contact time)."""
    sensor = env.scene.sensors["contact_forces"]
    data = sensor.data
    for history in (data.net_forces_w_history.torch, data.net_normal_forces_w_history.torch):
        history.zero_()
        for body, force in forces_by_body.items():
            history[:, :, sensor.body_names.index(body), 2] = force
    for foot, (air, contact) in air_by_foot.items():
        b = sensor.body_names.index(foot)
        data.last_air_time.torch[:, b] = air
        data.current_contact_time.torch[:, b] = contact
        data.current_air_time.torch[:, b] = 0.0 if contact > 0 else air


def test_feet_air_time_collision_and_base_contact_on_set_contacts(env):
    command = env.command_manager.get_term("base_velocity").vel_command_b
    command[:] = torch.tensor([0.5, 0.0, 0.0])
    command[1] = 0.0  # no air-time reward without a walking command (||c_xy|| <= 0.1)
    # LF lands after 0.8 s in the air, RH after 0.3 s, LH landed long ago, RF is in the air
    _contact_state(
        env,
        {"LF_THIGH": 5.0, "RH_SHANK": 0.05, "LH_SHANK": 0.2},
        {"LF_FOOT": (0.8, 0.01), "RH_FOOT": (0.3, 0.005), "LH_FOOT": (0.4, 1.0), "RF_FOOT": (0.2, 0.0)},
    )
    air = _term(env, env.reward_manager, "feet_air_time")()
    assert air[0].item() == pytest.approx((0.8 - 0.5) + (0.3 - 0.5), abs=1e-5)
    assert air[1].item() == 0.0
    # collision: penalised bodies (thighs, shanks) with a force above 0.1 N: LF_THIGH and LH_SHANK
    assert _term(env, env.reward_manager, "undesired_contacts")()[0].item() == 2.0
    base_contact = _term(env, env.termination_manager, "base_contact")
    assert not base_contact()[0]
    _contact_state(env, {"base": 1.5}, {})
    assert base_contact()[0]


def test_single_foot_contact_on_set_forces(env):
    """Cassie's ``no_fly`` term (legged_gym's) on this env's real contact sensor, two of ANYmal's feet standing in for
    the biped's: 1 where exactly one of the feet pushes down by more than 0.1 N, 0 with none or both; a sideways
    force and a force on another body do not count."""
    from isaaclab.managers import SceneEntityCfg

    from ext_walk_minutes import mdp

    sensor = env.scene.sensors["contact_forces"]
    feet = SceneEntityCfg("contact_forces", body_names=["LF_FOOT", "RF_FOOT"])
    feet.resolve(env.scene)
    forces = sensor.data.net_forces_w.torch
    saved = forces.clone()
    # robot: {body: (fx, fz)} -> expected reward
    cases = {
        0: ({"LF_FOOT": (0.0, 50.0)}, 1.0),
        1: ({"LF_FOOT": (0.0, 50.0), "RF_FOOT": (0.0, 40.0)}, 0.0),
        2: ({}, 0.0),
        3: ({"LF_FOOT": (0.0, 0.1), "RF_FOOT": (0.0, 30.0)}, 1.0),
        4: ({"LF_FOOT": (80.0, 0.0)}, 0.0),
        5: ({"LF_FOOT": (0.0, 0.05), "RF_FOOT": (0.0, 0.2)}, 1.0),
        6: ({"LH_FOOT": (0.0, 50.0)}, 0.0),
        7: ({"LH_FOOT": (0.0, 50.0), "RF_FOOT": (0.0, 9.0)}, 1.0),
    }
    try:
        forces.zero_()
        for k, (bodies, _) in cases.items():
            for body, (fx, fz) in bodies.items():
                forces[k, sensor.body_names.index(body)] = torch.tensor([fx, 0.0, fz])
        got = mdp.single_foot_contact(env, feet)
        assert got.shape == (NUM_ENVS,)
        assert got[list(cases)].tolist() == [expected for _, expected in cases.values()]
    finally:
        forces.copy_(saved)


# ------------------------------------------------------------------------------------------------------ terminations


def test_time_out_is_a_truncation_and_base_contact_a_failure(env):
    tm = env.termination_manager
    assert tm.get_term_cfg("time_out").time_out and not tm.get_term_cfg("base_contact").time_out
    assert env.max_episode_length == 1000
    _contact_state(env, {}, {})
    env.episode_length_buf[:] = 0
    env.episode_length_buf[7] = env.max_episode_length
    tm.compute()
    assert tm.time_outs[7] and not tm.terminated[7]
    assert not tm.time_outs[6]


# ----------------------------------------------------------------------------------------------------- observations


def test_observation_layout_scales_and_noise(env):
    gen = torch.Generator().manual_seed(3)
    for _ in range(5):
        env.step(torch.randn(NUM_ENVS, 12, generator=gen) * 0.3)
    robot, scanner = env.scene["robot"], env.scene.sensors["height_scanner"]
    d = robot.data
    heights = scanner.data.pos_w.torch[:, 2:3] - scanner.data.ray_hits_w.torch[..., 2] - 0.5
    parts = [  # (expected scaled value, noise bound in scaled units), in legged_gym's order
        (2.0 * d.root_lin_vel_b.torch, 2.0 * 0.1),
        (0.25 * d.root_ang_vel_b.torch, 0.25 * 0.2),
        (d.projected_gravity_b.torch, 0.05),
        (env.command_manager.get_command("base_velocity") * torch.tensor([2.0, 2.0, 0.25]), 0.0),
        (d.joint_pos.torch - d.default_joint_pos.torch, 0.01),
        (0.05 * d.joint_vel.torch, 0.05 * 1.5),
        (env.action_manager.action, 0.0),
        (5.0 * heights.clamp(-1.0, 1.0), 5.0 * 0.1),
    ]
    assert sum(p[0].shape[1] for p in parts) == 235 and parts[-1][0].shape[1] == 187
    samples = torch.stack([env.observation_manager.compute()["policy"] for _ in range(200)])
    start = 0
    for expected, bound in parts:
        width = expected.shape[1]
        deviation = (samples[..., start : start + width] - expected).abs()
        start += width
        assert deviation.max() <= bound + 1e-4
        if bound:
            assert deviation.max() > 0.9 * bound  # the noise is there, at its level
    clips = {
        name: cfg.clip
        for name, cfg in zip(
            env.observation_manager.active_terms["policy"], env.observation_manager._group_obs_term_cfgs["policy"]
        )
    }
    assert clips["base_lin_vel"] == (-50.0, 50.0) and clips["joint_vel"] == (-2000.0, 2000.0)
    assert clips["height_scan"] == (-1.0, 1.0)


# --------------------------------------------------------------------------------------------------------- commands


def test_commands_slow_walks_are_zeroed_and_yaw_follows_heading(env):
    term = env.command_manager.get_term("base_velocity")
    ids = torch.arange(NUM_ENVS)
    norms = []
    for _ in range(100):
        term._resample_command(ids)
        norms.append(torch.linalg.norm(term.vel_command_b[:, :2], dim=1))
    norms = torch.cat(norms)
    assert not ((norms > 0) & (norms <= 0.2)).any()
    zero_share = (norms == 0).float().mean().item()
    assert 0.01 < zero_share < 0.07  # P(||U(-1,1)^2|| <= 0.2) = pi 0.04 / 4 = 3.1 %
    assert norms.max() <= math.sqrt(2) and term.cfg.resampling_time_range == (10.0, 10.0)
    assert term.cfg.rel_standing_envs == 0.0
    # heading mode: yaw rate = clip(0.5 * wrap(target - heading), -1, 1)
    term._update_command()
    error = torch.atan2(
        torch.sin(term.heading_target - env.scene["robot"].data.heading_w.torch),
        torch.cos(term.heading_target - env.scene["robot"].data.heading_w.torch),
    )
    torch.testing.assert_close(term.vel_command_b[:, 2], (0.5 * error).clamp(-1.0, 1.0))


def test_zero_slow_command_config_defaults_to_legged_gyms_threshold():
    """A task that leaves ``zero_below`` unset gets legged_gym's 0.2 m/s too (ours set it explicitly, so the test
    above cannot see the default)."""
    from ext_walk_minutes.mdp import ZeroSlowVelocityCommandCfg

    assert ZeroSlowVelocityCommandCfg().zero_below == 0.2


# ---------------------------------------------------------------------------------------------- randomisation events


def test_one_friction_per_robot_in_range_and_ground_takes_the_robots(env):
    friction_term = env.event_manager.get_term_cfg("physics_material").func
    mu = friction_term.shape_friction
    assert (mu == mu[:, :1]).all()  # every shape of a robot has the robot's value
    assert mu.min() >= 0.75 and mu.max() <= 1.125 and mu[:, 0].std() > 0.05  # legged_gym's rough, averaged
    import warp as wp

    def model_mu():  # what the solver reads: the model's per-shape friction, robots' shapes and the ground's
        return wp.to_torch(env.sim.physics_manager.get_model().shape_material_mu).clone()

    all_mu = model_mu()
    ground = all_mu == GROUND_FRICTION  # the ground's own: below every robot's, so each contact takes the robot's
    assert all_mu.numel() > mu.numel() and ground.sum() == all_mu.numel() - mu.numel()
    # the model holds the term's draws, robot by robot (a copy instead of a view would leave mu = 1.0 there)
    torch.testing.assert_close(all_mu[~ground].reshape(mu.shape), mu, rtol=0, atol=0)
    # a new draw for robot 3 alone reaches the model, on all of robot 3's shapes and nowhere else
    cfg = env.event_manager.get_term_cfg("physics_material")
    friction_term(env, torch.tensor([3]), **{**cfg.params, "friction_range": (0.3125, 0.3125)})
    after = model_mu()
    changed = after != all_mu
    assert changed.sum() == mu.shape[1] and (after[changed] == 0.3125).all()
    assert (after[~ground].reshape(mu.shape)[3] == 0.3125).all()


def test_push_sets_the_horizontal_velocity(env):
    from ext_walk_minutes import mdp

    ids = torch.tensor([8, 9])
    _place(env, ids, lin_vel=(3.0, 3.0, 0.2), ang_vel=(0.1, 0.2, 0.3))
    cfg = env.event_manager.get_term_cfg("push_robot")
    assert cfg.func is mdp.push_by_replacing_velocity and cfg.is_global_time and cfg.interval_range_s == (15.0, 15.0)
    cfg.func(env, ids, **cfg.params)
    data = env.scene["robot"].data
    vel = data.root_com_vel_w.torch[ids]
    assert (vel[:, :2].abs() <= 1.0).all()  # replaced by U(-1, 1), not added to 3 m/s
    torch.testing.assert_close(vel[:, 2:], torch.tensor([0.2, 0.1, 0.2, 0.3]).repeat(2, 1), atol=1e-5, rtol=0)
    # the task's push is a global-time event: the event manager calls it with env_ids None, every robot pushed, each
    # with its own draw
    everyone = list(range(NUM_ENVS))
    _place(env, everyone, lin_vel=(3.0, 3.0, 0.2), ang_vel=(0.1, 0.2, 0.3))
    cfg.func(env, None, **cfg.params)
    vel = data.root_com_vel_w.torch
    assert vel.shape == (NUM_ENVS, 6) and (vel[:, :2].abs() <= 1.0).all()
    assert vel[:, 0].std() > 0.1 and vel[:, 1].std() > 0.1
    torch.testing.assert_close(vel[:, 2:], torch.tensor([0.2, 0.1, 0.2, 0.3]).repeat(NUM_ENVS, 1), atol=1e-5, rtol=0)


# ------------------------------------------------------------------------------------------------------- curriculum


def test_curriculum_promotes_demotes_and_loops_back_per_type(env):
    from ext_walk_minutes.terrains import terrain_types_and_levels

    terrain = env.scene.terrain
    command = env.command_manager.get_term("base_velocity").vel_command_b
    types, _ = terrain_types_and_levels(env)
    top = terrain.terrain_origins.shape[0] - 1  # 3 rows: levels 0, 1, 2
    # robot: (start level, distance from the tile centre [m], command xy [m/s], expected level or None = random)
    cases = {
        0: (0, 4.5, (0.5, 0.0), 1),  # walked off its 8 m tile: promoted
        1: (1, 2.0, (1.0, 0.0), 0),  # 2 m < half of 1 m/s x 20 s: demoted
        2: (0, 0.5, (1.0, 0.0), 0),  # demoted below 0: stays at 0
        3: (1, 2.0, (0.0, 0.0), 1),  # no walking command: never demoted
        4: (1, 3.5, (0.3, 0.0), 1),  # 3.5 m >= half of 0.3 m/s x 20 s = 3 m: stays
        5: (1, 2.5, (0.0, 0.3), 0),  # 2.5 m < 3 m: demoted
        6: (top, 4.5, (1.0, 0.0), None),  # solved the top level: sent to a random level
        7: (top, 4.5, (0.0, 1.0), None),
        8: (top, 1.0, (0.0, 0.0), top),
        9: (1, 6.0, (0.8, 0.6), 2),
    }
    ids = torch.tensor(list(cases))
    for k, (level, _, cmd, _) in cases.items():
        terrain.terrain_levels[k] = level
        terrain.env_origins[k] = terrain.terrain_origins[level, terrain.terrain_types[k]]
        command[k, :2] = torch.tensor(cmd)
    for k, (_, distance, _, _) in cases.items():
        _place(env, [k], offset_xy=(distance * 0.6, distance * 0.8))
    env._reset_idx(ids)
    for k, (_, _, _, expected) in cases.items():
        level = terrain.terrain_levels[k].item()
        if expected is not None:  # the random level of top-level solvers: test_curriculum_loops_...
            assert level == expected, (k, types[k])
        torch.testing.assert_close(terrain.env_origins[k], terrain.terrain_origins[level, terrain.terrain_types[k]])
    # the curriculum's log: mean level overall and per terrain type of this grid
    log = env.extras["log"]
    assert log["Curriculum/terrain_levels/mean"].item() == pytest.approx(terrain.terrain_levels.float().mean().item())
    for name in set(types):
        mine = [k for k in range(NUM_ENVS) if types[k] == name]
        assert log[f"Curriculum/terrain_levels/{name}"].item() == pytest.approx(
            terrain.terrain_levels[mine].float().mean().item()
        )
    assert set(types) == {"slope_up", "stairs_up", "stairs_down", "obstacles"}  # 5 columns of the 6 types


def test_curriculum_log_per_type_with_a_lone_robot_and_an_empty_type(env):
    """The per-type means on uneven groups: a type with one robot is logged (a grid with more columns than robots,
    as the cpu-debug preset's 11 columns for 8 robots, has such types), a type without robots is not, and each mean
    divides by its own group's size (the shared grid puts 2 or 4 robots on each type)."""
    from ext_walk_minutes import mdp

    terrain = env.scene.terrain
    saved_types = terrain.terrain_types.clone()
    # the 5 columns: slope_up, stairs_up, stairs_up, stairs_down, obstacles
    try:
        terrain.terrain_types[:] = torch.tensor([0, 1, 2, 2, 3, 3, 3, 3, 3, 3])
        term = mdp.terrain_levels_by_type(env.cfg.curriculum.terrain_levels, env)
        terrain.terrain_levels[:] = torch.tensor([2, 0, 1, 1, 0, 0, 1, 2, 2, 2])
        log = term(env, torch.tensor([], dtype=torch.long))  # no robot resets: the levels stay as set
    finally:
        terrain.terrain_types.copy_(saved_types)
    assert set(log) == {"mean", "slope_up", "stairs_up", "stairs_down"}  # obstacles: no robot on it
    assert {name: float(value) for name, value in log.items()} == pytest.approx(
        {"mean": 1.1, "slope_up": 2.0, "stairs_up": 2 / 3, "stairs_down": 7 / 6}
    )


def test_curriculum_starts_robots_on_levels_0_to_5(env):
    """The built terrain's own start-level draw, given the task's 10 x 20 grid of tile origins, puts robots on levels
    0 to 5 only (all of them used) and spreads them evenly over the 20 columns, each at its tile's origin."""
    import copy

    from ext_walk_minutes.tasks.anymal_c import AnymalCRoughEnvCfg

    cfg = AnymalCRoughEnvCfg()
    assert cfg.scene.terrain.max_init_terrain_level == 5
    assert cfg.scene.terrain.terrain_generator.num_rows == 10 and cfg.scene.terrain.terrain_generator.curriculum
    assert env.scene.terrain.cfg.max_init_terrain_level == 5  # the built env has the task's setting
    rows, cols, robots = 10, 20, 4000
    origins = torch.stack(torch.meshgrid(torch.arange(rows) * 8.0, torch.arange(cols) * 8.0, indexing="ij"), -1)
    origins = torch.cat([origins, torch.zeros(rows, cols, 1)], dim=-1)
    terrain = copy.copy(env.scene.terrain)  # the same importer and config; its draw leaves the env's grid alone
    env_origins = terrain._compute_env_origins_curriculum(robots, origins)
    levels, types = terrain.terrain_levels, terrain.terrain_types
    assert levels.unique().tolist() == list(range(6))
    assert torch.bincount(levels).min() > robots / 6 * 0.8
    assert torch.bincount(types).tolist() == [robots // cols] * cols
    torch.testing.assert_close(env_origins, origins[levels, types])
    assert env.scene.terrain.terrain_levels.shape == (NUM_ENVS,)


def test_curriculum_loops_solved_top_level_robots_back_uniformly(env):
    """Robots that walk off a top-level tile are sent to a level drawn uniformly from all levels, the top included
    (legged_gym's ``randint(max_terrain_level)``): 300 such resets through the env's curriculum term on 3 levels."""
    terrain = env.scene.terrain
    command = env.command_manager.get_term("base_velocity").vel_command_b
    top = terrain.terrain_origins.shape[0] - 1
    ids = torch.arange(NUM_ENVS)
    landed = []
    for _ in range(30):
        terrain.terrain_levels[:] = top
        terrain.env_origins[:] = terrain.terrain_origins[top, terrain.terrain_types]
        command[:, :2] = torch.tensor([1.0, 0.0])
        _place(env, ids, offset_xy=(4.5 * 0.6, 4.5 * 0.8))
        env._reset_idx(ids)
        landed.append(terrain.terrain_levels.clone())
        torch.testing.assert_close(
            terrain.env_origins, terrain.terrain_origins[terrain.terrain_levels, terrain.terrain_types]
        )
    counts = torch.bincount(torch.cat(landed), minlength=top + 2)
    assert counts[top + 1 :].sum() == 0  # never past the top
    assert (counts[: top + 1] > 60).all() and (counts[: top + 1] < 140).all(), counts  # 100 each expected, sd 8
