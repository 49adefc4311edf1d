"""The MJCF writer against the USD writer: the MuJoCo model of every robot and collision set has the USD's masses,
inertias, joint axes and limits, colliders per body and body (foot) positions at the default pose.

The USD side is read back with ``pxr`` from the written file and posed by a forward kinematics over its joints
(written here, from the UsdPhysics joint frames and axes); the MuJoCo side is posed by ``mj_kinematics``. So the
check goes through both files, not through the description they share.
"""

from __future__ import annotations

import os
import re

os.environ.setdefault("OMP_NUM_THREADS", "1")

import mujoco
import numpy as np
import pytest
from pxr import Usd, UsdPhysics

from ext_walk_minutes.robots import (
    ANYMAL_B_CFG,
    ANYMAL_C_ARM_CFG,
    ANYMAL_C_CFG,
    CASSIE_CFG,
    DESCRIPTIONS,
    UNITREE_A1_CFG,
)
from ext_walk_minutes.robots.mjcf_writer import mjcf_xml
from ext_walk_minutes.robots.usd_writer import write_usd

pytestmark = pytest.mark.slow  # writes and reads back every robot's MJCF and USD

CFGS = {
    "anymal_c": ANYMAL_C_CFG,
    "anymal_b": ANYMAL_B_CFG,
    "anymal_c_arm": ANYMAL_C_ARM_CFG,
    "unitree_a1": UNITREE_A1_CFG,
    "cassie": CASSIE_CFG,
}
CASES = [(robot, cs) for robot, sets in DESCRIPTIONS.items() for cs in sets]


def quat_matrix(q) -> np.ndarray:
    """3x3 rotation of a (w, x, y, z) quaternion."""
    w, x, y, z = np.asarray(q, dtype=np.float64) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def axis_angle_matrix(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rotation by ``angle`` [rad] about the unit ``axis`` (Rodrigues)."""
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def gf_quat(q) -> tuple[float, ...]:
    return (q.GetReal(), *q.GetImaginary())


def default_pose(robot: str, joint_names: list[str]) -> dict[str, float]:
    """The robot's Isaac Lab default joint positions [rad] (regex keys of ``init_state.joint_pos`` resolved)."""
    patterns = CFGS[robot].init_state.joint_pos
    return {n: next((float(v) for p, v in patterns.items() if re.fullmatch(p, n)), 0.0) for n in joint_names}


def usd_model(path: str) -> dict:
    """Masses, inertia tensors, collider counts and joints (frames, axis, limits) read from a written USD."""
    stage = Usd.Stage.Open(path)
    bodies, joints = {}, []
    for prim in stage.Traverse():
        if prim.HasAPI(UsdPhysics.RigidBodyAPI):
            mass = UsdPhysics.MassAPI(prim)
            r = quat_matrix(gf_quat(mass.GetPrincipalAxesAttr().Get()))
            tensor = r @ np.diag(np.array(mass.GetDiagonalInertiaAttr().Get(), dtype=np.float64)) @ r.T
            colliders = sum(c.HasAPI(UsdPhysics.CollisionAPI) for c in prim.GetChildren())
            bodies[prim.GetName()] = {"mass": mass.GetMassAttr().Get(), "inertia": tensor, "colliders": colliders}
        elif prim.IsA(UsdPhysics.Joint):
            joint = UsdPhysics.Joint(prim)
            revolute = prim.IsA(UsdPhysics.RevoluteJoint)
            j = {
                "name": prim.GetName(),
                "parent": joint.GetBody0Rel().GetTargets()[0].name,
                "child": joint.GetBody1Rel().GetTargets()[0].name,
                "pos0": np.array(joint.GetLocalPos0Attr().Get(), dtype=np.float64),
                "rot0": quat_matrix(gf_quat(joint.GetLocalRot0Attr().Get())),
                "rot1": quat_matrix(gf_quat(joint.GetLocalRot1Attr().Get())),
                "revolute": revolute,
            }
            if revolute:
                rev = UsdPhysics.RevoluteJoint(prim)
                j["axis"] = {"X": np.eye(3)[0], "Y": np.eye(3)[1], "Z": np.eye(3)[2]}[rev.GetAxisAttr().Get()]
                j["limits"] = np.radians([rev.GetLowerLimitAttr().Get(), rev.GetUpperLimitAttr().Get()])
            joints.append(j)
    return {"bodies": bodies, "joints": joints}


def usd_forward_kinematics(joints: list[dict], root: str, q: dict[str, float]):
    """Body positions [m] and revolute joint axes (unit vectors) in the root frame at joint positions ``q``."""
    pose = {root: (np.eye(3), np.zeros(3))}
    axes = {}
    pending = list(joints)
    while pending:
        for j in [j for j in pending if j["parent"] in pose]:
            r0, p0 = pose[j["parent"]]
            r_joint, p_joint = r0 @ j["rot0"], p0 + r0 @ j["pos0"]
            turn = axis_angle_matrix(j["axis"], q[j["name"]]) if j["revolute"] else np.eye(3)
            if j["revolute"]:
                axes[j["name"]] = r_joint @ j["axis"]
            pose[j["child"]] = (r_joint @ turn @ j["rot1"].T, p_joint)  # localPos1 is 0
            pending.remove(j)
    return {b: p for b, (_, p) in pose.items()}, axes


@pytest.mark.parametrize(("robot", "collision_set"), CASES)
def test_mjcf_matches_the_usd(robot, collision_set, tmp_path):
    desc = DESCRIPTIONS[robot][collision_set]
    usd_file = str(tmp_path / f"{robot}.usda")
    write_usd(desc, usd_file)
    usd = usd_model(usd_file)
    model = mujoco.MjModel.from_xml_string(mjcf_xml(desc, stiffness=50.0, damping=1.0, armature=0.01))
    data = mujoco.MjData(model)

    # masses and inertia tensors about the COM, body by body
    assert model.nbody - 1 == len(usd["bodies"])
    for name, body in usd["bodies"].items():
        b = model.body(name)
        assert b.mass[0] == pytest.approx(body["mass"], rel=1e-6), name
        r = quat_matrix(b.iquat)
        np.testing.assert_allclose(r @ np.diag(b.inertia) @ r.T, body["inertia"], atol=1e-6 * max(1.0, body["mass"]))
        assert int(np.sum(model.geom_bodyid == b.id)) == body["colliders"], name
    assert float(np.sum(model.body_mass)) == pytest.approx(desc.total_mass, rel=1e-9)

    # pose both models at the default joint positions; root at the origin
    hinges = [j for j in usd["joints"] if j["revolute"]]
    q = default_pose(robot, [j["name"] for j in hinges])
    assert any(v != 0.0 for v in q.values()), "the default pose should bend some joint"
    data.qpos[:7] = (0, 0, 0, 1, 0, 0, 0)
    for name, value in q.items():
        data.qpos[model.joint(name).qposadr[0]] = value
    mujoco.mj_kinematics(model, data)
    usd_positions, usd_axes = usd_forward_kinematics(usd["joints"], desc.root, q)
    for name, position in usd_positions.items():
        np.testing.assert_allclose(data.xpos[model.body(name).id], position, atol=1e-6, err_msg=name)
    for j in hinges:
        np.testing.assert_allclose(
            data.xaxis[model.joint(j["name"]).id], usd_axes[j["name"]], atol=1e-6, err_msg=j["name"]
        )
        limited = bool(model.jnt_limited[model.joint(j["name"]).id])
        if np.isinf(j["limits"]).all():  # no limit in the USD (legged_gym's ANYmal C): an unlimited MuJoCo hinge
            assert not limited, j["name"]
        else:
            assert limited, j["name"]
            np.testing.assert_allclose(model.joint(j["name"]).range, j["limits"], atol=1e-6, err_msg=j["name"])
    feet = [b for b in usd_positions if re.search("foot|FOOT|toe", b)]
    assert feet, "every robot has feet"
