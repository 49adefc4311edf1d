"""Each task's reward terms and weights (configs only): the flat task's overrides of the rough MDP and Cassie's
changes are legged_gym's ``anymal_c_flat`` and ``cassie`` reward scales, term by term (a term added, dropped or
re-weighted fails)."""

from __future__ import annotations

import pytest
from isaaclab.managers import RewardTermCfg
from isaaclab_tasks.utils import load_cfg_from_registry

import ext_walk_minutes.tasks  # noqa: F401  (registers the gym ids)
from ext_walk_minutes import mdp
from helpers import ROUGH_REWARD_WEIGHTS as ROUGH

# legged_gym's anymal_c_flat: orientation -5, torques -2.5e-5, feet_air_time 2 over the rough scales
FLAT = {**ROUGH, "flat_orientation_l2": -5.0, "dof_torques_l2": -2.5e-5, "feet_air_time": 2.0}


def _weights(task: str) -> dict[str, float]:
    rewards = load_cfg_from_registry(task, "env_cfg_entry_point").rewards
    return {name: term.weight for name, term in vars(rewards).items() if isinstance(term, RewardTermCfg)}


# legged_gym's a1: torques -2e-4 and a joint-limit penalty -10, on both terrains (its own torque weight wins)
A1 = {"dof_torques_l2": -2e-4, "dof_pos_limits": -10.0}


@pytest.mark.parametrize("robot", ["AnymalC", "AnymalB", "A1", "AnymalCArm"])
def test_quadruped_reward_weights(robot):
    own = A1 if robot == "A1" else {}
    assert _weights(f"Walk-Rough-{robot}") == {**ROUGH, **own}
    assert _weights(f"Walk-Flat-{robot}") == {**FLAT, **own}
    flat = load_cfg_from_registry(f"Walk-Flat-{robot}", "env_cfg_entry_point")
    assert flat.rewards.flat_orientation_l2.func is mdp.flat_orientation_l2


@pytest.mark.parametrize("terrain", ["Flat", "Rough"])
def test_cassie_reward_weights_and_single_foot_term(terrain):
    """legged_gym's cassie scales on both terrains (the flat overrides of torques and air time replaced by Cassie's),
    with its no_fly term rewarding single support of the toes and a -200 fall penalty."""
    expected = {
        "track_lin_vel_xy_exp": 1.0,
        "track_ang_vel_z_exp": 1.0,
        "lin_vel_z_l2": -0.5,
        "dof_torques_l2": -5e-6,
        "dof_acc_l2": -2e-7,
        "action_rate_l2": -0.01,
        "feet_air_time": 5.0,
        "dof_pos_limits": -1.0,
        "termination_penalty": -200.0,
        "no_fly": 0.25,
        **({"flat_orientation_l2": -5.0} if terrain == "Flat" else {}),
    }
    weights = _weights(f"Walk-{terrain}-Cassie")
    weights.pop("undesired_contacts", None)  # Cassie has no penalised bodies: checked below
    assert weights == expected
    cfg = load_cfg_from_registry(f"Walk-{terrain}-Cassie", "env_cfg_entry_point")
    no_fly = cfg.rewards.no_fly
    assert no_fly.func is mdp.single_foot_contact
    assert no_fly.params["sensor_cfg"].name == "contact_forces" and no_fly.params["sensor_cfg"].body_names == ".*toe"
    undesired = getattr(cfg.rewards, "undesired_contacts", None)
    assert undesired is None or not undesired.params["sensor_cfg"].body_names
    assert cfg.only_positive_rewards is False
