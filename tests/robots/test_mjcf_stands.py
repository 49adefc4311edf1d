"""Every robot's MJCF stands in native MuJoCo at its Isaac Lab default pose under its actuator cfg's PD gains
(MuJoCo position actuators: the ideal PD clipped at the effort limit), with the no-slip pass sim2sim uses.

The quadrupeds hold for 2 s; Cassie, a biped held rigidly at its pose, only balances until it has landed (0.5 s),
as in tests/robots/test_robot_standing.py."""

from __future__ import annotations

import os
import re

os.environ.setdefault("OMP_NUM_THREADS", "1")

import mujoco
import numpy as np
import pytest
from isaaclab_tasks.utils import PresetCfg

from ext_walk_minutes.robots import DESCRIPTIONS
from ext_walk_minutes.robots.description import RevoluteJoint
from ext_walk_minutes.robots.mjcf_writer import mjcf_xml
from ext_walk_minutes.studies.mujoco_runner.model import NOSLIP_ITERATIONS

from test_mjcf_vs_usd import CFGS, default_pose

pytestmark = pytest.mark.slow  # every robot stands in MuJoCo for seconds


def regex_value(value, name: str, fallback: float = 0.0) -> float:
    """An actuator cfg field (scalar or regex -> value) for joint ``name``."""
    if isinstance(value, dict):
        return next((float(v) for p, v in value.items() if re.fullmatch(p, name)), fallback)
    return fallback if value is None else float(value)


def cfg_drives(robot: str, names: list[str]) -> dict[str, dict[str, float]]:
    """Stiffness, damping and armature per joint from the robot's Isaac Lab actuator cfgs (a preset's default)."""
    drives: dict[str, dict[str, float]] = {"stiffness": {}, "damping": {}, "armature": {}}
    for actuator in CFGS[robot].actuators.values():
        actuator = actuator.default if isinstance(actuator, PresetCfg) else actuator
        for name in names:
            if any(re.fullmatch(p, name) for p in actuator.joint_names_expr):
                for key in drives:
                    drives[key][name] = regex_value(getattr(actuator, key), name)
    return drives


@pytest.mark.parametrize("robot", list(DESCRIPTIONS))
def test_robot_stands_in_mujoco(robot):
    desc = DESCRIPTIONS[robot]["legged_gym"]
    names = [j.name for j in desc.joints if isinstance(j, RevoluteJoint)]
    drives = cfg_drives(robot, names)
    assert set(drives["stiffness"]) == set(names), "every joint is driven"
    model = mujoco.MjModel.from_xml_string(
        mjcf_xml(desc, **drives, base_height=0.0, noslip_iterations=NOSLIP_ITERATIONS)
    )
    data = mujoco.MjData(model)
    pose = default_pose(robot, names)
    for name, value in pose.items():
        data.qpos[model.joint(name).qposadr[0]] = value
        data.ctrl[model.actuator(name).id] = value
    mujoco.mj_kinematics(model, data)
    robot_geoms = model.geom_bodyid > 0
    data.qpos[2] = 0.02 - np.min(data.geom_xpos[robot_geoms, 2] - model.geom_rbound[robot_geoms])
    start = float(data.qpos[2])
    steps = 100 if robot == "cassie" else 400  # 0.5 s or 2 s at 5 ms
    heights = []
    for _ in range(steps):
        mujoco.mj_step(model, data)
        heights.append(float(data.qpos[2]))
    up = data.xmat[model.body(desc.root).id].reshape(3, 3)[:, 2]
    assert np.all(np.isfinite(heights))
    assert up[2] > 0.9, f"{robot} tipped over"
    assert heights[-1] > 0.6 * start, f"{robot} sank from {start:.3f} to {heights[-1]:.3f} m"
    if robot != "cassie":
        assert abs(heights[-1] - heights[300]) < 0.01, f"{robot} still moving after 1.5 s"
