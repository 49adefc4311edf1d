"""How a policy walks, in numbers: pure metric functions over recorded arrays, the same for every simulator.

A :class:`Recording` holds what one rollout saw at each policy step, as numpy arrays shaped time x robots (x feet or
joints). Isaac Lab's play (``train.locomotion_recorder``) and the MuJoCo side of sim2sim fill one each; the functions
here turn it into :func:`locomotion_report` (a JSON-ready dict) and :func:`report_table` (markdown, one column per
simulator). Contact is sampled once per policy step, so air and stance times are multiples of the step (0.02 s).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

GRAVITY = 9.81
"""[m/s^2]"""
WITHIN = 0.1
"""Planar velocity error counted as on target [m/s]."""
SHORT_AIR = 0.05
"""Air phases shorter than this [s] are contact chatter, not steps."""
SPEED_BINS = (0.0, 0.25, 0.5, 0.75, 1.0, math.inf)
"""Edges of the commanded planar speed bins of the tracking table [m/s]."""
STILL_SPEED = 0.05
"""Below this mean planar speed [m/s] the cost of transport is undefined (divides by almost nothing)."""
LIMIT_MARGIN = 0.05
"""A joint closer to a position limit than this share of its range is 'near its limit'."""


@dataclass
class Recording:
    """One rollout at policy rate: T steps, N robots, F feet, J joints (numpy arrays; world frame z up)."""

    dt: float
    """Policy step [s]."""
    command: np.ndarray
    """(T, N, 3) commanded v_x, v_y [m/s] and yaw rate [rad/s] in the base frame, as the policy saw it that step."""
    velocity: np.ndarray
    """(T, N, 3) measured v_x, v_y [m/s] and yaw rate [rad/s] in the base frame after the step."""
    contact: np.ndarray
    """(T, N, F) bool, foot touching the ground after the step."""
    foot_pos: np.ndarray
    """(T, N, F, 3) foot body (link frame) positions, world [m]."""
    foot_vel: np.ndarray
    """(T, N, F, 3) foot body centre-of-mass linear velocities, world [m/s]."""
    joint_pos: np.ndarray
    """(T, N, J) [rad]."""
    joint_vel: np.ndarray
    """(T, N, J) [rad/s]."""
    torque: np.ndarray
    """(T, N, J) applied joint torques [N m] (after the drive's clipping)."""
    ended: np.ndarray
    """(T, N) bool, the episode ended in this step: the state after it is a fresh start, not a continuation."""
    fell: np.ndarray
    """(T, N) bool, ended by a failure (not a time-out)."""
    base_contact: np.ndarray
    """(T, N) bool, the base touches something."""
    leg_contact: np.ndarray
    """(T, N) bool, a penalised leg body (thigh, shank: the knees) touches something."""
    mass: np.ndarray
    """(N,) robot mass [kg]."""
    foot_xy_b: np.ndarray
    """(F, 2) foot positions in the base frame at the start [m]: which foot is front and left."""
    joint_limits: np.ndarray
    """(J, 2) position limits [rad]; +-inf where a joint has none."""
    effort_limit: np.ndarray
    """(J,) drive torque limit [N m]."""
    saturation: np.ndarray
    """(J,) DC-motor stall torque [N m]; inf for an ideal PD."""
    velocity_limit: np.ndarray
    """(J,) DC-motor no-load speed [rad/s]; inf for an ideal PD."""
    feet: list[str] = field(default_factory=list)
    joints: list[str] = field(default_factory=list)

    @property
    def valid(self) -> np.ndarray:
        """(T, N) bool, the step continues its episode (a reset step's state belongs to a new one)."""
        return ~self.ended

    def save(self, path) -> None:
        """Write the arrays to ``path`` (.npz), to compare with another simulator's or to analyse further."""
        np.savez_compressed(path, **{k: np.asarray(v) for k, v in vars(self).items()})

    @classmethod
    def load(cls, path) -> Recording:
        """The recording :meth:`save` wrote to ``path``."""
        with np.load(path) as f:
            fields = {k: f[k] for k in f.files}
        return cls(
            **{
                **fields,
                "dt": float(fields["dt"]),
                "feet": [str(x) for x in fields["feet"]],
                "joints": [str(x) for x in fields["joints"]],
            }
        )


# ---------------------------------------------------------------- phases


def segment_ids(ended: np.ndarray) -> np.ndarray:
    """(T, N) int: which episode of its robot each step belongs to (a step that ends an episode starts the next)."""
    return np.cumsum(ended, axis=0)


def runs(series: np.ndarray, segment: np.ndarray) -> list[tuple[int, int, bool, bool]]:
    """Runs of equal values of one (T,) bool ``series``: ``(start, stop, value, complete)``, stop exclusive.

    A run is complete when a change of value bounds it on both sides inside one ``segment`` (T,) episode; runs cut by
    the record's ends or a reset are incomplete (their length is unknown).
    """
    cuts = np.flatnonzero((series[1:] != series[:-1]) | (segment[1:] != segment[:-1])) + 1
    edges = np.concatenate(([0], cuts, [len(series)]))
    out = []
    for start, stop in zip(edges[:-1], edges[1:]):
        starts_by_change = start > 0 and segment[start] == segment[start - 1]
        ends_by_change = stop < len(series) and segment[stop] == segment[stop - 1]
        out.append((int(start), int(stop), bool(series[start]), starts_by_change and ends_by_change))
    return out


def touchdowns(contact: np.ndarray, ended: np.ndarray) -> np.ndarray:
    """(T, N, F) bool: the foot lands in this step after a lift-off in the same episode (the first landing after a
    reset, dropped from the start pose, is not a step)."""
    segment = segment_ids(ended)
    down = np.zeros_like(contact, dtype=bool)
    for r in range(contact.shape[1]):
        for k in range(contact.shape[2]):
            for start, stop, value, complete in runs(contact[:, r, k], segment[:, r]):
                if complete and not value:
                    down[stop, r, k] = True
    return down


def air_times(rec: Recording) -> np.ndarray:
    """Durations [s] of every complete air phase (lift-off to touchdown) of every foot, shape (phases,)."""
    segment = segment_ids(rec.ended)
    t, n, f = rec.contact.shape
    out = [
        (stop - start) * rec.dt
        for r in range(n)
        for k in range(f)
        for start, stop, value, complete in runs(rec.contact[:, r, k], segment[:, r])
        if complete and not value
    ]
    return np.asarray(out, dtype=np.float64)


def swing_clearances(rec: Recording) -> np.ndarray:
    """Peak foot height of each complete air phase above the higher of its lift-off and touchdown heights [m]."""
    segment = segment_ids(rec.ended)
    t, n, f = rec.contact.shape
    out = []
    for r in range(n):
        for k in range(f):
            z = rec.foot_pos[:, r, k, 2]
            for start, stop, value, complete in runs(rec.contact[:, r, k], segment[:, r]):
                if complete and not value:
                    out.append(z[start:stop].max() - max(z[start - 1], z[stop]))
    return np.asarray(out, dtype=np.float64)


# ---------------------------------------------------------------- metrics


def tracking(rec: Recording) -> dict:
    """Velocity tracking: RMSE of v_x, v_y [m/s] and yaw rate [rad/s], share of steps with a planar error under
    :data:`WITHIN`, overall and per commanded planar speed bin (:data:`SPEED_BINS`)."""
    valid = rec.valid
    err = (rec.velocity - rec.command)[valid]  # (samples, 3)
    speed = np.linalg.norm(rec.command[..., :2], axis=-1)[valid]

    def summary(e: np.ndarray) -> dict:
        if len(e) == 0:
            return {"samples": 0, "rmse_vx": None, "rmse_vy": None, "rmse_yaw_rate": None, "within": None}
        rmse = np.sqrt(np.mean(e**2, axis=0))
        within = float(np.mean(np.linalg.norm(e[:, :2], axis=1) < WITHIN))
        return {
            "samples": len(e),
            "rmse_vx": float(rmse[0]),
            "rmse_vy": float(rmse[1]),
            "rmse_yaw_rate": float(rmse[2]),
            "within": within,
        }

    bins = []
    for low, high in zip(SPEED_BINS[:-1], SPEED_BINS[1:]):
        chosen = (speed >= low) & (speed < high)
        bins.append({"speed": [low, None if math.isinf(high) else high], **summary(err[chosen])})
    return {**summary(err), "by_command_speed": bins}


def leg_layout(foot_xy_b: np.ndarray) -> dict[str, int] | None:
    """Which foot index is left-front, right-front, left-hind, right-hind (from positions in the base frame, x ahead,
    y left); None unless there are four feet, one in each quadrant."""
    if len(foot_xy_b) != 4:
        return None
    front = foot_xy_b[:, 0] > np.median(foot_xy_b[:, 0])
    left = foot_xy_b[:, 1] > 0
    layout = {}
    for name, f, lft in (("LF", True, True), ("RF", True, False), ("LH", False, True), ("RH", False, False)):
        hit = np.flatnonzero((front == f) & (left == lft))
        if len(hit) != 1:
            return None
        layout[name] = int(hit[0])
    return layout


GAIT_PAIRS = {
    "trot": (("LF", "RH"), ("RF", "LH")),  # diagonal feet together
    "pace": (("LF", "LH"), ("RF", "RH")),  # feet of one side together
    "bound": (("LF", "RF"), ("LH", "RH")),  # front pair, hind pair together
}


def phase_of(down_i: np.ndarray, down_j: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Phase in [0, 1) of each touchdown of foot i within the stride (touchdown to touchdown) of foot j, for one
    robot; (T,) bool touchdowns, (T,) episode ids; touchdowns outside a complete stride of j are skipped."""
    ti, tj = np.flatnonzero(down_i), np.flatnonzero(down_j)
    if len(tj) < 2 or len(ti) == 0:
        return np.zeros(0)
    k = np.searchsorted(tj, ti, side="right") - 1  # j's last touchdown at or before i's
    ok = (k >= 0) & (k < len(tj) - 1)
    ti, k = ti[ok], k[ok]
    a, b = tj[k], tj[k + 1]
    same = (segment[a] == segment[ti]) & (segment[b] == segment[ti])
    return ((ti - a) / (b - a))[same]


def gait_index(rec: Recording) -> dict:
    """Trot, pace and bound indices: the mean of cos(2 pi phase difference) over the feet pairs each gait moves
    together (1: in phase, -1: in antiphase), from touchdown times; the name of the gait with the largest index if it
    exceeds 0.5 ('mixed' otherwise). Only for four feet."""
    layout = leg_layout(rec.foot_xy_b)
    if layout is None:
        return {"trot": None, "pace": None, "bound": None, "gait": None, "note": "needs four feet, one per corner"}
    down = touchdowns(rec.contact, rec.ended)
    segment = segment_ids(rec.ended)
    out = {}
    for gait, pairs in GAIT_PAIRS.items():
        phases = [
            phase_of(down[:, r, layout[i]], down[:, r, layout[j]], segment[:, r])
            for r in range(down.shape[1])
            for i, j in pairs
        ]
        phases = np.concatenate(phases) if phases else np.zeros(0)
        out[gait] = float(np.mean(np.cos(2 * np.pi * phases))) if len(phases) else None
    scored = {g: v for g, v in out.items() if v is not None}
    best = max(scored, key=scored.get) if scored else None
    out["gait"] = None if best is None else (best if scored[best] > 0.5 else "mixed")
    out["note"] = None if best is not None else "no complete strides (no stepping)"
    return out


def gait(rec: Recording) -> dict:
    """Touchdowns per foot per second, duty factor per foot, air-time distribution, slip speed in stance, swing
    clearance and the gait index."""
    valid = rec.valid
    seconds = valid.sum(axis=0).astype(np.float64) * rec.dt  # (N,) time in continuing episodes
    down = touchdowns(rec.contact, rec.ended)
    rate = down.sum(axis=(0, 1)) / max(seconds.sum(), 1e-9)  # (F,)
    duty = (rec.contact & valid[..., None]).sum(axis=(0, 1)) / np.maximum(valid.sum(), 1)
    air = air_times(rec)
    # stance steps after the first (the landing step still carries the swing's speed)
    stance = np.zeros_like(rec.contact)
    stance[1:] = rec.contact[1:] & rec.contact[:-1] & valid[1:, :, None]
    slip = np.linalg.norm(rec.foot_vel[..., :2], axis=-1)[stance]
    clearance = swing_clearances(rec)
    return {
        "feet": list(rec.feet),
        "touchdowns_per_second": [float(x) for x in rate],
        "touchdowns_per_second_mean": float(rate.mean()),
        "duty_factor": [float(x) for x in duty],
        "duty_factor_mean": float(duty.mean()),
        "air_time": distribution(air),
        "air_time_short_share": float(np.mean(air < SHORT_AIR)) if len(air) else None,
        "slip_speed": distribution(slip),
        "clearance": distribution(clearance),
        **{f"{k}_index" if k in GAIT_PAIRS else k: v for k, v in gait_index(rec).items()},
    }


def distribution(x: np.ndarray) -> dict:
    """Count, mean, median, 10th and 90th percentile and max of ``x`` (None when empty)."""
    if len(x) == 0:
        return {"count": 0, "mean": None, "median": None, "p10": None, "p90": None, "max": None}
    p10, p50, p90 = np.percentile(x, [10, 50, 90])
    return {
        "count": len(x),
        "mean": float(x.mean()),
        "median": float(p50),
        "p10": float(p10),
        "p90": float(p90),
        "max": float(x.max()),
    }


def torque_limits(
    joint_vel: np.ndarray, effort_limit: np.ndarray, saturation: np.ndarray, velocity_limit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest torque the drive gives at ``joint_vel`` [N m], shapes like ``joint_vel`` (..., J): the
    effort limit, and for a DC motor the line ``saturation * (+-1 - qd / velocity_limit)`` (Isaac Lab's DCMotor,
    which first clips qd to the speed where that line meets the effort limit)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cap = velocity_limit * (1.0 + effort_limit / saturation)
        qd = np.clip(joint_vel, -cap, cap)
        ratio = np.where(np.isinf(velocity_limit), 0.0, qd / velocity_limit)
        upper = np.minimum(saturation * (1.0 - ratio), effort_limit)
        lower = np.maximum(saturation * (-1.0 - ratio), -effort_limit)
    return lower, upper


def drive_arrays(drive: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per joint (J,) effort limit [N m], DC-motor stall torque [N m] and no-load speed [rad/s] (inf for an ideal PD)
    from a policy contract's ``drive`` entry (lists in joint order, ``model`` naming each joint's actuator)."""

    def array(values) -> np.ndarray:
        return np.array([np.inf if v is None else v for v in values], dtype=np.float64)

    dc = np.array([m == "DCMotor" for m in drive["model"]])
    return (
        array(drive["effort_limit"]),
        np.where(dc, array(drive["saturation_effort"]), np.inf),
        np.where(dc, array(drive["velocity_limit"]), np.inf),
    )


def effort(rec: Recording) -> dict:
    """Torque and speed peaks against the drive's limits, the share of joint-steps at the torque limit, mechanical
    power (sum over joints of |tau qd|, no recuperation) [W] and cost of transport ``energy / (m g distance)``."""
    valid = rec.valid
    tau, qd = rec.torque[valid], rec.joint_vel[valid]  # (samples, J)
    lower, upper = torque_limits(qd, rec.effort_limit, rec.saturation, rec.velocity_limit)
    tol = 1e-3 * rec.effort_limit + 1e-6
    saturated = (tau >= upper - tol) | (tau <= lower + tol)
    power = np.abs(tau * qd).sum(axis=1)  # (samples,)
    speed = np.linalg.norm(rec.velocity[..., :2], axis=-1)  # (T, N)
    energy = (np.abs(rec.torque * rec.joint_vel).sum(axis=-1) * valid).sum(axis=0) * rec.dt  # (N,) [J]
    distance = (speed * valid).sum(axis=0) * rec.dt  # (N,) [m]
    mean_speed = float(speed[valid].mean()) if valid.any() else 0.0
    finite_speed = np.isfinite(rec.velocity_limit)
    out = {
        "torque_peak": float(np.abs(tau).max()) if len(tau) else None,
        "torque_peak_of_limit": float((np.abs(tau) / rec.effort_limit).max()) if len(tau) else None,
        "speed_peak": float(np.abs(qd).max()) if len(qd) else None,
        "speed_peak_of_limit": float((np.abs(qd[:, finite_speed]) / rec.velocity_limit[finite_speed]).max())
        if len(qd) and finite_speed.any()
        else None,
        "saturated_share": float(saturated.mean()) if len(tau) else None,
        "saturated_step_share": float(saturated.any(axis=1).mean()) if len(tau) else None,
        "power_mean": float(power.mean()) if len(power) else None,
        "power_p90": float(np.percentile(power, 90)) if len(power) else None,
        "mean_speed": mean_speed,
        "cost_of_transport": None,
        "note": None,
    }
    if mean_speed < STILL_SPEED:
        out["note"] = f"cost of transport undefined: mean speed {mean_speed:.3f} m/s < {STILL_SPEED} m/s"
    else:
        out["cost_of_transport"] = float(energy.sum() / (rec.mass * GRAVITY * distance).sum())
    return out


def safety(rec: Recording) -> dict:
    """Falls per robot-minute, base and knee (penalised leg body) contacts that do not end the episode as share of
    robot-steps and as new contacts per robot-minute, and how close the joints come to their position limits."""
    t, n = rec.ended.shape
    minutes = t * n * rec.dt / 60.0
    valid = rec.valid

    def contacts(touching: np.ndarray) -> tuple[float, float]:
        touching = touching & valid  # the contact that ends an episode is its fall, counted there
        new = touching.copy()
        new[1:] &= ~touching[:-1]
        return float(touching.mean()), float(new.sum() / minutes)

    base_share, base_rate = contacts(rec.base_contact)
    leg_share, leg_rate = contacts(rec.leg_contact)
    lo, hi = rec.joint_limits[:, 0], rec.joint_limits[:, 1]
    limited = np.isfinite(lo) & np.isfinite(hi) & (hi - lo < 4 * np.pi)
    out = {
        "falls_per_robot_minute": float(rec.fell.sum() / minutes),
        "falls": int(rec.fell.sum()),
        "base_contact_share": base_share,
        "base_contacts_per_robot_minute": base_rate,
        "knee_contact_share": leg_share,
        "knee_contacts_per_robot_minute": leg_rate,
        "limit_margin_min": None,
        "near_limit_share": None,
        "note": None,
    }
    if not limited.any():
        out["note"] = "no joint has a position limit"
        return out
    q = rec.joint_pos[valid][:, limited]
    span = (hi - lo)[limited]
    margin = np.minimum(q - lo[limited], hi[limited] - q) / span  # (samples, limited joints), share of range
    out["limit_margin_min"] = float(margin.min()) if margin.size else None
    out["near_limit_share"] = float((margin < LIMIT_MARGIN).any(axis=1).mean()) if margin.size else None
    return out


def locomotion_report(rec: Recording) -> dict:
    """Every metric of ``rec``: tracking, gait, effort and safety, plus what was recorded."""
    t, n = rec.ended.shape
    return {
        "robots": n,
        "seconds": t * rec.dt,
        "step_dt": rec.dt,
        "tracking": tracking(rec),
        "gait": gait(rec),
        "effort": effort(rec),
        "safety": safety(rec),
    }
