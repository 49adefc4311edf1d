"""Every robot in Isaac Lab on Newton MJWarp (CPU, offline): mass, joints, feet, standing height, self-contacts.

All five robots stand side by side in one scene, with each collision set (``legged_gym``, ``detailed``), each
twice: with its training actuators (``train``) and held by a stiff implicit PD (``stiff``). A soft PD sags by
tau / Kp under the static load (ANYmal's Kp 80 knees by
~0.35 rad), so only the stiff hold checks the kinematic standing height of docs/robots.md; the training-gain height is
reported next to it (ANYmal C with arm 8 cm lower). Self-collisions are on,
so any self-penetration at the default pose shows up as a contact force on a body other than a foot.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: 2 OpenMP threads crawl on a shared 2-core box

from dataclasses import dataclass

import pytest
import torch

from helpers import default_actuators, one_world_sim_cfg

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Expected:
    """A robot's reference values (docs/robots.md)."""

    cfg_name: str
    mass: float  # kg
    height: float  # m: base above flat ground at the default pose
    joints: frozenset[str]
    feet: tuple[str, ...]
    num_bodies: int


def _quadruped_joints(legs, names):
    return frozenset(f"{leg}_{n}" for leg in legs for n in names)


ANYMAL_JOINTS = _quadruped_joints(("LF", "RF", "LH", "RH"), ("HAA", "HFE", "KFE"))
ANYMAL_FEET = tuple(f"{leg}_FOOT" for leg in ("LF", "RF", "LH", "RH"))
ROBOTS = {
    "anymal_c": Expected("ANYMAL_C_CFG", 52.135, 0.549, ANYMAL_JOINTS, ANYMAL_FEET, 17),  # docs/robots.md §2.2, §2.4
    "anymal_b": Expected("ANYMAL_B_CFG", 30.62, 0.497, ANYMAL_JOINTS, ANYMAL_FEET, 17),  # 3.2, 3.4
    "anymal_c_arm": Expected("ANYMAL_C_ARM_CFG", 62.5, 0.549, ANYMAL_JOINTS, ANYMAL_FEET, 17),  # 4
    "unitree_a1": Expected(  # 5.2, 5.4 (front feet; the rear stand 8 mm lower)
        "UNITREE_A1_CFG",
        12.454,
        0.302,
        _quadruped_joints(("FL", "FR", "RL", "RR"), ("hip_joint", "thigh_joint", "calf_joint")),
        tuple(f"{leg}_foot" for leg in ("FL", "FR", "RL", "RR")),
        17,
    ),
    "cassie": Expected(  # 6.1, 6.5
        "CASSIE_CFG",
        30.47,
        0.855,
        frozenset(
            f"{j}_{side}"
            for side in ("left", "right")
            for j in ("hip_abduction", "hip_rotation", "hip_flexion", "thigh_joint", "ankle_joint", "toe_joint")
        ),
        ("left_toe", "right_toe"),
        13,
    ),
}
SETTLE_STEPS = 400  # 2 s at dt = 5 ms
SETTLE_STEPS_CASSIE = 100  # 0.5 s: held stiffly, the biped then tips forward over its toes (see measure_standing)
NOISE = 0.005
SPACING = 2.0  # m between robots along x; the four copies of a robot stand at y = -2.4, -0.8, 0.8, 2.4 m
COLLISION_SETS = ("legged_gym", "detailed")


def measure_standing() -> dict[str, dict]:
    """Spawn every robot twice (training actuators, stiff PD), hold the default pose for 2 s, return measurements.

    Cassie is measured after 0.5 s, when it has landed and settled: a biped held rigidly at its default pose has
    its centre of mass ~1 cm behind the middle of its short toes and slowly tips forward (measured: tilt 3 deg at
    0.5 s, 9 deg at 0.75 s, down at 1.5 s, on a plane as on this ground), so 2 s would measure a fallen robot.
    """
    torch.set_num_threads(1)
    import isaaclab.sim as sim_utils
    from isaaclab.actuators import ImplicitActuatorCfg
    from isaaclab.scene import InteractiveScene, InteractiveSceneCfg
    from isaaclab.sensors import ContactSensorCfg
    from isaaclab.terrains import HfRandomUniformTerrainCfg, TerrainGeneratorCfg, TerrainImporterCfg
    from isaaclab.utils import replace

    from ext_walk_minutes import robots

    # MuJoCo integrates a position gain explicitly: Kp 2000 is stable in one 5 ms step only with enough inertia at
    # the joint (sqrt(Kp / I) * dt < 2; armature 0.01 gave ~2 and the robots bounced onto two feet). Armature does
    # not change the static pose this hold measures.
    stiff_actuator = ImplicitActuatorCfg(
        joint_names_expr=[".*"], stiffness=2000.0, damping=40.0, armature=0.1, effort_limit_sim=500.0
    )
    scene_cfg = InteractiveSceneCfg(num_envs=1, env_spacing=3.0)
    # A tiny-noise height field: offline (no asset-server plane) and accepted by MJWarp (a flat mesh is not).
    scene_cfg.terrain = TerrainImporterCfg(
        prim_path="/World/ground",
        terrain_type="generator",
        terrain_generator=TerrainGeneratorCfg(
            size=(SPACING * len(ROBOTS) + 2.0, 7.0),
            num_rows=1,
            num_cols=1,
            sub_terrains={
                "flat": HfRandomUniformTerrainCfg(
                    proportion=1.0, noise_range=(0.0, NOISE), noise_step=0.005, border_width=0.25
                )
            },
        ),
        physics_material=sim_utils.RigidBodyMaterialCfg(static_friction=1.0, dynamic_friction=1.0),
        visual_material=None,
    )
    copies = {}  # scene entity name -> (robot, collision set, variant)
    for i, (robot, expected) in enumerate(ROBOTS.items()):
        cfg = getattr(robots, expected.cfg_name)
        props = [p.replace() for p in cfg.spawn.articulation_props]
        for p in props:
            for name in ("enabled_self_collisions", "self_collision_enabled"):
                if hasattr(p, name):
                    setattr(p, name, True)
        train_actuators = default_actuators(cfg)
        x = (i - (len(ROBOTS) - 1) / 2) * SPACING
        for j, collision_set in enumerate(COLLISION_SETS):
            spawn = replace(cfg.spawn, articulation_props=props, collision_set=collision_set)
            for k, (variant, actuators) in enumerate((("train", train_actuators), ("stiff", {"all": stiff_actuator}))):
                name = f"{robot}_{collision_set}_{variant}"
                pos = (x, (2 * j + k - 1.5) * 1.6, cfg.init_state.pos[2])
                setattr(
                    scene_cfg,
                    name,
                    replace(
                        cfg,
                        prim_path=f"{{ENV_REGEX_NS}}/{name}",
                        spawn=spawn,
                        init_state=replace(cfg.init_state, pos=pos),
                        actuators=actuators,
                    ),
                )
                setattr(scene_cfg, f"{name}_contacts", ContactSensorCfg(prim_path=f"{{ENV_REGEX_NS}}/{name}/[^/]*"))
                copies[name] = (robot, collision_set, variant)

    sim = sim_utils.SimulationContext(one_world_sim_cfg(len(copies)))
    try:
        scene = InteractiveScene(scene_cfg)
        sim.reset()
        articulations = [scene[name] for name in copies]
        for art in articulations:  # what the env's reset events do: default state at the terrain origin
            pose = art.data.default_root_pose.torch.clone()
            pose[:, :3] += scene.env_origins
            art.write_root_pose_to_sim_index(root_pose=pose)
            art.write_root_velocity_to_sim_index(root_velocity=art.data.default_root_vel.torch.clone())
            art.write_joint_position_to_sim_index(position=art.data.default_joint_pos.torch.clone())
            art.write_joint_velocity_to_sim_index(velocity=art.data.default_joint_vel.torch.clone())
        scene.reset()
        dt = sim.get_physics_dt()
        ground_z = scene.env_origins[0, 2].item()
        out: dict[str, dict] = {robot: {collision_set: {} for collision_set in COLLISION_SETS} for robot in ROBOTS}
        settle = {robot: SETTLE_STEPS_CASSIE if robot == "cassie" else SETTLE_STEPS for robot in ROBOTS}
        for step in range(1, max(settle.values()) + 1):
            for art in articulations:
                art.actuators.target_command.set_position_index(value=art.data.default_joint_pos.torch)
            scene.write_data_to_sim()
            sim.step(render=False)
            scene.update(dt)
            for name, (robot, collision_set, variant) in copies.items():
                if step == settle[robot]:
                    out[robot][collision_set][variant] = _snapshot(scene, name, ground_z)
        return out
    finally:
        sim.clear_instance()


def _snapshot(scene, name: str, ground_z: float) -> dict:
    """What the tests check of the robot copy ``name`` (plain Python values, to cross the process boundary)."""
    art, contacts = scene[name], scene[f"{name}_contacts"]
    return {
        "joint_names": list(art.joint_names),
        "body_names": list(art.body_names),
        "mass": art.data.body_mass.torch[0].sum().item(),
        "height": art.data.root_pos_w.torch[0, 2].item() - ground_z,
        "gravity_z": art.data.projected_gravity_b.torch[0, 2].item(),
        "contact_names": list(contacts.sensor_names),
        "contact_force": contacts.data.net_forces_w.torch[0].norm(dim=-1).tolist(),
        "contact_fz": contacts.data.net_forces_w.torch[0, :, 2].tolist(),
    }


@pytest.fixture(scope="module")
def standing() -> dict[str, dict]:
    """:func:`measure_standing` in a fresh process: the simulator must not inherit state from the
    environments other tests built in this one (after them the DC-motor ANYmal settled 15 cm lower)."""
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(measure_standing).result(timeout=600)


CASES = [(robot, collision_set) for robot in ROBOTS for collision_set in COLLISION_SETS]


@pytest.mark.parametrize(("robot", "collision_set"), CASES)
def test_mass_joints_and_feet(standing, robot, collision_set):
    expected, measured = ROBOTS[robot], standing[robot][collision_set]["train"]
    assert measured["mass"] == pytest.approx(expected.mass, rel=0.02)
    assert set(measured["joint_names"]) == expected.joints
    assert len(measured["body_names"]) == expected.num_bodies
    assert set(expected.feet) <= set(measured["body_names"])


@pytest.mark.parametrize(("robot", "collision_set"), CASES)
def test_standing_height_at_default_pose(standing, robot, collision_set):
    stiff = standing[robot][collision_set]["stiff"]
    assert stiff["gravity_z"] < -0.99, stiff["gravity_z"]  # upright: tilted less than ~8 deg
    assert stiff["height"] == pytest.approx(ROBOTS[robot].height, abs=0.03)


@pytest.mark.parametrize(("robot", "collision_set"), CASES)
def test_only_the_feet_touch(standing, robot, collision_set):
    """At the default pose: on its feet, carrying its weight, nothing else touches anything (no self-penetration)."""
    expected, measured = ROBOTS[robot], standing[robot][collision_set]["stiff"]
    assert measured["gravity_z"] < -0.95, measured["gravity_z"]
    names = measured["contact_names"]
    force = dict(zip(names, measured["contact_force"]))
    fz = dict(zip(names, measured["contact_fz"]))
    weight = measured["mass"] * 9.81
    assert sum(fz[foot] for foot in expected.feet) == pytest.approx(weight, rel=0.1)
    # the feet carry the load; how it splits is statically indeterminate for a rigid quadruped on 5 mm noise
    # (measured: a stiff A1 can rock onto three feet), so all but one foot must carry 5 % of the weight
    assert sum(fz[foot] > 0.05 * weight for foot in expected.feet) >= max(len(expected.feet) - 1, 2), fz
    others = {n: f for n, f in force.items() if n not in expected.feet}
    assert len(others) == expected.num_bodies - len(expected.feet)
    assert all(f < 1.0 for f in others.values()), others


def test_training_gains_keep_robots_upright(standing):
    """With the training actuators the robots sag (reported with pytest -s) but stay upright and less than 10 cm
    low (with Isaac Lab's Kp 40 the 62.5 kg armed ANYmal sank 31 cm, onto its shanks)."""
    for robot, collision_set in CASES:
        m = standing[robot][collision_set]
        print(
            f"{robot} ({collision_set}): mass {m['train']['mass']:.3f} kg (ref {ROBOTS[robot].mass}); height at the "
            f"default pose {m['stiff']['height']:.3f} m (ref {ROBOTS[robot].height}), with training gains "
            f"{m['train']['height']:.3f} m"
        )
    trained = [standing[robot][collision_set]["train"] for robot, collision_set in CASES]
    assert all(m["gravity_z"] < -0.95 for m in trained), standing
    assert all(m["height"] > ROBOTS[robot].height - 0.1 for m, (robot, _) in zip(trained, CASES)), standing
