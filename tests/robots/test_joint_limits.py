"""Every robot's hinges as the simulator holds them equal legged_gym's URDFs: position range (none where the URDF
writes none), velocity limit and effort limit (leggedrobotics/legged_gym resources/robots/*/urdf, read by hand; A1
from a fork's copy of the same file, as upstream's is not in our look-up index)."""

from __future__ import annotations

import pytest

from ext_walk_minutes import robots
from ext_walk_minutes.studies.collision_table import built_model

NONE = (None, None)
ANYMAL_LEGS = ("LF", "LH", "RF", "RH")


def _anymal_c() -> dict:
    return {f"{leg}_{j}": (NONE, 20.0, 80.0) for leg in ANYMAL_LEGS for j in ("HAA", "HFE", "KFE")}


def _anymal_b() -> dict:
    limits = {f"{leg}_{j}": ((-9.42, 9.42), 20.0, 80.0) for leg in ANYMAL_LEGS for j in ("HAA", "HFE", "KFE")}
    for joint in ("LF_HAA", "LH_HAA", "RH_HAA"):  # the URDF's quirk: RF_HAA keeps 20
        limits[joint] = ((-9.42, 9.42), 15.0, 80.0)
    return limits


def _unitree_a1() -> dict:
    per_joint = {
        "hip_joint": ((-0.802851455917, 0.802851455917), 52.4, 20.0),
        "thigh_joint": ((-1.0471975512, 4.18879020479), 28.6, 55.0),
        "calf_joint": ((-2.69653369433, -0.916297857297), 28.6, 55.0),
    }
    return {f"{leg}_{j}": v for leg in ("FL", "FR", "RL", "RR") for j, v in per_joint.items()}


def _cassie() -> dict:
    per_joint = {
        "hip_rotation": ((-0.3927, 0.3927), 20.1475, 112.0),
        "hip_flexion": ((-0.8727, 1.3963), 20.5085, 195.0),
        "thigh_joint": ((-2.8623, -0.6458), 20.5085, 195.0),
        "ankle_joint": ((0.6458, 2.8623), 20.5085, 195.0),
        "toe_joint": ((-2.4435, -0.5236), 20.5192, 45.0),
    }
    limits = {f"{j}_{side}": v for side in ("left", "right") for j, v in per_joint.items()}
    limits["hip_abduction_left"] = ((-0.2618, 0.3927), 20.1475, 112.0)
    limits["hip_abduction_right"] = ((-0.3927, 0.2618), 20.1475, 112.0)
    return limits


LEGGED_GYM = {
    "anymal_c": _anymal_c(),
    "anymal_c_arm": _anymal_c(),  # legged_gym's ANYmal C with a welded arm
    "anymal_b": _anymal_b(),
    "unitree_a1": _unitree_a1(),
    "cassie": _cassie(),
}
"""legged_gym's URDF per robot: joint -> ((lower, upper) [rad] or no limits, velocity [rad/s], effort [N m])."""


@pytest.mark.parametrize("robot", list(robots.DESCRIPTIONS))
def test_hinges_as_built_are_legged_gyms(robot):
    model = built_model(robots.DESCRIPTIONS[robot]["legged_gym"], ground=False)
    lower, upper = model.joint_limit_lower.numpy(), model.joint_limit_upper.numpy()
    velocity, effort = model.joint_velocity_limit.numpy(), model.joint_effort_limit.numpy()
    dof_of = {
        model.joint_label[j].rsplit("/", 1)[-1]: int(model.joint_qd_start.numpy()[j])
        for j in range(model.joint_count)
        if model.joint_dof_dim.numpy()[j].sum() == 1
    }
    expected = LEGGED_GYM[robot]
    assert set(dof_of) == set(expected)
    for joint, ((low, high), vel, eff) in expected.items():
        dof = dof_of[joint]
        if low is None:  # no limit: Newton's unlimited hinge
            assert lower[dof] <= -1e9 and upper[dof] >= 1e9, joint
        else:
            assert (lower[dof], upper[dof]) == pytest.approx((low, high), abs=1e-6), joint
        assert velocity[dof] == pytest.approx(vel, rel=1e-6) and effort[dof] == pytest.approx(eff, rel=1e-6), joint


def test_manufacturer_limits_restore_anymal_cs_hip_abduction_range():
    """``joint_limits=manufacturer`` gives ANYmal C (and with arm) the maker's HAA range, which the H200 fixture
    policy was trained with; robots whose limits legged_gym kept are unchanged; an unknown choice names the choices."""
    from ext_walk_minutes.robots.spawn import robot_description

    cfg = robots.ANYMAL_C_CFG.spawn
    for robot in ("anymal_c", "anymal_c_arm"):
        desc = robot_description(cfg.replace(robot=robot, joint_limits="manufacturer"))
        model = built_model(desc, ground=False)
        limits = dict(zip([n.rsplit("/", 1)[-1] for n in model.joint_label], model.joint_qd_start.numpy()))
        for joint, (low, high) in robots.MANUFACTURER_LIMITS[robot].items():
            dof = limits[joint]
            assert (model.joint_limit_lower.numpy()[dof], model.joint_limit_upper.numpy()[dof]) == pytest.approx(
                (low, high), abs=1e-6
            )
    a1 = cfg.replace(robot="unitree_a1")
    assert robot_description(a1.replace(joint_limits="manufacturer")) == robot_description(a1)
    with pytest.raises(ValueError, match="legged_gym, manufacturer"):
        robot_description(cfg.replace(joint_limits="urdf"))
