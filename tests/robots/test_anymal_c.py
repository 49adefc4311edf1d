"""ANYmal C: our authored USD (no simulator) and the robot in Isaac Lab on Newton MJWarp, CPU, offline."""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: 2 OpenMP threads crawl on a shared 2-core box

import dataclasses
import math

import numpy as np
import pytest
import torch
from pxr import Gf, Usd, UsdPhysics

from ext_walk_minutes.robots import ANYMAL_C, ANYMAL_C_CFG
from ext_walk_minutes.robots import description as rd

MASS = 52.135  # kg, robots.md 2.2
STAND_HEIGHT = 0.549  # m, base above flat ground at the default pose, robots.md 2.4
LEGS = ("LF", "RF", "LH", "RH")
JOINTS = {f"{leg}_{j}" for leg in LEGS for j in ("HAA", "HFE", "KFE")}
FEET = [f"{leg}_FOOT" for leg in LEGS]


# --------------------------------------------------------------------------------------------------
# Description and USD (pxr only)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stage() -> Usd.Stage:
    return Usd.Stage.Open(ANYMAL_C_CFG.spawn.usd_path)


def test_description_kinematics_and_mirroring():
    pos = ANYMAL_C.body_positions()
    # FK at q = 0 (robots.md 2.1): LF foot frame and mirrored copies, +-1 mm
    for leg, (sx, sy) in rd.ANYMAL_LEGS.items():
        np.testing.assert_allclose(pos[f"{leg}_FOOT"], (0.44775 * sx, 0.30116 * sy, -0.62297), atol=1e-3)
    assert ANYMAL_C.total_mass == pytest.approx(MASS, rel=1e-4)
    lf, rh = ANYMAL_C.body("LF_FOOT").inertial, ANYMAL_C.body("RH_FOOT").inertial
    assert rh.com == (-lf.com[0], -lf.com[1], lf.com[2])
    assert rh.inertia[3:] == (lf.inertia[3], -lf.inertia[4], -lf.inertia[5])
    haa = {j.name: (j.lower, j.upper) for j in ANYMAL_C.joints if j.name.endswith("HAA")}
    assert haa == {"LF_HAA": (-0.72, 0.49), "LH_HAA": (-0.72, 0.49), "RF_HAA": (-0.49, 0.72), "RH_HAA": (-0.49, 0.72)}


def test_cfg_is_isaaclab_anymal_c_on_our_usd():
    from isaaclab_assets.robots.anymal import ANYMAL_C_CFG as ISAACLAB_CFG

    spawn = ANYMAL_C_CFG.spawn
    assert spawn.usd_path.endswith(".usda") and os.path.isfile(spawn.usd_path)
    assert spawn.activate_contact_sensors and spawn.articulation_props == ISAACLAB_CFG.spawn.articulation_props
    legs = ANYMAL_C_CFG.actuators["legs"]
    assert (legs.saturation_effort, legs.actuator_effort_limit, legs.actuator_velocity_limit) == (120.0, 80.0, 7.5)
    assert legs.stiffness == {".*": 40.0} and legs.damping == {".*": 5.0} and legs.armature > 0.0
    assert ANYMAL_C_CFG.init_state.pos == (0.0, 0.0, 0.6)
    assert ANYMAL_C_CFG.init_state.joint_pos == {
        ".*HAA": 0.0, ".*F_HFE": 0.4, ".*H_HFE": -0.4, ".*F_KFE": -0.8, ".*H_KFE": 0.8
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
    assert revolute["RF_HAA"].GetLowerLimitAttr().Get() == pytest.approx(math.degrees(-0.49), abs=1e-4)  # degrees
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
    first = rd.usd_path(ANYMAL_C)
    assert first.startswith(str(tmp_path))
    stamp = os.stat(first).st_mtime_ns
    assert rd.usd_path(ANYMAL_C) == first and os.stat(first).st_mtime_ns == stamp  # hit: no rewrite

    base = ANYMAL_C.body("base")
    heavier = dataclasses.replace(base, inertial=dataclasses.replace(base.inertial, mass=30.0))
    changed = dataclasses.replace(ANYMAL_C, bodies=(heavier, *ANYMAL_C.bodies[1:]))
    second = rd.usd_path(changed)
    assert second != first and os.path.isfile(second)
    changed_stage = Usd.Stage.Open(second)  # keep a reference: prims die with their stage
    assert UsdPhysics.MassAPI(changed_stage.GetPrimAtPath("/anymal_c/base")).GetMassAttr().Get() == pytest.approx(30.0)
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temp files left behind


# --------------------------------------------------------------------------------------------------
# Simulation: Isaac Lab + Newton MJWarp on CPU
# --------------------------------------------------------------------------------------------------

SETTLE_STEPS = 400  # 2 s at dt = 5 ms


@pytest.fixture(scope="module")
def standing() -> dict[str, torch.Tensor | list[str]]:
    """:func:`measure_standing` in a fresh process: the simulator must not inherit state from the
    environments other tests built in this one (after them the DC-motor robot settled 15 cm lower)."""
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure_standing).result(timeout=600)


def measure_standing() -> dict[str, torch.Tensor | list[str]]:
    """Spawn two ANYmal C per env on flat ground, hold the default pose for 2 s, return measurements.

    ``robot`` is the shipped cfg (ANYdrive DC motor, Kp 40). ``stiff`` is the same USD held by a stiff
    implicit PD: with Kp 40 the stance sags by tau/Kp (KFE ~28 N m -> ~0.7 rad), so only a stiff
    hold can check the kinematic standing height of 0.549 m.
    """
    torch.set_num_threads(1)
    import isaaclab.sim as sim_utils
    from isaaclab.actuators import ImplicitActuatorCfg
    from isaaclab.scene import InteractiveScene, InteractiveSceneCfg
    from isaaclab.sensors import ContactSensorCfg
    from isaaclab.terrains import HfRandomUniformTerrainCfg, TerrainGeneratorCfg, TerrainImporterCfg
    from isaaclab.utils import replace
    from isaaclab_tasks.core.velocity.velocity_env_cfg import RoughPhysicsCfg

    stiff_actuator = ImplicitActuatorCfg(
        joint_names_expr=[".*"], stiffness=2000.0, damping=40.0, armature=0.01, effort_limit_sim=500.0
    )
    scene_cfg = InteractiveSceneCfg(num_envs=2, env_spacing=3.0)
    # A tiny-noise height field: offline (no asset-server plane) and accepted by MJWarp (a flat mesh is not).
    scene_cfg.terrain = TerrainImporterCfg(
        prim_path="/World/ground",
        terrain_type="generator",
        terrain_generator=TerrainGeneratorCfg(
            size=(3.0, 3.0),
            num_rows=1,
            num_cols=2,
            sub_terrains={
                "flat": HfRandomUniformTerrainCfg(
                    proportion=1.0, noise_range=(0.0, 0.005), noise_step=0.005, border_width=0.25
                )
            },
        ),
        physics_material=sim_utils.RigidBodyMaterialCfg(static_friction=1.0, dynamic_friction=1.0),
        visual_material=None,
    )
    scene_cfg.robot = replace(
        ANYMAL_C_CFG,
        prim_path="{ENV_REGEX_NS}/Robot",
        init_state=replace(ANYMAL_C_CFG.init_state, pos=(0.0, -0.7, 0.6)),
    )
    scene_cfg.stiff = replace(
        ANYMAL_C_CFG,
        prim_path="{ENV_REGEX_NS}/Stiff",
        init_state=replace(ANYMAL_C_CFG.init_state, pos=(0.0, 0.7, 0.6)),
        actuators={"legs": stiff_actuator},
    )
    scene_cfg.feet = ContactSensorCfg(prim_path="{ENV_REGEX_NS}/Robot/.*FOOT")
    scene_cfg.contacts = ContactSensorCfg(prim_path="{ENV_REGEX_NS}/Robot/[^/]*")  # stock velocity-task pattern
    scene_cfg.stiff_contacts = ContactSensorCfg(prim_path="{ENV_REGEX_NS}/Stiff/[^/]*")

    sim = sim_utils.SimulationContext(
        sim_utils.SimulationCfg(dt=0.005, device="cpu", physics=RoughPhysicsCfg().newton_mjwarp)
    )
    try:
        scene = InteractiveScene(scene_cfg)
        sim.reset()
        robots = [scene["robot"], scene["stiff"]]
        for robot in robots:  # what the env's reset events do: default state at the terrain origins
            pose = robot.data.default_root_pose.torch.clone()
            pose[:, :3] += scene.env_origins
            robot.write_root_pose_to_sim_index(root_pose=pose)
            robot.write_root_velocity_to_sim_index(root_velocity=robot.data.default_root_vel.torch.clone())
            robot.write_joint_position_to_sim_index(position=robot.data.default_joint_pos.torch.clone())
            robot.write_joint_velocity_to_sim_index(velocity=robot.data.default_joint_vel.torch.clone())
        scene.reset()
        dt = sim.get_physics_dt()
        for _ in range(SETTLE_STEPS):
            for robot in robots:
                robot.actuators.target_command.set_position_index(value=robot.data.default_joint_pos.torch)
            scene.write_data_to_sim()
            sim.step(render=False)
            scene.update(dt)

        ground_z = scene.env_origins[:, 2]
        robot, stiff = robots
        return {
            "joint_names": robot.joint_names,
            "body_names": robot.body_names,
            "body_mass": robot.data.body_mass.torch.clone(),
            "base_inertia": robot.data.body_inertia.torch[:, 0].reshape(-1, 3, 3).clone(),
            "height": robot.data.root_pos_w.torch[:, 2] - ground_z,
            "gravity_z": robot.data.projected_gravity_b.torch[:, 2].clone(),
            "stiff_height": stiff.data.root_pos_w.torch[:, 2] - ground_z,
            "stiff_gravity_z": stiff.data.projected_gravity_b.torch[:, 2].clone(),
            "feet_names": scene["feet"].sensor_names,
            "feet_fz": scene["feet"].data.net_forces_w.torch[..., 2].clone(),
            "contact_names": scene["contacts"].sensor_names,
            "contact_force": scene["contacts"].data.net_forces_w.torch.norm(dim=-1),
            "stiff_contact_names": scene["stiff_contacts"].sensor_names,
            "stiff_contact_force": scene["stiff_contacts"].data.net_forces_w.torch.norm(dim=-1),
        }
    finally:
        sim.clear_instance()


def test_sim_mass_and_names(standing):
    assert set(standing["joint_names"]) == JOINTS
    assert set(FEET) <= set(standing["body_names"]) and len(standing["body_names"]) == 17
    total = standing["body_mass"].sum(dim=-1)
    assert torch.allclose(total, torch.full_like(total, MASS), rtol=0.02), total
    # Newton takes body MassAPI diagonalInertia + principalAxes: the full tensor comes back
    expected = torch.tensor(ANYMAL_C.body("base").inertial.tensor(), dtype=torch.float32)
    assert torch.allclose(standing["base_inertia"], expected.expand_as(standing["base_inertia"]), atol=1e-4)


def test_sim_stands_on_its_feet(standing):
    # shipped actuator (Kp 40): upright, on four feet, but sagging below the nominal height
    assert (standing["gravity_z"] < -0.95).all(), standing["gravity_z"]
    assert ((standing["height"] > 0.30) & (standing["height"] < STAND_HEIGHT + 0.03)).all(), standing["height"]
    assert sorted(standing["feet_names"]) == sorted(FEET)
    fz = standing["feet_fz"]
    weight = standing["body_mass"].sum(dim=-1) * 9.81
    assert (fz > 0.1 * weight[:, None]).all(), fz  # each foot carries load
    assert torch.allclose(fz.sum(dim=-1), weight, rtol=0.1), (fz.sum(dim=-1), weight)
    for key in ("contact", "stiff_contact"):  # nothing but the feet touches anything (ground or self)
        not_feet = [i for i, n in enumerate(standing[f"{key}_names"]) if not n.endswith("FOOT")]
        assert len(not_feet) == 13
        assert (standing[f"{key}_force"][:, not_feet] < 1.0).all(), standing[f"{key}_force"]


def test_sim_standing_height_at_default_pose(standing):
    assert (standing["stiff_gravity_z"] < -0.95).all(), standing["stiff_gravity_z"]
    assert torch.allclose(
        standing["stiff_height"], torch.full_like(standing["stiff_height"], STAND_HEIGHT), atol=0.03
    ), standing["stiff_height"]
