"""The contract's robot as a ``mujoco.MjModel``: its MJCF (:mod:`ext_walk_minutes.robots.mjcf_writer`) with torque
actuators, on one of :data:`TERRAINS`, lit and checkered for ``--video``."""

from __future__ import annotations

import copy
import math
from typing import Any
from xml.etree import ElementTree as ET

TERRAINS = ("flat", "slope", "stairs")
SLOPE_RAD = 0.1
"""Pitch of the ``slope`` ground about the y axis [rad] (legged_gym's slopes go up to 0.4)."""
STAIR_HEIGHT, STAIR_WIDTH, STAIR_COUNT = 0.05, 0.3, 10
"""``stairs``: the robot starts on a 2 m x 2 m platform with steps of this height and width [m] down on every side."""
NOSLIP_ITERATIONS = 10
"""MuJoCo no-slip solver passes of the ``noslip`` contact choice."""
CONTACTS = {"noslip": NOSLIP_ITERATIONS, "soft": 0}
"""``--contact`` choices -> MuJoCo no-slip iterations: ``soft`` is MuJoCo's default friction, which creeps under a
steady load; ``noslip`` adds the no-slip pass (the default: our Newton contacts hold a standing robot)."""
TERRAIN_GROUP, ROBOT_GROUP = 0, 1
"""MuJoCo geom groups: rays (height scan, ground height) see the terrain's group only."""
GROUND = {"contype": "1", "conaffinity": "1", "friction": "0 0 0"}
"""MJCF attributes of every ground geom (friction 0: contacts take the robot's friction)."""


def terrain_geoms(terrain: str) -> list[dict[str, str]]:
    """MJCF geom attributes of the ground for ``terrain`` (friction 0: contacts take the robot's friction)."""
    if terrain == "flat":
        return [{"name": "floor", "type": "plane", "size": "0 0 0.05", **GROUND}]
    if terrain == "slope":
        half = SLOPE_RAD / 2.0
        quat = f"{math.cos(half)} 0 {math.sin(half)} 0"
        return [{"name": "floor", "type": "plane", "size": "0 0 0.05", "quat": quat, **GROUND}]
    return stair_geoms()


def stair_geoms() -> list[dict[str, str]]:
    """The ``stairs`` ground: a floor :data:`STAIR_COUNT` steps down and nested boxes, each step one width wider
    and one height lower than the last."""
    geoms = [
        {"name": "floor", "type": "plane", "size": "0 0 0.05", "pos": f"0 0 {-STAIR_HEIGHT * STAIR_COUNT}", **GROUND}
    ]
    for k in range(STAIR_COUNT):
        half = 1.0 + STAIR_WIDTH * k
        top = -STAIR_HEIGHT * k
        depth = STAIR_HEIGHT * STAIR_COUNT + top
        geoms.append(
            {
                "name": f"step_{k}",
                "type": "box",
                "size": f"{half} {half} {depth / 2}",
                "pos": f"0 0 {top - depth / 2}",
                **GROUND,
            }
        )
    return geoms


def mujoco_model(contract: dict[str, Any], terrain: str = "flat", friction: float = 1.0, contact: str = "noslip"):
    """The contract's robot as a ``mujoco.MjModel`` with torque (``motor``) actuators, on ``terrain``.

    The PD law runs in :func:`~.robot.pd_torque` (as Isaac Lab's explicit actuators compute it), so the model only
    takes torques; the armature and effort limits are the contract's.
    """
    import mujoco

    from ...robots.mjcf_writer import mjcf_xml
    from ...robots.spawn import described_robot

    robot = contract["robot"]
    desc = described_robot(robot["description"], robot["collision_set"], robot.get("joint_limits") or "legged_gym")
    xml = mjcf_xml(
        desc,
        **joint_drives(contract),
        actuators="motor",
        friction=friction,
        physics_dt=contract["physics_dt_s"],
        floor=False,
        noslip_iterations=CONTACTS[contact],
    )
    root = ET.fromstring(xml)
    add_scene(root, terrain)
    model = mujoco.MjModel.from_xml_string(ET.tostring(root, encoding="unicode"))
    model.geom_group[model.geom_bodyid > 0] = ROBOT_GROUP
    return model


def joint_drives(contract: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``stiffness``, ``damping``, ``armature`` and ``effort_limit``, each joint name -> the contract's value."""
    names = contract["action"]["joint_names"]
    drive = contract["drive"]
    columns = {
        "stiffness": contract["stiffness"],
        "damping": contract["damping"],
        "armature": drive["armature"],
        "effort_limit": drive["effort_limit"],
    }
    return {key: dict(zip(names, values)) for key, values in columns.items()}


def add_scene(root: ET.Element, terrain: str) -> None:
    """Put ``terrain``'s ground into the MJCF ``root`` before the robot, checkered and lit (the looks only matter
    for ``--video``)."""
    visual = ET.SubElement(root, "visual")
    ET.SubElement(visual, "headlight", {"ambient": "0.4 0.4 0.4", "diffuse": "0.7 0.7 0.7"})
    asset = ET.SubElement(root, "asset")
    checker = {"builtin": "checker", "width": "256", "height": "256", "rgb1": "0.25 0.3 0.35", "rgb2": "0.4 0.45 0.5"}
    ET.SubElement(asset, "texture", {"name": "grid", "type": "2d", **checker})
    ET.SubElement(asset, "material", {"name": "grid", "texture": "grid", "texrepeat": "2 2", "texuniform": "true"})
    world = root.find("worldbody")
    for k, attrs in enumerate(terrain_geoms(terrain)):
        world.insert(k, ET.Element("geom", {**attrs, "material": "grid"}))
    ET.SubElement(world, "light", {"pos": "0 0 5", "dir": "0 0 -1", "directional": "true"})


def with_friction(model, friction: float):
    """A copy of ``model`` whose robot geoms have sliding friction ``friction`` (the ground's is 0)."""
    model = copy.deepcopy(model)
    model.geom_friction[model.geom_bodyid > 0, 0] = friction
    return model


def mujoco_version() -> str:
    """The MuJoCo library's version, e.g. ``3.12.0`` (for the report)."""
    import mujoco

    return mujoco.__version__
