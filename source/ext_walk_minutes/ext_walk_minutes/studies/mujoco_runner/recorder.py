"""Each MuJoCo robot's state per policy step, as the locomotion report's arrays (the same metrics as
``play.py --report``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...common.locomotion import Recording, drive_arrays
from .robot import BASE_CONTACT_N, JointMap, base_velocities


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
