"""The flat task on Isaac Lab's Warp frontend (``--frontend warp``): each Warp twin of our terms gives the values
of our torch term on the same env state, and the env steps and trains.

One Warp-frontend env (4 robots, Newton, CPU) is shared by the module; the torch terms run on it too (they read
the same asset data), so both see one state. Random terms are compared with zero-width ranges (their samples are
then the range itself); what a test changes (velocities, frictions) is put back after it.
"""

from __future__ import annotations

import math

import pytest
import torch
import warp as wp

from helpers import SMALL_TERRAIN, run_script, walk_run

pytestmark = pytest.mark.slow  # a Warp-frontend env and one PPO iteration on it

NUM_ENVS = 4
TASK = "Walk-Flat-AnymalC"


@pytest.fixture(scope="module")
def env():
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run(TASK, NUM_ENVS, frontend="warp")
    with running_env(spec, configs) as gym_env:
        gym_env.reset()
        torch.manual_seed(0)
        for _ in range(10):  # random actions: the robots move, flail and touch the ground
            gym_env.step(2 * torch.rand(NUM_ENVS, 12) - 1)
        yield gym_env.unwrapped


def _step(env, steps: int = 1) -> None:
    for _ in range(steps):
        env.step(2 * torch.rand(env.num_envs, 12) - 1)


def _mask(env, rows: list[int]) -> wp.array:
    return wp.array([i in rows for i in range(env.num_envs)], dtype=wp.bool, device=env.device)


def _warp_asset_cfg(env, name: str = "robot", **fields):
    """Isaac Lab's Warp ``SceneEntityCfg`` of ``name``, resolved (its body and joint selections as Warp arrays)."""
    from isaaclab_experimental.managers import SceneEntityCfg

    cfg = SceneEntityCfg(name, **fields)
    cfg.resolve(env.scene)
    return cfg


def test_the_task_runs_on_the_warp_managers_with_our_twins(env):
    """The Warp env holds Isaac Lab's Warp terms and our twins (none of our torch terms is left), and steps with
    finite observations and rewards, clipped at zero as legged_gym's."""
    from ext_walk_minutes.warp.envs import PositiveRewardManagerWarp

    funcs = [
        term.func
        for group in (env.cfg.rewards, env.cfg.terminations, env.cfg.events)
        for term in vars(group).values()
        if term is not None
    ]
    origins = {getattr(f, "__module__", None) or type(f).__module__ for f in funcs}
    assert all(
        o.startswith(("isaaclab_experimental", "isaaclab_tasks_experimental", "ext_walk_minutes.warp")) for o in origins
    ), origins
    assert any(o.startswith("ext_walk_minutes.warp.mdp") for o in origins)
    assert isinstance(env.reward_manager, PositiveRewardManagerWarp)
    for _ in range(5):
        obs, reward, *_ = env.step(2 * torch.rand(NUM_ENVS, 12) - 1)
        assert obs["policy"].shape == (NUM_ENVS, 48) and torch.isfinite(obs["policy"]).all()
        assert torch.isfinite(reward).all()
        rates = env.reward_manager._step_reward_tensor_view
        torch.testing.assert_close(reward, torch.clamp_min(rates.sum(dim=1) * env.step_dt, 0.0))


def test_one_warp_env_per_process(env):
    """A second Warp env in the process stops before building: Isaac Lab's Warp terms hold the first env's buffers."""
    from ext_walk_minutes.warp.envs import WalkEnvWarp

    with pytest.raises(RuntimeError, match="one Warp-frontend env per process"):
        WalkEnvWarp(cfg=env.cfg)


def test_joint_acc_l2_policy_step(env):
    """legged_gym's dof_acc over one policy step: the twin equals the torch term over three steps and a reset."""
    from isaaclab.managers import RewardTermCfg, SceneEntityCfg

    from ext_walk_minutes.mdp import joint_acc_l2_policy_step as torch_term
    from ext_walk_minutes.warp.mdp import joint_acc_l2_policy_step as warp_term

    torch_fn = torch_term(RewardTermCfg(func=torch_term, params={"asset_cfg": SceneEntityCfg("robot")}), env)
    warp_fn = warp_term(RewardTermCfg(func=warp_term, params={"asset_cfg": SceneEntityCfg("robot")}), env)
    warp_cfg = _warp_asset_cfg(env)  # resolved after the term cfg (which copies its params): it holds Warp arrays
    out = wp.zeros(NUM_ENVS, dtype=wp.float32, device=env.device)
    for step in range(3):
        if step == 2:  # robots 1 and 2 reset: their previous velocity is zero again
            torch_fn.reset([1, 2])
            warp_fn.reset(_mask(env, [1, 2]))
        expected = torch_fn(env, SceneEntityCfg("robot"))
        warp_fn(env, out, warp_cfg)
        torch.testing.assert_close(wp.to_torch(out), expected, rtol=1e-5, atol=1e-3)
        assert expected.min() > 1.0  # [rad^2/s^4]: flailing robots accelerate their joints
        _step(env)


def test_non_finite_state(env):
    """False for every finite robot; True for a NaN joint velocity and an infinite root position, as the torch term."""
    from ext_walk_minutes.mdp import non_finite_state as torch_term
    from ext_walk_minutes.warp.mdp import non_finite_state as warp_term

    data = env.scene["robot"].data
    out = wp.zeros(NUM_ENVS, dtype=wp.bool, device=env.device)
    warp_term(env, out, _warp_asset_cfg(env))
    assert not wp.to_torch(out).any() and not torch_term(env).any()
    joint_vel, root_pose = data.joint_vel.torch, data.root_link_pose_w.torch
    saved = joint_vel.clone(), root_pose.clone()
    try:
        joint_vel[1, 3] = math.nan
        root_pose[2, 0] = math.inf
        warp_term(env, out, _warp_asset_cfg(env))
        expected = torch_term(env)
        assert expected.tolist() == [False, True, True, False]
        torch.testing.assert_close(wp.to_torch(out), expected)
    finally:
        joint_vel.copy_(saved[0])
        root_pose.copy_(saved[1])


def test_single_foot_contact(env):
    """Cassie's no_fly on ANYmal's feet: 1 where exactly one foot pushes down with more than the threshold; on the
    robots' own contacts and on set forces (one foot, two feet, none, one exactly at the threshold)."""
    from isaaclab.managers import SceneEntityCfg

    from ext_walk_minutes.mdp import single_foot_contact as torch_term
    from ext_walk_minutes.warp.mdp import single_foot_contact as warp_term

    out = wp.zeros(NUM_ENVS, dtype=wp.float32, device=env.device)
    for feet in (["LF_FOOT", "RH_FOOT"], ".*FOOT"):
        torch_cfg = SceneEntityCfg("contact_forces", body_names=feet)
        torch_cfg.resolve(env.scene)
        warp_term(env, out, _warp_asset_cfg(env, name="contact_forces", body_names=feet), 1.0)
        torch.testing.assert_close(wp.to_torch(out), torch_term(env, torch_cfg, 1.0))
    forces = env.scene.sensors["contact_forces"].data.net_forces_w.torch
    feet = torch_cfg.body_ids
    saved = forces.clone()
    try:
        forces[:, feet, 2] = 0.0
        forces[0, feet[0], 2] = 50.0  # one foot down [N]
        forces[1, feet[:2], 2] = 50.0  # two
        forces[3, feet[1], 2] = 1.0  # at the threshold: not in contact
        forces[3, feet[2], 2] = 1.5
        warp_term(env, out, _warp_asset_cfg(env, name="contact_forces", body_names=".*FOOT"), 1.0)
        expected = torch_term(env, torch_cfg, 1.0)
        assert expected.tolist() == [1.0, 0.0, 0.0, 1.0]
        torch.testing.assert_close(wp.to_torch(out), expected)
    finally:
        forces.copy_(saved)


def test_push_by_replacing_velocity(env):
    """The pushed robots get the named components (zero-width ranges: the range itself), the others keep theirs;
    the twin leaves the same root velocities as the torch term."""
    from ext_walk_minutes.mdp import push_by_replacing_velocity as torch_term
    from ext_walk_minutes.warp.mdp import push_by_replacing_velocity as warp_term
    from isaaclab.managers import EventTermCfg

    robot = env.scene["robot"]
    ranges = {"x": (0.7, 0.7), "y": (-0.4, -0.4), "yaw": (0.3, 0.3)}
    before = robot.data.root_com_vel_w.torch.clone()
    assert before.abs().max() > 0.05  # the robots move: kept components are non-trivial
    pushed = [0, 2]
    try:
        torch_term(env, torch.tensor(pushed), ranges)
        expected = robot.data.root_com_vel_w.torch.clone()
        robot.write_root_velocity_to_sim_index(root_velocity=before)
        warp_fn = warp_term(EventTermCfg(func=warp_term, mode="interval", params={"velocity_range": ranges}), env)
        warp_fn(env, _mask(env, pushed), ranges, _warp_asset_cfg(env))
        torch.testing.assert_close(robot.data.root_com_vel_w.torch, expected)
        torch.testing.assert_close(expected[pushed][:, [0, 1, 5]], torch.tensor([[0.7, -0.4, 0.3]] * 2))
        torch.testing.assert_close(expected[[1, 3]], before[[1, 3]])
    finally:
        robot.write_root_velocity_to_sim_index(root_velocity=before)


def test_randomize_robot_friction(env):
    """One friction per robot on all its shapes: with a zero-width range the twin writes what the torch term writes;
    with the task's range each robot's shapes share one value in the range."""
    from ext_walk_minutes.mdp import randomize_robot_friction as torch_term
    from ext_walk_minutes.warp.mdp import randomize_robot_friction as warp_term
    from isaaclab.managers import EventTermCfg, SceneEntityCfg

    term = env.event_manager.get_term_cfg("physics_material").func
    assert isinstance(term, warp_term)
    friction = term.shape_friction
    saved = friction.clone()
    params = {"asset_cfg": SceneEntityCfg("robot", body_names=".*"), "friction_range": (0.8, 0.8)}
    try:
        torch_fn = torch_term(EventTermCfg(func=torch_term, mode="startup", params=params), env)
        torch_fn(env, torch.tensor([1, 3]), **params)
        expected = friction.clone()
        friction.copy_(saved)
        term(env, _mask(env, [1, 3]), (0.8, 0.8), params["asset_cfg"])
        torch.testing.assert_close(friction, expected)
        assert (friction[[1, 3]] == 0.8).all() and torch.equal(friction[[0, 2]], saved[[0, 2]])
        term(env, _mask(env, list(range(NUM_ENVS))), (0.5, 1.25), params["asset_cfg"])
        assert (friction == friction[:, :1]).all() and ((friction >= 0.5) & (friction <= 1.25)).all()
        assert friction[:, 0].unique().numel() == NUM_ENVS
    finally:
        friction.copy_(saved)


def test_one_ppo_iteration_on_the_warp_frontend(tmp_path):
    """train.py --frontend warp: one rsl-rl iteration on the Warp managers (approx time-out bootstrap)."""
    out = run_script(
        "train.py",
        "--task",
        TASK,
        "--frontend",
        "warp",
        "--timeout-bootstrap",
        "approx",
        "--num_envs",
        "2",
        "--device",
        "cpu",
        "--max_iterations",
        "1",
        "agent.num_steps_per_env=8",
        "agent.algorithm.num_mini_batches=1",
        *SMALL_TERRAIN,
        cwd=tmp_path,
    ).stdout
    assert "frontend warp" in out and "] it 1/1 |" in out, out[-2000:]
    (run_dir,) = (tmp_path / "logs" / "rsl_rl" / TASK).iterdir()
    (checkpoint,) = run_dir.glob("model_*.pt")
    data = torch.load(checkpoint, map_location="cpu", weights_only=False)
    assert all(torch.isfinite(t).all() for t in data["actor_state_dict"].values())
