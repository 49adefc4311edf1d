"""The four robots added to ANYmal C: our descriptions and their USD (no simulator), checked against docs/robots.md."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from pxr import Usd, UsdPhysics

from ext_walk_minutes import robots
from ext_walk_minutes.robots.anymal_c_arm import ARM, ARM_SHAPES
from ext_walk_minutes.robots.description import ORIGIN, Inertial, RevoluteJoint
from ext_walk_minutes.robots.merging import merge_inertials
from ext_walk_minutes.robots.spawn import robot_usd_path

DESCRIPTIONS = {"anymal_b": "ANYMAL_B", "anymal_c_arm": "ANYMAL_C_ARM", "unitree_a1": "UNITREE_A1", "cassie": "CASSIE"}


@pytest.mark.parametrize("name", list(DESCRIPTIONS))
def test_usd_matches_description_and_inertias_are_physical(name):
    desc = getattr(robots, DESCRIPTIONS[name])
    stage = Usd.Stage.Open(robot_usd_path(getattr(robots, f"{DESCRIPTIONS[name]}_CFG").spawn))
    bodies = [p for p in stage.Traverse() if p.HasAPI(UsdPhysics.RigidBodyAPI)]
    assert {p.GetName() for p in bodies} == {b.name for b in desc.bodies}
    assert sum(UsdPhysics.MassAPI(p).GetMassAttr().Get() for p in bodies) == pytest.approx(desc.total_mass, rel=1e-5)
    revolute = {p.GetName() for p in stage.Traverse() if p.IsA(UsdPhysics.RevoluteJoint)}
    assert revolute == {j.name for j in desc.joints if isinstance(j, RevoluteJoint)} and len(revolute) == 12
    for body in desc.bodies:  # symmetric positive definite, triangle inequalities (docs/robots.md §8)
        moments = np.linalg.eigvalsh(body.inertial.tensor())
        assert moments.min() > 0 and 2 * moments.max() <= moments.sum() + 1e-12, body.name


def test_default_angles_inside_limits():
    for name, cfg_name in DESCRIPTIONS.items():
        desc, cfg = getattr(robots, cfg_name), getattr(robots, f"{cfg_name}_CFG")
        defaults = cfg.init_state.joint_pos
        for joint in (j for j in desc.joints if isinstance(j, RevoluteJoint)):
            (value,) = [v for pattern, v in defaults.items() if re.fullmatch(pattern, joint.name)]
            lower, upper = (
                (-math.inf if joint.lower is None else joint.lower),
                (math.inf if joint.upper is None else joint.upper),
            )
            assert lower <= value <= upper, (name, joint.name, value)


def test_forward_kinematics_at_zero_pose():
    """Foot/toe joint points at q = 0 (docs/robots.md §3.1, §5.1, §6.2), +-1 mm."""
    signs = {"LF": (1, 1), "RF": (1, -1), "LH": (-1, 1), "RH": (-1, -1)}
    pos = robots.ANYMAL_B.body_positions()
    for leg, (sx, sy) in signs.items():
        np.testing.assert_allclose(pos[f"{leg}_FOOT"], (0.4405 * sx, 0.246 * sy, -0.57125), atol=1e-3)
    pos = robots.UNITREE_A1.body_positions()
    for leg, (sx, sy) in {"FL": (1, 1), "FR": (1, -1), "RL": (-1, 1), "RR": (-1, -1)}.items():
        np.testing.assert_allclose(pos[f"{leg}_foot"], (0.183 * sx, 0.13205 * sy, -0.40), atol=1e-3)
    pos = robots.CASSIE.body_positions()
    for side, sy in (("left", 1), ("right", -1)):
        np.testing.assert_allclose(pos[f"{side}_toe"], (-0.069, 0.1305 * sy, -1.0528), atol=1e-3)


def test_a1_hind_legs_are_copies_not_mirror_images():
    a1 = robots.UNITREE_A1
    assert a1.body("RL_hip").inertial.com[0] == -a1.body("FL_hip").inertial.com[0]  # hips mirrored front/back
    assert a1.body("RL_thigh").inertial == a1.body("FL_thigh").inertial  # thighs and calves not
    assert a1.body("RL_calf").inertial == a1.body("FL_calf").inertial
    fr = a1.body("FR_thigh").inertial
    fl = a1.body("FL_thigh").inertial
    assert fr.com[1] == -fl.com[1] and fr.inertia[3] == -fl.inertia[3]


def test_cassie_right_leg_mirrors_the_left():
    joints = {j.name: j for j in robots.CASSIE.joints}
    assert (joints["hip_abduction_right"].lower, joints["hip_abduction_right"].upper) == (-0.3927, 0.2618)
    assert joints["thigh_joint_right"].pos == (0.0, 0.0045, -0.12) and joints["thigh_joint_right"].axis == "-y"


def test_arm_is_welded_into_the_base():
    """The arm's composite (docs/robots.md §4) from its two solid parts, and ANYmal C + arm = 62.5 kg in 17 bodies."""
    cylinder = Inertial(2.0, ORIGIN, (2.0 * (3 * 0.06**2 + 0.08**2) / 12,) * 2 + (2.0 * 0.06**2 / 2, 0.0, 0.0, 0.0))
    box = Inertial(
        8.4,
        ORIGIN,
        (8.4 * (0.1**2 + 0.1**2) / 12, 8.4 * (0.45**2 + 0.1**2) / 12, 8.4 * (0.45**2 + 0.1**2) / 12, 0.0, 0.0, 0.0),
    )
    composite = merge_inertials([(cylinder, (0.20, 0.0, 0.13)), (box, (0.02, 0.0, 0.22))])
    assert composite.mass == pytest.approx(ARM.inertial.mass)
    np.testing.assert_allclose(composite.com, ARM.inertial.com, atol=1e-4)
    np.testing.assert_allclose(composite.inertia, ARM.inertial.inertia, atol=1e-4)

    armed, plain = robots.ANYMAL_C_ARM, robots.ANYMAL_C
    assert [b.name for b in armed.bodies] == [b.name for b in plain.bodies] and armed.joints == plain.joints
    assert armed.total_mass == pytest.approx(62.5, rel=0.02)
    for name, desc in robots.DESCRIPTIONS["anymal_c_arm"].items():  # 1 primitive in legged_gym's set, 2 detailed
        plain_base = robots.DESCRIPTIONS["anymal_c"][name].body("base")
        assert len(desc.body("base").shapes) == len(plain_base.shapes) + len(ARM_SHAPES[name]), name
    assert [len(ARM_SHAPES[name]) for name in ("legged_gym", "detailed")] == [1, 2]
    base = armed.body("base")
    assert base.inertial == merge_inertials([(plain.body("base").inertial, ORIGIN), (ARM.inertial, ORIGIN)])
