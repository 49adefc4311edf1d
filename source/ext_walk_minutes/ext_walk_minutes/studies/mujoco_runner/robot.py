"""One robot in a MuJoCo world: where the contract's joints live, its observation, the PD law that turns targets
into torques, placing it at its default pose, the terrain rays (height scan, ground height) and falls."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import TERRAIN_GROUP

BASE_CONTACT_N = 1.0
"""A base contact above this normal force [N] is a fall (our base_contact termination's threshold)."""
SPAWN_CLEARANCE = 0.02
"""Height of the lowest collider above the ground when a robot is placed at its default pose [m]."""
TERRAIN_ONLY = np.array([g == TERRAIN_GROUP for g in range(6)], dtype=np.uint8)
"""``geomgroup`` mask of a ray that sees the terrain only."""


@dataclass
class JointMap:
    """Where the contract's joints (in its order) live in a MuJoCo model: qpos, qvel and actuator indices."""

    qpos: np.ndarray
    qvel: np.ndarray
    actuator: np.ndarray
    base: int
    """Body id of the root (base)."""

    @classmethod
    def of(cls, model, contract: dict[str, Any]) -> JointMap:
        names = contract["action"]["joint_names"]
        return cls(
            np.array([model.joint(n).qposadr[0] for n in names]),
            np.array([model.joint(n).dofadr[0] for n in names]),
            np.array([model.actuator(n).id for n in names]),
            int(model.jnt_bodyid[0]),
        )  # the free joint's


def base_velocities(model, data, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Base COM linear velocity and angular velocity in the base frame [m/s], [rad/s] (Isaac Lab's
    ``root_lin_vel_b``/``root_ang_vel_b`` are the COM's). A free joint's qvel is the frame origin's world linear
    velocity and the body-frame angular velocity."""
    rot = data.xmat[base].reshape(3, 3)
    ang_b = data.qvel[3:6].copy()
    lin_b = rot.T @ data.qvel[0:3] + np.cross(ang_b, model.body_ipos[base])
    return lin_b, ang_b


def observation(
    model, data, joints: JointMap, contract: dict[str, Any], command: np.ndarray, last_action: np.ndarray
) -> np.ndarray:
    """The policy input of one robot, shape (observation size,): each term ``clip(quantity, clip) * scale``.

    Args:
        command: (v_x [m/s], v_y [m/s], yaw rate [rad/s]) in the base frame.
        last_action: the previous policy output, shape (action size,).
    """
    lin_b, ang_b = base_velocities(model, data, joints.base)
    rot = data.xmat[joints.base].reshape(3, 3)
    default = np.asarray(contract["action"]["default_joint_pos"])
    quantities = {
        "base_lin_vel": lin_b,
        "base_ang_vel": ang_b,
        "projected_gravity": rot.T @ np.array([0.0, 0.0, -1.0]),
        "velocity_commands": command,
        "joint_pos": data.qpos[joints.qpos] - default,
        "joint_vel": data.qvel[joints.qvel],  # default joint velocities are 0
        "actions": last_action,
    }
    if contract.get("height_scan"):
        quantities["height_scan"] = height_scan(model, data, contract["height_scan"])
    obs = np.zeros(contract["observation"]["size"])
    for term in contract["observation"]["terms"]:  # load_contract checked that every term is one of these
        value = np.asarray(quantities[term["name"]], dtype=np.float64)
        if term["clip"] is not None:
            value = np.clip(value, term["clip"][0], term["clip"][1])
        start, stop = term["slice"]
        obs[start:stop] = value * np.asarray(term["scale"])
    return obs


@dataclass
class PDLaw:
    """The contract's per-joint PD law, arrays of shape (joints,) in contract order."""

    stiffness: np.ndarray
    damping: np.ndarray
    effort_limit: np.ndarray
    saturation: np.ndarray
    """DC-motor saturation torque [N m]; inf for an ideal PD."""
    velocity_limit: np.ndarray
    """DC-motor no-load speed [rad/s]; inf for an ideal PD."""

    @classmethod
    def of(cls, contract: dict[str, Any]) -> PDLaw:
        drive = contract["drive"]

        def array(values) -> np.ndarray:
            return np.array([np.inf if v is None else v for v in values], dtype=np.float64)

        dc = np.array([m == "DCMotor" for m in drive["model"]])
        return cls(
            array(contract["stiffness"]),
            array(contract["damping"]),
            array(drive["effort_limit"]),
            np.where(dc, array(drive["saturation_effort"]), np.inf),
            np.where(dc, array(drive["velocity_limit"]), np.inf),
        )


def pd_torque(law: PDLaw, target: np.ndarray, q: np.ndarray, qd: np.ndarray) -> np.ndarray:
    """Joint torques [N m], shape (joints,): ``kp (target - q) - kd qd`` clipped at the effort limit and, for a DC
    motor, to ``saturation * (+-1 - qd / velocity_limit)`` (Isaac Lab's ``DCMotor``, which first clips qd to
    the speed where that curve meets the effort limit)."""
    torque = law.stiffness * (target - q) - law.damping * qd
    with np.errstate(invalid="ignore", divide="ignore"):
        speed_cap = law.velocity_limit * (1.0 + law.effort_limit / law.saturation)
        qd = np.clip(qd, -speed_cap, speed_cap)
        ratio = np.where(np.isinf(law.velocity_limit), 0.0, qd / law.velocity_limit)
        upper = np.minimum(law.saturation * (1.0 - ratio), law.effort_limit)
        lower = np.maximum(law.saturation * (-1.0 - ratio), -law.effort_limit)
    return np.clip(torque, lower, upper)


def drive(model, data, joints: JointMap, law: PDLaw, target: np.ndarray, decimation: int) -> None:
    """One policy step: ``decimation`` physics steps, the PD law's torques toward ``target`` (joints,) [rad]
    recomputed before each."""
    import mujoco

    for _ in range(decimation):
        data.ctrl[joints.actuator] = pd_torque(law, target, data.qpos[joints.qpos], data.qvel[joints.qvel])
        mujoco.mj_step(model, data)


def place_at_default_pose(model, data, joints: JointMap, contract: dict[str, Any], xy=(0.0, 0.0)) -> None:
    """Reset ``data`` to the default joint pose, at rest, upright, the lowest collider ``SPAWN_CLEARANCE`` above
    the ground under ``xy``."""
    import mujoco

    mujoco.mj_resetData(model, data)
    data.qpos[0:7] = (xy[0], xy[1], 0.0, 1.0, 0.0, 0.0, 0.0)
    data.qpos[joints.qpos] = contract["action"]["default_joint_pos"]
    mujoco.mj_kinematics(model, data)
    robot = model.geom_bodyid > 0
    lowest = np.min(data.geom_xpos[robot, 2] - model.geom_rbound[robot])
    ground = ground_height(model, data, xy)
    data.qpos[2] = ground - lowest + SPAWN_CLEARANCE
    mujoco.mj_forward(model, data)


def cast_down(model, data, start: np.ndarray, direction: np.ndarray) -> float:
    """Distance [m] from ``start`` along the unit ``direction`` to the terrain; inf on a miss."""
    import mujoco

    geom = np.array([-1], dtype=np.int32)
    dist = mujoco.mj_ray(model, data, start, direction, TERRAIN_ONLY, 1, -1, geom)
    return dist if dist >= 0 else np.inf


def ground_height(model, data, xy) -> float:
    """Height of the terrain under ``xy`` [m], by a ray cast down from 10 m (0 on a miss)."""
    dist = cast_down(model, data, np.array([xy[0], xy[1], 10.0]), np.array([0.0, 0.0, -1.0]))
    return 10.0 - dist if np.isfinite(dist) else 0.0


def height_scan(model, data, scan: dict[str, Any]) -> np.ndarray:
    """The contract's height scan, shape (rays,): scanner body height minus each ray's terrain hit height minus
    ``offset`` [m] (inf where a ray misses, clipped by the term afterwards), rays turned by the body's yaw."""
    body = model.body(scan["body"]).id
    position = data.xpos[body]
    starts = np.asarray(scan["ray_starts"], dtype=np.float64)
    if scan["alignment"] == "yaw":
        yaw = yaw_of(data, body)
        c, s = math.cos(yaw), math.sin(yaw)
        starts = starts @ np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # rows rotated by +yaw
    elif scan["alignment"] == "base":
        starts = starts @ data.xmat[body].reshape(3, 3).T
    direction = np.asarray(scan["ray_direction"], dtype=np.float64)
    heights = np.empty(len(starts))
    for i, start in enumerate(starts + position):
        hit_z = start[2] + direction[2] * cast_down(model, data, start, direction)
        heights[i] = position[2] - hit_z - scan["offset"]
    return heights


def fallen(model, data, base: int) -> bool:
    """True when a contact on the base pushes harder than :data:`BASE_CONTACT_N` or the state is not finite."""
    import mujoco

    if not (np.all(np.isfinite(data.qpos)) and np.all(np.isfinite(data.qvel))):
        return True
    force = np.zeros(6)
    for i in range(data.ncon):
        contact = data.contact[i]
        if base in (model.geom_bodyid[contact.geom1], model.geom_bodyid[contact.geom2]):
            mujoco.mj_contactForce(model, data, i, force)
            if force[0] > BASE_CONTACT_N:
                return True
    return False


def yaw_of(data, base: int) -> float:
    """Heading of the base x axis in the world xy plane [rad]."""
    rot = data.xmat[base].reshape(3, 3)
    return math.atan2(rot[1, 0], rot[0, 0])
