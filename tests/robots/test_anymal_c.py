"""ANYmal C: our authored description and USD (no simulator)."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: 2 OpenMP threads crawl on a shared 2-core box

import dataclasses
import math

import numpy as np
import pytest
from pxr import Gf, Usd, UsdPhysics

from ext_walk_minutes.robots import ANYMAL_C, ANYMAL_C_CFG
from ext_walk_minutes.robots.mirroring import ANYMAL_LEGS
from ext_walk_minutes.robots.spawn import robot_usd_path
from ext_walk_minutes.robots.usd_cache import usd_path

MASS = 52.135  # kg, docs/robots.md §2.2
STAND_HEIGHT = 0.549  # m, base above flat ground at the default pose, docs/robots.md §2.4
LEGS = ("LF", "RF", "LH", "RH")
JOINTS = {f"{leg}_{j}" for leg in LEGS for j in ("HAA", "HFE", "KFE")}
FEET = [f"{leg}_FOOT" for leg in LEGS]


# --------------------------------------------------------------------------------------------------
# Description and USD (pxr only)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stage() -> Usd.Stage:
    return Usd.Stage.Open(robot_usd_path(ANYMAL_C_CFG.spawn))


def test_description_kinematics_and_mirroring():
    pos = ANYMAL_C.body_positions()
    # FK at q = 0 (docs/robots.md §2.1): LF foot frame and mirrored copies, +-1 mm
    for leg, (sx, sy) in ANYMAL_LEGS.items():
        np.testing.assert_allclose(pos[f"{leg}_FOOT"], (0.44775 * sx, 0.30116 * sy, -0.62297), atol=1e-3)
    assert ANYMAL_C.total_mass == pytest.approx(MASS, rel=1e-4)
    lf, rh = ANYMAL_C.body("LF_FOOT").inertial, ANYMAL_C.body("RH_FOOT").inertial
    assert rh.com == (-lf.com[0], -lf.com[1], lf.com[2])
    assert rh.inertia[3:] == (lf.inertia[3], -lf.inertia[4], -lf.inertia[5])
    hinges = [j for j in ANYMAL_C.joints if hasattr(j, "lower")]
    assert len(hinges) == 12 and all(j.lower is None and j.upper is None for j in hinges)  # legged_gym: no limits


def test_cfg_is_isaaclab_anymal_c_on_our_usd():
    from isaaclab_assets.robots.anymal import ANYMAL_C_CFG as ISAACLAB_CFG

    spawn = ANYMAL_C_CFG.spawn
    assert (spawn.robot, spawn.collision_set) == ("anymal_c", "legged_gym") and not spawn.usd_path  # written at spawn
    assert robot_usd_path(spawn).endswith(".usda") and os.path.isfile(robot_usd_path(spawn))
    assert spawn.activate_contact_sensors and spawn.articulation_props == ISAACLAB_CFG.spawn.articulation_props
    drives = ANYMAL_C_CFG.actuators["legs"]
    legs = drives.default
    assert legs == drives.dc_motor  # the default drive model until a GPU comparison says otherwise
    assert (legs.saturation_effort, legs.actuator_effort_limit, legs.actuator_velocity_limit) == (120.0, 80.0, 7.5)
    assert (legs.stiffness, legs.damping) == (80.0, 2.0) and legs.armature > 0.0  # legged_gym's fallback PD
    pd = drives.ideal_pd  # legged_gym without its actuator net: same PD, clipped at 80 N m, no torque-speed curve
    assert type(pd).__name__ == "IdealPDActuatorCfg" and pd.actuator_velocity_limit is None
    assert (pd.stiffness, pd.damping, pd.armature, pd.actuator_effort_limit) == (80.0, 2.0, legs.armature, 80.0)
    assert ANYMAL_C_CFG.init_state.pos == (0.0, 0.0, 0.6)
    assert ANYMAL_C_CFG.init_state.joint_pos == {
        ".*HAA": 0.0,
        ".*F_HFE": 0.4,
        ".*H_HFE": -0.4,
        ".*F_KFE": -0.8,
        ".*H_KFE": 0.8,
    }


def test_usd_layout_joints_and_mass(stage: Usd.Stage):
    root = stage.GetDefaultPrim()
    assert root.GetPath() == "/anymal_c"
    bodies = [p for p in stage.Traverse() if p.HasAPI(UsdPhysics.RigidBodyAPI)]
    assert len(bodies) == 17
    assert all(p.GetParent() == root for p in bodies)  # flat: stock `Robot/[^/]*` patterns work
    names = {p.GetName() for p in bodies}
    assert {"base", *FEET} <= names
    assert stage.GetPrimAtPath("/anymal_c/base").HasAPI(UsdPhysics.ArticulationRootAPI)

    revolute = {p.GetName(): UsdPhysics.RevoluteJoint(p) for p in stage.Traverse() if p.IsA(UsdPhysics.RevoluteJoint)}
    assert set(revolute) == JOINTS
    # legged_gym's URDF has no position limits: none authored (Newton's default is an unlimited hinge)
    assert not revolute["RF_HAA"].GetLowerLimitAttr().HasAuthoredValue()
    assert revolute["RF_HAA"].GetPrim().GetAttribute("newton:velocityLimit").Get() == pytest.approx(math.degrees(20.0))
    fixed = [p for p in stage.Traverse() if p.IsA(UsdPhysics.FixedJoint)]
    assert len(fixed) == 4

    masses = [UsdPhysics.MassAPI(p).GetMassAttr().Get() for p in bodies]
    assert sum(masses) == pytest.approx(MASS, rel=0.02)


def test_usd_principal_axes_reproduce_inertia(stage: Usd.Stage):
    for body in ANYMAL_C.bodies:
        api = UsdPhysics.MassAPI(stage.GetPrimAtPath(f"/anymal_c/{body.name}"))
        rot = Gf.Rotation(Gf.Quatd(api.GetPrincipalAxesAttr().Get()))
        r = np.array([list(rot.TransformDir(Gf.Vec3d(*e))) for e in np.eye(3)]).T  # columns = principal axes
        tensor = r @ np.diag(list(api.GetDiagonalInertiaAttr().Get())) @ r.T
        expected = body.inertial.tensor()
        np.testing.assert_allclose(tensor, expected, atol=1e-5 * np.abs(expected).max())  # float32 attributes


def test_usd_cache_reused_and_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("EXT_WALK_MINUTES_CACHE", str(tmp_path))
    first = usd_path(ANYMAL_C)
    assert first.startswith(str(tmp_path))
    stamp = os.stat(first).st_mtime_ns
    assert usd_path(ANYMAL_C) == first and os.stat(first).st_mtime_ns == stamp  # hit: no rewrite

    base = ANYMAL_C.body("base")
    heavier = dataclasses.replace(base, inertial=dataclasses.replace(base.inertial, mass=30.0))
    changed = dataclasses.replace(ANYMAL_C, bodies=(heavier, *ANYMAL_C.bodies[1:]))
    second = usd_path(changed)
    assert second != first and os.path.isfile(second)
    changed_stage = Usd.Stage.Open(second)  # keep a reference: prims die with their stage
    assert UsdPhysics.MassAPI(changed_stage.GetPrimAtPath("/anymal_c/base")).GetMassAttr().Get() == pytest.approx(30.0)
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temp files left behind


# In the simulator (mass, joints, feet, standing height, self-contacts): test_robot_standing.py, all robots.
