"""The robot choices a run makes with one token: collision set and drive model (configs only, no simulation)."""

from __future__ import annotations

import pytest

from helpers import walk_run


def _robot(task: str, *overrides: str):
    return walk_run(task, 2, overrides)[1].env_cfg.scene.robot


@pytest.mark.parametrize(
    ("task", "default_drive"),
    [("Walk-Flat-AnymalC", "DCMotorCfg"), ("Walk-Rough-AnymalB", "DCMotorCfg"), ("Walk-Flat-A1", "IdealPDActuatorCfg")],
)
def test_defaults_and_one_token_each(task, default_drive):
    robot = _robot(task)
    assert robot.spawn.collision_set == "legged_gym" and type(robot.actuators["legs"]).__name__ == default_drive
    other = {"DCMotorCfg": ("ideal_pd", "IdealPDActuatorCfg"), "IdealPDActuatorCfg": ("dc_motor", "DCMotorCfg")}
    token, drive = other[default_drive]
    robot = _robot(task, f"presets={token}", "env.scene.robot.spawn.collision_set=detailed")
    assert robot.spawn.collision_set == "detailed" and type(robot.actuators["legs"]).__name__ == drive
    assert type(_robot(task, f"env.scene.robot.actuators.legs={token}").actuators["legs"]).__name__ == drive


def test_ideal_pd_is_the_dc_motors_pd_without_its_speed_curve():
    dc = _robot("Walk-Flat-AnymalC").actuators["legs"]
    pd = _robot("Walk-Flat-AnymalC", "presets=ideal_pd").actuators["legs"]
    assert (pd.stiffness, pd.damping, pd.armature, pd.actuator_effort_limit) == (
        dc.stiffness,
        dc.damping,
        dc.armature,
        80.0,
    )
    assert dc.actuator_velocity_limit == 7.5 and pd.actuator_velocity_limit is None
