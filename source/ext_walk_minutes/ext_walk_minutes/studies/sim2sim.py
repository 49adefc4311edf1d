"""``scripts/sim2sim.py``: an exported policy walking in native MuJoCo (C, CPU), next to the same policy in our
simulator (``scripts/play.py``, Isaac Lab on Newton MuJoCo Warp).

Everything the MuJoCo runner feeds the policy comes from the export contract ``policy.json``
(:func:`ext_walk_minutes.run.export.policy_contract`): observation terms, scales and clipping, joint order,
default pose, action scale, control rate and decimation, each joint's PD law (gains, effort limit, DC-motor
torque-speed clip, armature), the robot description and collision set, and the velocity command ranges. The
robot model is written by :mod:`ext_walk_minutes.robots.mjcf_writer` from the description the USD is written from.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from ..common.errors import UsageError, exit_on_usage_error
from ..common.locomotion import Recording, drive_arrays
from .outputs import output_dir, report_header

TERRAINS = ("flat", "slope", "stairs")
SLOPE_RAD = 0.1
"""Pitch of the ``slope`` ground about the y axis [rad] (legged_gym's slopes go up to 0.4)."""
STAIR_HEIGHT, STAIR_WIDTH, STAIR_COUNT = 0.05, 0.3, 10
"""``stairs``: the robot starts on a 2 m x 2 m platform with steps of this height and width [m] down on every side."""
BASE_CONTACT_N = 1.0
"""A base contact above this normal force [N] is a fall (our base_contact termination's threshold)."""
NOSLIP_ITERATIONS = 10
"""MuJoCo no-slip solver passes of the ``noslip`` contact choice."""
SPAWN_CLEARANCE = 0.02
"""Height of the lowest collider above the ground when a robot is placed at its default pose [m]."""
OBSERVED_TERMS = (
    "base_lin_vel",
    "base_ang_vel",
    "projected_gravity",
    "velocity_commands",
    "joint_pos",
    "joint_vel",
    "actions",
    "height_scan",
)
"""Observation terms the MuJoCo runner builds (the height scan from the contract's ray pattern)."""
TERRAIN_GROUP, ROBOT_GROUP = 0, 1
"""MuJoCo geom groups: rays (height scan, ground height) see the terrain's group only."""
PLAY_LINE = re.compile(
    r"\[play\] (\d+) robots x ([\d.]+) s \| lin vel error ([\d.]+) m/s \| yaw rate error ([\d.]+) "
    r"rad/s \| distance walked ([\d.]+) m per robot \| falls (\d+)"
)


# ---------------------------------------------------------------- contract and model


def load_contract(policy_dir: Path) -> dict[str, Any]:
    """``policy.json`` of ``policy_dir``; a :class:`UsageError` names what is missing."""
    if not policy_dir.is_dir():
        raise UsageError(f"--policy: no folder {policy_dir} (give the folder play.py --export wrote policy.onnx to)")
    for name in ("policy.onnx", "policy.json"):
        if not (policy_dir / name).is_file():
            raise UsageError(
                f"--policy: {policy_dir} has no {name}; export one with "
                "`python scripts/play.py --task ... --checkpoint ... --export`"
            )
    contract = read_json(policy_dir / "policy.json")
    missing = [k for k in ("drive", "robot", "commands", "stiffness", "action", "observation") if k not in contract]
    if missing or None in contract["stiffness"] or contract["robot"].get("description") is None:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} predates the sim-to-sim contract (no "
            f"{', '.join(missing) or 'PD gains or robot'}); export it again with play.py --export"
        )
    if unknown := [t["name"] for t in contract["observation"]["terms"] if t["name"] not in OBSERVED_TERMS]:
        raise UsageError(
            f"the policy observes {', '.join(unknown)}, which sim2sim does not build yet (it builds "
            f"{', '.join(OBSERVED_TERMS)})"
        )
    if any(t["name"] == "height_scan" for t in contract["observation"]["terms"]) and not contract.get("height_scan"):
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} has a height_scan term but no ray pattern; export "
            "it again with play.py --export"
        )
    return contract


def read_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; a :class:`UsageError` for a file cut short or not JSON."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise UsageError(f"--policy: {path} is unreadable ({exc}); export it again with play.py --export") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"--policy: {path} is not a policy contract (a JSON object); export it again with play.py --export"
        )
    return data


def check_robot(contract: dict[str, Any], policy_dir: Path) -> None:
    """One error line when the contract's robot is not one we describe, or lacks the joints its policy drives
    (a policy.json edited or copied from another export)."""
    from ..robots import DESCRIPTIONS

    robot = contract["robot"]
    sets = DESCRIPTIONS.get(robot["description"])
    if sets is None or robot.get("collision_set") not in sets:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} names robot {robot['description']!r} with collision set "
            f"{robot.get('collision_set')!r}, which is not one of ours ({', '.join(DESCRIPTIONS)}); export it "
            "again with play.py --export"
        )
    joints = {joint.name for joint in sets[robot["collision_set"]].joints}
    missing = [name for name in contract["action"]["joint_names"] if name not in joints]
    if missing:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} drives joints {', '.join(missing[:4])} that robot "
            f"{robot['description']} does not have (policy.json and policy.onnx of different exports?); export "
            "them again together with play.py --export"
        )


def terrain_geoms(terrain: str) -> list[dict[str, str]]:
    """MJCF geom attributes of the ground for ``terrain`` (friction 0: contacts take the robot's friction)."""
    ground = {"contype": "1", "conaffinity": "1", "friction": "0 0 0"}
    if terrain == "flat":
        return [{"name": "floor", "type": "plane", "size": "0 0 0.05", **ground}]
    if terrain == "slope":
        half = SLOPE_RAD / 2.0
        return [
            {
                "name": "floor",
                "type": "plane",
                "size": "0 0 0.05",
                "quat": f"{math.cos(half)} 0 {math.sin(half)} 0",
                **ground,
            }
        ]
    geoms = [
        {"name": "floor", "type": "plane", "size": "0 0 0.05", "pos": f"0 0 {-STAIR_HEIGHT * STAIR_COUNT}", **ground}
    ]
    for k in range(STAIR_COUNT):  # nested boxes: each step one width wider and one height lower than the last
        half = 1.0 + STAIR_WIDTH * k
        top = -STAIR_HEIGHT * k
        depth = STAIR_HEIGHT * STAIR_COUNT + top
        geoms.append(
            {
                "name": f"step_{k}",
                "type": "box",
                "size": f"{half} {half} {depth / 2}",
                "pos": f"0 0 {top - depth / 2}",
                **ground,
            }
        )
    return geoms


CONTACTS = {"noslip": NOSLIP_ITERATIONS, "soft": 0}
"""``--contact`` choices -> MuJoCo no-slip iterations: ``soft`` is MuJoCo's default friction, which creeps under a
steady load; ``noslip`` adds the no-slip pass (the default: our Newton contacts hold a standing robot)."""


def mujoco_model(contract: dict[str, Any], terrain: str = "flat", friction: float = 1.0, contact: str = "noslip"):
    """The contract's robot as a ``mujoco.MjModel`` with torque (``motor``) actuators, on ``terrain``.

    The PD law runs in :func:`pd_torque` (as Isaac Lab's explicit actuators compute it), so the model only takes
    torques; the armature and effort limits are the contract's.
    """
    import mujoco

    from ..robots.mjcf_writer import mjcf_xml
    from ..robots.spawn import described_robot

    robot = contract["robot"]
    desc = described_robot(robot["description"], robot["collision_set"], robot.get("joint_limits") or "legged_gym")
    names = contract["action"]["joint_names"]
    drive = contract["drive"]
    per_joint = dict(
        zip(names, zip(contract["stiffness"], contract["damping"], drive["armature"], drive["effort_limit"]))
    )
    xml = mjcf_xml(
        desc,
        stiffness={n: v[0] for n, v in per_joint.items()},
        damping={n: v[1] for n, v in per_joint.items()},
        armature={n: v[2] for n, v in per_joint.items()},
        effort_limit={n: v[3] for n, v in per_joint.items()},
        actuators="motor",
        friction=friction,
        physics_dt=contract["physics_dt_s"],
        floor=False,
        noslip_iterations=CONTACTS[contact],
    )
    root = ET.fromstring(xml)
    # looks only (for --video): a lit scene and a checkered ground
    visual = ET.SubElement(root, "visual")
    ET.SubElement(visual, "headlight", {"ambient": "0.4 0.4 0.4", "diffuse": "0.7 0.7 0.7"})
    asset = ET.SubElement(root, "asset")
    ET.SubElement(
        asset,
        "texture",
        {
            "name": "grid",
            "type": "2d",
            "builtin": "checker",
            "width": "256",
            "height": "256",
            "rgb1": "0.25 0.3 0.35",
            "rgb2": "0.4 0.45 0.5",
        },
    )
    ET.SubElement(asset, "material", {"name": "grid", "texture": "grid", "texrepeat": "2 2", "texuniform": "true"})
    world = root.find("worldbody")
    for k, attrs in enumerate(terrain_geoms(terrain)):
        world.insert(k, ET.Element("geom", {**attrs, "material": "grid"}))
    ET.SubElement(world, "light", {"pos": "0 0 5", "dir": "0 0 -1", "directional": "true"})
    model = mujoco.MjModel.from_xml_string(ET.tostring(root, encoding="unicode"))
    model.geom_group[model.geom_bodyid > 0] = ROBOT_GROUP
    return model


# ---------------------------------------------------------------- one robot's state, observation and PD law


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


# ---------------------------------------------------------------- commands, placing robots, falls


@dataclass
class Commands:
    """Random velocity commands as in training: uniform in the contract's ranges, resampled on a timer, linear
    commands at or below ``zero_below`` zeroed; in heading mode the yaw rate steers to a random heading."""

    contract: dict[str, Any]
    rng: np.random.Generator
    count: int
    value: np.ndarray = field(init=False)
    """(count, 3): v_x, v_y [m/s], yaw rate [rad/s]."""
    heading: np.ndarray = field(init=False)
    time_left: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.value = np.zeros((self.count, 3))
        self.heading = np.zeros(self.count)
        self.time_left = np.zeros(self.count)
        self.resample(np.arange(self.count))

    def resample(self, ids: np.ndarray) -> None:
        """New commands for robots ``ids``."""
        cfg = self.contract["commands"]
        ranges = cfg["ranges"]
        for i, key in enumerate(("lin_vel_x", "lin_vel_y", "ang_vel_z")):
            self.value[ids, i] = self.rng.uniform(*ranges[key], size=len(ids))
        slow = np.linalg.norm(self.value[ids, :2], axis=1) <= cfg["zero_below"]
        self.value[ids[slow], :2] = 0.0
        if cfg["heading_command"]:
            self.heading[ids] = self.rng.uniform(*ranges["heading"], size=len(ids))
        self.time_left[ids] = self.rng.uniform(*cfg["resampling_time_s"], size=len(ids))

    def step(self, dt: float, yaw: np.ndarray) -> None:
        """Advance the timers by ``dt`` [s]; in heading mode set the yaw rate from the heading error."""
        self.time_left -= dt
        if (due := np.flatnonzero(self.time_left <= 0.0)).size:
            self.resample(due)
        cfg = self.contract["commands"]
        if cfg["heading_command"]:
            error = np.angle(np.exp(1j * (self.heading - yaw)))
            self.value[:, 2] = np.clip(cfg["heading_control_stiffness"] * error, *cfg["ranges"]["ang_vel_z"])


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


TERRAIN_ONLY = np.array([g == TERRAIN_GROUP for g in range(6)], dtype=np.uint8)
"""``geomgroup`` mask of a ray that sees the terrain only."""


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


# ---------------------------------------------------------------- the rollout


def onnx_policy(policy_dir: Path):
    """``policy.onnx`` as a function (batch, obs) float array -> (batch, actions) array."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    path = policy_dir / "policy.onnx"
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own errors (InvalidProtobuf, Fail, ...) share no base class but this
        raise UsageError(
            f"--policy: {path} is unreadable ({type(exc).__name__}); export it again with play.py --export"
        ) from None
    name = session.get_inputs()[0].name
    return lambda obs: session.run(None, {name: obs.astype(np.float32)})[0].astype(np.float64)


def check_policy_fits(policy, contract: dict[str, Any], policy_dir: Path) -> None:
    """One error line when ``policy`` (from :func:`onnx_policy`) does not take the contract's observation or
    give its actions (policy.onnx and policy.json of different exports)."""
    sizes = contract["observation"]["size"], contract["action"]["size"]
    try:
        out = policy(np.zeros((1, sizes[0])))
    except Exception as exc:  # onnxruntime's shape errors
        raise UsageError(
            f"--policy: policy.onnx in {policy_dir} does not take policy.json's {sizes[0]} observations "
            f"({type(exc).__name__}); export them again together with play.py --export"
        ) from None
    if out.shape != (1, sizes[1]):
        raise UsageError(
            f"--policy: policy.onnx in {policy_dir} gives {out.shape[-1]} actions, policy.json drives {sizes[1]} "
            "joints; export them again together with play.py --export"
        )


class MujocoRecorder:
    """Each robot's state after each policy step, as the locomotion report's arrays
    (:class:`~ext_walk_minutes.common.locomotion.Recording`, the same metrics as ``play.py --report``).

    The feet are the leaf bodies of the kinematic tree, the knees their parents and grandparents (shank and thigh:
    legged_gym's penalised contacts); a body touches when its contacts' normal forces add up to more than
    :data:`BASE_CONTACT_N` (the contact sensor's threshold in our tasks).
    """

    def __init__(self, model, joints: JointMap, contract: dict[str, Any]) -> None:
        parents = set(model.body_parentid[1:].tolist())
        self.feet = [b for b in range(1, model.nbody) if b not in parents]
        self.knees = sorted(
            {int(model.body_parentid[f]) for f in self.feet}
            | {int(model.body_parentid[model.body_parentid[f]]) for f in self.feet} - {joints.base, 0}
        )
        self.joints, self.contract = joints, contract
        self.names = [model.body(b).name for b in self.feet]
        ids = [model.joint(n).id for n in contract["action"]["joint_names"]]
        self.limits = np.where(model.jnt_limited[ids, None].astype(bool), model.jnt_range[ids], [-np.inf, np.inf])
        self.rows: list[dict[int, dict[str, np.ndarray]]] = [{}]
        self.foot_xy_b: np.ndarray | None = None
        self.mass: dict[int, float] = {}

    def normal_forces(self, model, data) -> np.ndarray:
        """(nbody,) sum of the normal forces of each body's contacts [N]."""
        import mujoco

        total, force = np.zeros(model.nbody), np.zeros(6)
        for i in range(data.ncon):
            mujoco.mj_contactForce(model, data, i, force)
            for geom in (data.contact[i].geom1, data.contact[i].geom2):
                total[model.geom_bodyid[geom]] += abs(force[0])
        return total

    def robot(self, i: int, model, data, command: np.ndarray, torque: np.ndarray, fell: bool) -> None:
        """Keep robot ``i``'s state after this step (before a fall's reset), the ``command`` it walked to and the
        last physics step's ``torque`` (joints,)."""
        import mujoco

        base = self.joints.base
        lin_b, ang_b = base_velocities(model, data, base)
        rot = data.xmat[base].reshape(3, 3)
        if self.foot_xy_b is None:
            self.foot_xy_b = ((data.xpos[self.feet] - data.xpos[base]) @ rot)[:, :2]
        velocity = np.zeros((len(self.feet), 6))
        for k, body in enumerate(self.feet):
            mujoco.mj_objectVelocity(model, data, mujoco.mjtObj.mjOBJ_BODY, body, velocity[k], 0)
        touching = self.normal_forces(model, data) > BASE_CONTACT_N
        self.mass[i] = float(model.body_mass.sum())
        self.rows[-1][i] = {
            "command": command.copy(),
            "velocity": np.array([lin_b[0], lin_b[1], ang_b[2]]),
            "contact": touching[self.feet],
            "foot_pos": data.xpos[self.feet].copy(),
            "foot_vel": velocity[:, 3:].copy(),
            "joint_pos": data.qpos[self.joints.qpos].copy(),
            "joint_vel": data.qvel[self.joints.qvel].copy(),
            "torque": np.asarray(torque, dtype=np.float64).copy(),
            "ended": np.array(fell),
            "fell": np.array(fell),
            "base_contact": np.array(touching[base]),
            "leg_contact": np.array(touching[self.knees].any()),
        }

    def step(self) -> None:
        """Close this policy step (every robot recorded)."""
        self.rows.append({})

    def recording(self, dt: float) -> Recording:
        """The steps recorded, time x robots."""
        rows = [r for r in self.rows if r]
        robots = sorted(rows[0])
        arrays = {k: np.stack([np.stack([r[i][k] for i in robots]) for r in rows]) for k in rows[0][robots[0]]}
        effort, saturation, speed = drive_arrays(self.contract["drive"])
        return Recording(
            dt=dt,
            mass=np.array([self.mass[i] for i in robots]),
            foot_xy_b=self.foot_xy_b,
            joint_limits=self.limits,
            effort_limit=effort,
            saturation=saturation,
            velocity_limit=speed,
            feet=self.names,
            joints=list(self.contract["action"]["joint_names"]),
            **arrays,
        )


def rollout(
    contract: dict[str, Any],
    policy,
    robots: int,
    seconds: float,
    terrain: str = "flat",
    seed: int = 0,
    friction: tuple[float, float] = (1.0, 1.0),
    contact: str = "noslip",
    frame_hook=None,
    recorder_out: list | None = None,
) -> dict[str, float]:
    """Run ``robots`` independent MuJoCo worlds for ``seconds``; figures as ``play.py`` prints them.

    Returns mean linear-velocity error [m/s] and yaw-rate error [rad/s] (per policy step, mean over robots),
    distance walked per robot [m] (the reset step of a fallen robot not counted), falls (base contact or a
    non-finite state; the robot is put back at its start pose), final base heights [m] and whether every
    value stayed finite. Each robot gets one friction coefficient drawn from ``friction`` (low, high), as
    training draws one per robot. ``frame_hook(model, data, step)`` is called on robot 0 after each policy step.
    With ``recorder_out`` (a list), the rollout's :class:`Recording` is appended to it.
    """
    import mujoco

    model = mujoco_model(contract, terrain, 1.0, contact)
    joints = JointMap.of(model, contract)
    law = PDLaw.of(contract)
    rng = np.random.default_rng(seed)
    models = [with_friction(model, mu) for mu in rng.uniform(*friction, size=robots)]
    worlds = [mujoco.MjData(m) for m in models]
    for m, data in zip(models, worlds):
        place_at_default_pose(m, data, joints, contract)
    commands = Commands(contract, rng, robots)
    default = np.asarray(contract["action"]["default_joint_pos"])
    scale = np.asarray(contract["action"]["action_scale"])
    step_dt = 1.0 / contract["control_rate_hz"]
    steps = max(1, round(seconds / step_dt))
    actions = np.zeros((robots, contract["action"]["size"]))
    lin_err = yaw_err = 0.0
    distance = np.zeros(robots)
    falls = 0
    finite = True
    recorder = None if recorder_out is None else MujocoRecorder(model, joints, contract)
    for step in range(steps):
        commands.step(step_dt if step else 0.0, np.array([yaw_of(d, joints.base) for d in worlds]))
        obs = np.stack(
            [observation(models[i], d, joints, contract, commands.value[i], actions[i]) for i, d in enumerate(worlds)]
        )
        actions = policy(obs)
        finite &= bool(np.all(np.isfinite(obs)) and np.all(np.isfinite(actions)))
        targets = default + scale * actions
        command = commands.value.copy()
        for i, (robot, data) in enumerate(zip(models, worlds)):
            before = data.qpos[0:2].copy()
            for _ in range(contract["decimation"]):
                data.ctrl[joints.actuator] = pd_torque(law, targets[i], data.qpos[joints.qpos], data.qvel[joints.qvel])
                mujoco.mj_step(robot, data)
            lin_b, ang_b = base_velocities(robot, data, joints.base)
            down = fallen(robot, data, joints.base)
            if recorder is not None:
                recorder.robot(i, robot, data, command[i], data.ctrl[joints.actuator], down)
            lin_err += float(np.linalg.norm(commands.value[i, :2] - lin_b[:2])) / robots
            yaw_err += abs(float(commands.value[i, 2] - ang_b[2])) / robots
            if down:
                falls += 1
                finite &= bool(np.all(np.isfinite(data.qpos)))
                place_at_default_pose(robot, data, joints, contract)
                commands.resample(np.array([i]))
                actions[i] = 0.0
            else:
                distance[i] += float(np.linalg.norm(data.qpos[0:2] - before))
        if frame_hook is not None:
            frame_hook(models[0], worlds[0], step)
        if recorder is not None:
            recorder.step()
    if recorder is not None:
        recorder_out.append(recorder.recording(step_dt))
    return {
        "lin_vel_error": lin_err / steps,
        "yaw_rate_error": yaw_err / steps,
        "distance_per_robot": float(distance.mean()),
        "falls": falls,
        "seconds": steps * step_dt,
        "base_height": [float(d.qpos[2]) for d in worlds],
        "finite": finite,
    }


def with_friction(model, friction: float):
    """A copy of ``model`` whose robot geoms have sliding friction ``friction`` (the ground's is 0)."""
    import copy

    model = copy.deepcopy(model)
    model.geom_friction[model.geom_bodyid > 0, 0] = friction
    return model


def stand(contract: dict[str, Any], seconds: float = 2.0, contact: str = "noslip") -> np.ndarray:
    """Base height [m] at each policy step of one robot holding the default pose under the contract's PD law."""
    import mujoco

    model = mujoco_model(contract, contact=contact)
    joints = JointMap.of(model, contract)
    law = PDLaw.of(contract)
    data = mujoco.MjData(model)
    place_at_default_pose(model, data, joints, contract)
    target = np.asarray(contract["action"]["default_joint_pos"])
    heights = []
    for _ in range(max(1, round(seconds * contract["control_rate_hz"]))):
        for _ in range(contract["decimation"]):
            data.ctrl[joints.actuator] = pd_torque(law, target, data.qpos[joints.qpos], data.qvel[joints.qvel])
            mujoco.mj_step(model, data)
        heights.append(float(data.qpos[2]))
    return np.array(heights)


def mujoco_version() -> str:
    """The MuJoCo library's version, e.g. ``3.12.0`` (for the report)."""
    import mujoco

    return mujoco.__version__


# ---------------------------------------------------------------- play.py in our simulator


def find_checkpoint(policy_dir: Path) -> Path | None:
    """The checkpoint ``play.py --export`` exported ``policy_dir`` from: the one ``*.pt`` but ``policy.pt``
    (``None`` if there is none). Several (a run folder) is a :class:`UsageError`: which one was exported is not
    recorded, and the table must compare one policy."""
    found = sorted(p for p in policy_dir.glob("*.pt") if p.name != "policy.pt")
    if len(found) > 1:
        raise UsageError(
            f"--policy: {policy_dir} holds several checkpoints ({', '.join(p.name for p in found[:4])}"
            f"{', ...' if len(found) > 4 else ''}); name the exported one with --checkpoint"
        )
    return found[0] if found else None


def play_figures(
    task: str,
    checkpoint: Path,
    robots: int,
    steps: int,
    device: str,
    seed: int | None,
    report: Path | None = None,
    collision_set: str | None = None,
) -> dict[str, float]:
    """Run ``scripts/play.py`` on ``checkpoint`` in a subprocess and read back its summary line; with ``report``, it
    writes its locomotion report there; ``collision_set`` (the contract's) gives it the robot the policy was
    exported with."""
    script = Path(__file__).resolve().parents[4] / "scripts" / "play.py"
    runner = [str(script)] if script.is_file() else ["-m", "ext_walk_minutes.cli.play"]
    command = [
        sys.executable,
        *runner,
        "--task",
        task,
        "--checkpoint",
        str(checkpoint),
        "--device",
        device,
        "--num_envs",
        str(robots),
        "--steps",
        str(steps),
    ]
    if seed is not None:
        command += ["--seed", str(seed)]
    if report is not None:
        command += ["--report", str(report)]
    if collision_set:
        command.append(f"env.scene.robot.spawn.collision_set={collision_set}")
    print(f"[sim2sim] running {' '.join(command)}", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
    match = PLAY_LINE.search(done.stdout)
    if done.returncode != 0 or match is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise UsageError(f"play.py failed (exit {done.returncode}): {tail[0]}")
    return {
        "lin_vel_error": float(match[3]),
        "yaw_rate_error": float(match[4]),
        "distance_per_robot": float(match[5]),
        "falls": int(match[6]),
        "seconds": float(match[2]),
    }


# ---------------------------------------------------------------- report


def table(rows: dict[str, dict[str, float]], robots: int) -> list[str]:
    """Markdown table: one row per simulator."""
    lines = [
        "| simulator | robots x s | lin vel error [m/s] | yaw rate error [rad/s] | distance per robot [m] | falls |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {robots} x {r['seconds']:.1f} | {r['lin_vel_error']:.3f} | "
            f"{r['yaw_rate_error']:.3f} | {r['distance_per_robot']:.2f} | {r['falls']} |"
        )
    return lines


def write_locomotion_report(out: Path, mujoco_run: Recording, play_recording: Path | None, intro: str) -> None:
    """``out/report``: the locomotion report of both simulators side by side (play.py's from its saved arrays), and
    MuJoCo's arrays (``mujoco_recording.npz``)."""
    from ..common.locomotion_files import write_report

    columns = {"MuJoCo": mujoco_run}
    if play_recording is not None:
        columns = {"Isaac Lab": Recording.load(play_recording), **columns}
    write_report(out / "report", columns, ["# Sim-to-sim locomotion report", "", intro])
    mujoco_run.save(out / "report" / "mujoco_recording.npz")
    print(f"[sim2sim] locomotion report: {out / 'report' / 'report.md'}", flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Run an exported policy in native MuJoCo (CPU) "
        "and in our simulator (play.py); print both velocity tracking figures.",
    )
    parser.add_argument("--policy", required=True, help="folder with policy.onnx and policy.json (play.py --export)")
    parser.add_argument("--robots", type=int, default=16, help="robots in each simulator (default 16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds to run (default 10, play.py's 500 steps)")
    parser.add_argument(
        "--terrain",
        choices=TERRAINS,
        default="flat",
        help="MuJoCo ground (default flat; play.py runs the task's own terrain)",
    )
    parser.add_argument(
        "--friction",
        default=None,
        help="friction of each MuJoCo robot, drawn from LOW,HIGH or one "
        "value (default: training's range, as play.py draws it)",
    )
    parser.add_argument(
        "--contact",
        choices=tuple(CONTACTS),
        default="noslip",
        help="MuJoCo friction: noslip "
        "(default; adds MuJoCo's no-slip pass) or soft (MuJoCo's default, creeps under steady load)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the MuJoCo commands and of play.py")
    parser.add_argument(
        "--checkpoint",
        default=None,
        help="checkpoint play.py runs (default: the one *.pt next to policy.json other than policy.pt)",
    )
    parser.add_argument("--no-play", action="store_true", help="skip play.py (MuJoCo figures only)")
    parser.add_argument("--device", default="cpu", help="play.py's device (default cpu)")
    parser.add_argument(
        "--video", default=None, help="write an MP4 of robot 0 in MuJoCo (needs MUJOCO_GL=egl or osmesa)"
    )
    parser.add_argument("--out", default=None, help="report folder (default logs/studies/sim2sim/<timestamp>)")
    return parser


def video_recorder(path: str, fps: float):
    """A frame hook writing robot 0 to ``path`` and a function that closes the file; UsageError if GL fails."""
    import mujoco

    try:
        import imageio.v2 as imageio
    except ImportError as exc:
        raise UsageError(f"--video needs imageio ({exc})") from None
    state: dict[str, Any] = {}

    def hook(model, data, step: int) -> None:
        if "renderer" not in state:
            try:
                state["renderer"] = mujoco.Renderer(model, 480, 640)
            except Exception as exc:  # no GL context: say so in one line (the message of some GL errors fails)
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                raise UsageError(
                    f"--video: MuJoCo cannot render here ({reason}); set MUJOCO_GL=egl or osmesa on a "
                    "machine with that GL library, or drop --video"
                ) from None
            state["camera"] = mujoco.MjvCamera()
            state["writer"] = imageio.get_writer(path, fps=fps)
        camera = state["camera"]
        camera.lookat[:] = data.qpos[0:3]
        camera.distance, camera.azimuth, camera.elevation = 2.5, 135.0, -20.0
        state["renderer"].update_scene(data, camera)
        state["writer"].append_data(state["renderer"].render())

    def close() -> None:
        if "writer" in state:
            state["writer"].close()

    return hook, close


def parse_friction(text: str | None, contract: dict[str, Any]) -> tuple[float, float]:
    """``--friction``: ``LOW,HIGH`` or one value; ``None`` is training's range (each robot draws one), from the
    contract (an export without it: the range of its task's terrain)."""
    if text is None:
        from ..tasks.walk_env_cfg import FLAT_FRICTION_RANGE, ROUGH_FRICTION_RANGE

        default = FLAT_FRICTION_RANGE if "Flat" in str(contract.get("task")) else ROUGH_FRICTION_RANGE
        low, high = contract.get("ground_friction_range") or default
        return (float(low), float(high))
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        values = []
    if len(values) not in (1, 2) or min(values) < 0 or values[0] > values[-1]:
        raise UsageError(f"--friction takes LOW,HIGH or one non-negative value (got '{text}')")
    return (values[0], values[-1])


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.robots < 1 or not (math.isfinite(args.seconds) and args.seconds > 0):
        raise UsageError(f"--robots must be at least 1 and --seconds positive (got {args.robots}, {args.seconds})")
    policy_dir = Path(args.policy)
    contract = load_contract(policy_dir)
    policy = onnx_policy(policy_dir)
    check_policy_fits(policy, contract, policy_dir)
    check_robot(contract, policy_dir)
    checkpoint = None
    if not args.no_play:
        checkpoint = Path(args.checkpoint) if args.checkpoint else find_checkpoint(policy_dir)
    if not args.no_play and (checkpoint is None or not checkpoint.is_file() or not contract.get("task")):
        raise UsageError(
            f"--policy: no checkpoint or task for play.py in {policy_dir} (give --checkpoint, or "
            "--no-play for MuJoCo figures only)"
        )
    friction = parse_friction(args.friction, contract)
    out = output_dir("sim2sim", args.out)
    hook = close = None
    if args.video:
        hook, close = video_recorder(args.video, contract["control_rate_hz"])
    print(
        f"[sim2sim] {contract['robot']['description']} ({contract['robot']['collision_set']} colliders) in MuJoCo "
        f"| {args.robots} robots x {args.seconds} s | terrain {args.terrain}",
        flush=True,
    )
    recorded: list[Recording] = []
    try:
        mujoco_result = rollout(
            contract, policy, args.robots, args.seconds, args.terrain, args.seed, friction, args.contact, hook, recorded
        )
    finally:
        if close is not None:
            close()
    rows = {f"MuJoCo {mujoco_version()} (C, CPU), {args.contact} contacts": mujoco_result}
    if not args.no_play:
        steps = round(args.seconds * contract["control_rate_hz"])
        rows["ours: Newton MuJoCo Warp (play.py)"] = play_figures(
            contract["task"],
            checkpoint,
            args.robots,
            steps,
            args.device,
            args.seed,
            out / "play_report",
            contract["robot"].get("collision_set"),
        )
    lines = table(rows, args.robots)
    header = report_header(
        "Sim-to-sim: the exported policy in MuJoCo and in our simulator", "sim2sim.py", argv, args.device
    )
    intro = (
        f"Policy `{policy_dir}` (task {contract.get('task')}); MuJoCo terrain {args.terrain}, robot friction "
        f"U({friction[0]}, {friction[1]}), contact {args.contact}, seed {args.seed}."
    )
    (out / "sim2sim.md").write_text("\n".join([*header, intro, "", *lines, ""]), encoding="utf-8")
    (out / "sim2sim.json").write_text(
        json.dumps(
            {"policy": str(policy_dir), "terrain": args.terrain, "robots": args.robots, "results": rows}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print("\n".join(lines), flush=True)
    print(f"[sim2sim] wrote {out / 'sim2sim.md'}, {out / 'sim2sim.json'}", flush=True)
    write_locomotion_report(out, recorded[0], None if args.no_play else out / "play_report" / "recording.npz", intro)
    return 0
