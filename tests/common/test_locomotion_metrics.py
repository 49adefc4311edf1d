"""The locomotion report's metrics on synthetic recordings whose answers are known (pure numpy, no simulator)."""

import json

import numpy as np
import pytest

from ext_walk_minutes.common.locomotion import (
    GRAVITY,
    Recording,
    air_times,
    effort,
    gait,
    leg_layout,
    safety,
    torque_limits,
    tracking,
)
from ext_walk_minutes.common.locomotion_files import write_report

DT = 0.02
FEET = ["LF", "LH", "RF", "RH"]
CORNERS = np.array([[0.3, 0.2], [-0.3, 0.2], [0.3, -0.2], [-0.3, -0.2]])  # in FEET's order


def still(steps: int = 250, robots: int = 2, joints: int = 12) -> Recording:
    """Robots standing still on four feet: zero command and velocity, gravity held by a constant torque."""
    return Recording(
        dt=DT,
        command=np.zeros((steps, robots, 3)),
        velocity=np.zeros((steps, robots, 3)),
        contact=np.ones((steps, robots, 4), dtype=bool),
        foot_pos=np.zeros((steps, robots, 4, 3)),
        foot_vel=np.zeros((steps, robots, 4, 3)),
        joint_pos=np.zeros((steps, robots, joints)),
        joint_vel=np.zeros((steps, robots, joints)),
        torque=np.full((steps, robots, joints), 20.0),
        ended=np.zeros((steps, robots), dtype=bool),
        fell=np.zeros((steps, robots), dtype=bool),
        base_contact=np.zeros((steps, robots), dtype=bool),
        leg_contact=np.zeros((steps, robots), dtype=bool),
        mass=np.full(robots, 50.0),
        foot_xy_b=CORNERS.copy(),
        joint_limits=np.tile([-np.inf, np.inf], (joints, 1)),
        effort_limit=np.full(joints, 80.0),
        saturation=np.full(joints, 120.0),
        velocity_limit=np.full(joints, 7.5),
        feet=list(FEET),
        joints=[f"j{i}" for i in range(joints)],
    )


def lift(rec: Recording, foot: int, start: int, length: int, period: int, height: float = 0.08) -> None:
    """Lift ``foot`` of every robot for ``length`` steps every ``period`` steps from ``start``, ``height`` up."""
    for t0 in range(start, len(rec.contact), period):
        rec.contact[t0 : t0 + length, :, foot] = False
        rec.foot_pos[t0 : t0 + length, :, foot, 2] = height


def test_robot_held_still():
    """Standing: duty factor 1, no touchdowns or air phases, zero slip, zero power, CoT undefined and said so."""
    rec = still()
    g, e = gait(rec), effort(rec)
    assert g["duty_factor"] == [1.0] * 4
    assert g["touchdowns_per_second_mean"] == 0.0
    assert g["air_time"]["count"] == 0 and g["air_time_short_share"] is None
    assert g["slip_speed"]["mean"] == 0.0 and g["slip_speed"]["max"] == 0.0
    assert g["trot_index"] is None and g["gait"] is None and "no complete strides" in g["note"]
    assert e["power_mean"] == 0.0
    assert e["cost_of_transport"] is None and "undefined" in e["note"]
    assert e["saturated_share"] == 0.0 and e["torque_peak_of_limit"] == pytest.approx(0.25)
    t = tracking(rec)
    assert t["rmse_vx"] == 0.0 and t["within"] == 1.0


def test_foot_lifted_on_a_schedule():
    """LF up 5 steps (0.1 s, 8 cm) every 25 (0.5 s) over 5 s: air time 0.1 s, 2 touchdowns per second, duty 0.8,
    clearance 8 cm; the other feet never leave the ground."""
    rec = still(steps=250)
    lift(rec, foot=0, start=10, length=5, period=25)
    g = gait(rec)
    np.testing.assert_allclose(air_times(rec), 0.1)
    assert g["air_time"]["count"] == 10 * 2  # ten lifts, two robots
    assert g["touchdowns_per_second"][0] == pytest.approx(2.0)
    assert g["touchdowns_per_second"][1:] == [0.0, 0.0, 0.0]
    assert g["duty_factor"][0] == pytest.approx(0.8)
    assert g["air_time_short_share"] == 0.0
    assert g["clearance"]["median"] == pytest.approx(0.08)


def test_contact_chatter_counts_as_short_air():
    """One-step lifts (0.02 s) are air phases under 0.05 s: half of them when mixed 1:1 with 0.1 s lifts."""
    rec = still(steps=250)
    lift(rec, foot=0, start=10, length=5, period=50)
    lift(rec, foot=0, start=35, length=1, period=50)
    assert gait(rec)["air_time_short_share"] == pytest.approx(0.5)


def test_a_reset_cuts_the_phases():
    """An air phase that a reset interrupts has no known length: it is not counted, nor is the landing after it."""
    rec = still(steps=100, robots=1)
    rec.contact[40:50, 0, 0] = False
    rec.ended[45, 0] = True
    assert len(air_times(rec)) == 0
    assert gait(rec)["touchdowns_per_second"][0] == 0.0


def test_trot_pace_bound_indices():
    """Diagonal pairs (LF+RH, RF+LH) alternating every half period: trot index 1, pace and bound -1."""
    rec = still(steps=300)
    for foot in (0, 3):  # LF, RH
        lift(rec, foot, start=0, length=12, period=25)
    for foot in (1, 2):  # LH, RF
        lift(rec, foot, start=12, length=12, period=25)
    g = gait(rec)
    assert g["trot_index"] == pytest.approx(1.0, abs=0.02)
    assert g["pace_index"] == pytest.approx(-1.0, abs=0.02)
    assert g["bound_index"] == pytest.approx(-1.0, abs=0.02)
    assert g["gait"] == "trot"


def test_leg_layout_from_positions():
    assert leg_layout(CORNERS) == {"LF": 0, "RF": 2, "LH": 1, "RH": 3}
    assert leg_layout(CORNERS[:2]) is None  # a biped has no trot index


def test_constant_command_known_rmse():
    """Commanded 1.0 m/s forward, measured 0.8: v_x RMSE 0.2, never within 0.1 m/s, all in the >= 1 m/s bin;
    measured 0.95: within every step."""
    rec = still()
    rec.command[..., 0] = 1.0
    rec.velocity[..., 0] = 0.8
    t = tracking(rec)
    assert t["rmse_vx"] == pytest.approx(0.2) and t["rmse_vy"] == 0.0 and t["within"] == 0.0
    assert [b["samples"] for b in t["by_command_speed"]] == [0, 0, 0, 0, t["samples"]]
    assert t["by_command_speed"][-1]["rmse_vx"] == pytest.approx(0.2)
    rec.velocity[..., 0] = 0.95
    assert tracking(rec)["within"] == 1.0


def test_dc_motor_limits():
    """ANYdrive (stall 120, effort 80 N m, no-load 7.5 rad/s): 80 N m at rest, 0 at 7.5 rad/s, 40 at 5 rad/s;
    braking keeps 80; an ideal PD keeps 80 at any speed."""
    qd = np.array([0.0, 5.0, 7.5, -5.0])
    lower, upper = torque_limits(qd, 80.0, 120.0, 7.5)
    np.testing.assert_allclose(upper, [80.0, 40.0, 0.0, 80.0])
    np.testing.assert_allclose(lower, [-80.0, -80.0, -80.0, -40.0])
    lower, upper = torque_limits(qd, 80.0, np.inf, np.inf)
    np.testing.assert_allclose(upper, 80.0)


def test_effort_power_and_cost_of_transport():
    """12 joints at 10 N m and 1 rad/s: 120 W; 50 kg at 1 m/s: CoT = 120 / (50 g 1); torque at the 80 N m limit
    at rest: every joint-step saturated."""
    rec = still()
    rec.torque[:] = 10.0
    rec.joint_vel[:] = 1.0
    rec.velocity[..., 0] = 1.0
    e = effort(rec)
    assert e["power_mean"] == pytest.approx(120.0)
    assert e["cost_of_transport"] == pytest.approx(120.0 / (50.0 * GRAVITY * 1.0))
    assert e["speed_peak_of_limit"] == pytest.approx(1 / 7.5)
    assert e["saturated_share"] == 0.0
    rec.torque[:] = 80.0
    rec.joint_vel[:] = 0.0
    assert effort(rec)["saturated_share"] == 1.0


def test_safety_counts():
    """One fall in one robot-minute; a knee touching twice; a joint 2 % of its range from a limit."""
    rec = still(steps=3000, robots=1)
    rec.fell[1000, 0] = rec.ended[1000, 0] = True
    rec.leg_contact[100:110, 0] = rec.leg_contact[200:205, 0] = True
    s = safety(rec)
    assert s["falls_per_robot_minute"] == pytest.approx(1.0)
    assert s["knee_contacts_per_robot_minute"] == pytest.approx(2.0)
    assert s["base_contacts_per_robot_minute"] == 0.0
    assert s["limit_margin_min"] is None and s["note"] == "no joint has a position limit"
    rec.joint_limits[:] = [-1.0, 1.0]
    rec.joint_pos[:, :, 0] = 0.96  # 0.04 from the upper limit of a 2.0 range
    s = safety(rec)
    assert s["limit_margin_min"] == pytest.approx(0.02)
    assert s["near_limit_share"] == 1.0


def test_report_files(tmp_path):
    """report.json, report.md with the stated caveats, and four PNGs; two columns side by side."""
    walking = still()
    lift(walking, foot=0, start=10, length=5, period=25)
    write_report(tmp_path, {"Isaac Lab": walking, "MuJoCo": still()}, ["# test"])
    reports = json.loads((tmp_path / "report.json").read_text())
    assert set(reports) == {"Isaac Lab", "MuJoCo"}
    text = (tmp_path / "report.md").read_text()
    assert "| metric | Isaac Lab | MuJoCo |" in text and "cost of transport undefined" in text
    for name in ("gait_diagram", "velocity", "torque_speed", "air_time"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
        assert (tmp_path / f"mujoco_{name}.png").exists()
