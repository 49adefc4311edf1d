"""Collision sets: legged_gym's shapes by default, the manufacturer's on request, chosen at spawn (no simulator)."""

from __future__ import annotations

import pytest
from pxr import Usd, UsdPhysics

from ext_walk_minutes import robots
from ext_walk_minutes.robots.description import COLLISION_SETS, DEFAULT_COLLISION_SET, Capsule, Sphere
from ext_walk_minutes.robots.spawn import robot_usd_path
from ext_walk_minutes.robots.usd_cache import usd_path
from helpers import run_script

LEGS = ("LF", "RF", "LH", "RH")


def _shapes(desc, body):
    return desc.body(body).shapes


def test_anymal_c_legged_gym_set_is_legged_gyms_13_shapes():
    """docs/robots.md §2.3: base capsule, a knee-drive capsule per thigh, the tube on SHANK, a foot sphere; each URDF
    cylinder a capsule whose straight part is the cylinder's length (its caps added, as legged_gym's simulator)."""
    desc = robots.DESCRIPTIONS["anymal_c"]["legged_gym"]
    assert DEFAULT_COLLISION_SET == "legged_gym" and desc is robots.ANYMAL_C
    assert sum(len(b.shapes) for b in desc.bodies) == 13
    assert _shapes(desc, "base") == (Capsule(0.10, 0.75, "x"),)  # 0.95 m from tip to tip
    for leg in LEGS:
        assert _shapes(desc, f"{leg}_HIP") == ()
        (knee,) = _shapes(desc, f"{leg}_THIGH")
        assert (type(knee), knee.radius, knee.height, knee.axis) == (Capsule, 0.06, 0.08, "y")
        (tube,) = _shapes(desc, f"{leg}_SHANK")
        assert (type(tube), tube.radius, tube.height, tube.axis) == (Capsule, 0.0175, 0.2, "z")
        assert tube.pos[0] == pytest.approx(0.10 if leg.endswith("F") else -0.10)  # hind shanks point backward
    assert sum(len(b.shapes) for b in robots.DESCRIPTIONS["anymal_c"]["detailed"].bodies) == 44


@pytest.mark.parametrize("robot", list(robots.DESCRIPTIONS))
def test_sets_differ_only_in_shapes_and_feet_carry_only_their_contact_shape(robot):
    sets = robots.DESCRIPTIONS[robot]
    assert tuple(sets) == COLLISION_SETS
    first = sets[COLLISION_SETS[0]]
    for desc in sets.values():
        assert desc.joints == first.joints
        assert [(b.name, b.inertial) for b in desc.bodies] == [(b.name, b.inertial) for b in first.bodies]
        # the lower-leg tube sits on the shank in every set: a foot body holds its contact shape only
        for body in desc.bodies:
            if body.name.lower().endswith("foot"):
                assert len(body.shapes) == 1 and isinstance(body.shapes[0], Sphere), (robot, body)
    detailed, legged_gym = (sum(len(b.shapes) for b in sets[s].bodies) for s in ("detailed", "legged_gym"))
    assert detailed > legged_gym or robot == "cassie"  # Cassie: legged_gym's set in both (see robots/cassie.py)


@pytest.mark.parametrize("robot", list(robots.DESCRIPTIONS))
def test_each_set_has_its_own_usd_with_its_colliders(robot):
    paths = set()
    for name, desc in robots.DESCRIPTIONS[robot].items():
        path = usd_path(desc)
        stage = Usd.Stage.Open(path)
        colliders = [p for p in stage.Traverse() if p.HasAPI(UsdPhysics.CollisionAPI)]
        assert len(colliders) == sum(len(b.shapes) for b in desc.bodies), (robot, name)
        paths.add(path)
    distinct = {repr(desc) for desc in robots.DESCRIPTIONS[robot].values()}  # Cassie's two sets are one
    assert len(paths) == len(distinct) == (1 if robot == "cassie" else len(COLLISION_SETS))


def test_spawn_cfg_picks_the_set(tmp_path):
    cfg = robots.ANYMAL_C_CFG.spawn
    assert robot_usd_path(cfg) == usd_path(robots.DESCRIPTIONS["anymal_c"]["legged_gym"])
    detailed = robots.DESCRIPTIONS["anymal_c"]["detailed"]
    assert robot_usd_path(cfg.replace(collision_set="detailed")) == usd_path(detailed)
    with pytest.raises(ValueError, match="unknown collision set 'fancy'.*legged_gym, detailed"):
        robot_usd_path(cfg.replace(collision_set="fancy"))


def test_collision_table_script(tmp_path):
    out, joints = tmp_path / "collision_sets.md", tmp_path / "joint_limits.md"
    run_script("collision_table.py", "--out", str(out), "--joints-out", str(joints), cwd=tmp_path, timeout=300)
    lines = out.read_text().splitlines()
    rows = [line for line in lines if line.startswith(("| anymal_c | legged_gym |", "| anymal_c | detailed |"))]
    # the capsule table: ANYmal C's base capsule 0.75 m straight, 0.95 m tip to tip (legged_gym's convention)
    assert "| anymal_c | base | 0.1 | 0.75 | 0.95 |" in lines
    assert "| anymal_c | LF_HAA, LF_HFE, LF_KFE," in joints.read_text() and "| none | 20 | 80 |" in joints.read_text()
    assert rows[0].startswith("| anymal_c | legged_gym | 13 | ") and rows[1].startswith("| anymal_c | detailed | 44 | ")
    pairs = [int(row.split("|")[4]) for row in rows]  # with self-collisions (flat tasks)
    assert pairs[0] * 5 < pairs[1]  # legged_gym's set: a fraction of the detailed set's contact pairs
    assert [int(row.split("|")[5]) for row in rows] == [13, 44]  # without: each shape against the ground only
