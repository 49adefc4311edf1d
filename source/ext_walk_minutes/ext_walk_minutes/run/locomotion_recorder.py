"""Record an Isaac Lab walking env at policy rate for the locomotion report, on the device, read once at the end.

Each :meth:`LocomotionRecorder.record` copies this step's tensors into a list on the env's device (no value is
read by the host, so no synchronisation per step); :meth:`LocomotionRecorder.recording` stacks them and moves them
to the host once, as a :class:`~ext_walk_minutes.common.locomotion.Recording`.
"""

from __future__ import annotations

import numpy as np
import torch

from ..common.locomotion import Recording, drive_arrays
from .export import drive_contract

MAX_ROBOTS = 256
"""Robots recorded (the first ones): the metrics need no more, and the record stays small at 4096 robots."""
MAX_STEPS = 15000
"""Steps recorded (5 min at 50 Hz), so that a live view left running does not fill the device memory."""


def _t(x) -> torch.Tensor:
    """The torch view of an Isaac Lab data array (a ProxyArray or already a tensor)."""
    return x.torch if hasattr(x, "torch") else x


def _sensor_ids(sensor, names, device) -> torch.Tensor:
    """The contact sensor's body indices matching ``names`` (regexes) on ``device`` (indexing with a list would copy
    it to the device at every step); none when ``names`` is empty."""
    ids = sensor.find_bodies(names, preserve_order=True)[0] if names else []
    return torch.tensor(ids, dtype=torch.long, device=device)


def _contact_bodies(cfg) -> tuple[list[str], list[str], list[str]]:
    """The regexes of the feet, the base and the penalised (knee) bodies, as the task's reward and termination terms
    name them."""

    def names(term) -> list[str]:
        if term is None or "sensor_cfg" not in term.params:
            return []
        found = term.params["sensor_cfg"].body_names
        return [found] if isinstance(found, str) else list(found)

    return (
        names(cfg.rewards.feet_air_time),
        names(getattr(cfg.terminations, "base_contact", None)),
        names(getattr(cfg.rewards, "undesired_contacts", None)),
    )


class LocomotionRecorder:
    """Collects what :func:`~ext_walk_minutes.common.locomotion.locomotion_report` needs from an Isaac Lab walking
    env (``env.unwrapped``), one :meth:`record` per policy step."""

    def __init__(self, base) -> None:
        self.base = base
        self.robot = base.scene["robot"]
        self.sensor = base.scene["contact_forces"]
        self.n = min(base.num_envs, MAX_ROBOTS)
        feet, base_body, knees = _contact_bodies(base.cfg)
        self.feet = _sensor_ids(self.sensor, feet, base.device)
        self.base_ids = _sensor_ids(self.sensor, base_body, base.device)
        self.knee_ids = _sensor_ids(self.sensor, knees, base.device)
        self.foot_names = [self.sensor.body_names[i] for i in self.feet.tolist()]  # once, at the start
        foot_bodies = self.robot.find_bodies(self.foot_names, preserve_order=True)[0]
        self.foot_bodies = torch.tensor(foot_bodies, dtype=torch.long, device=base.device)
        self.threshold = self.sensor.cfg.force_threshold
        self.steps: list[dict[str, torch.Tensor]] = []
        self.foot_xy_b: torch.Tensor | None = None

    def _touching(self, forces: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        """(n, len(ids)) bool: net contact force above the sensor's threshold."""
        return forces[:, ids].norm(dim=-1) > self.threshold

    def record(self, command: torch.Tensor, terminated: torch.Tensor, truncated: torch.Tensor) -> None:
        """Keep this step: ``command`` (num_envs, 3) as the policy saw it, the step's ``terminated``/``truncated``."""
        if len(self.steps) >= MAX_STEPS:
            return
        n, data = self.n, self.robot.data
        forces = _t(self.sensor.data.net_forces_w)[:n]
        foot_pos = _t(data.body_pos_w)[:n, self.foot_bodies]
        if self.foot_xy_b is None:  # which foot is where: from robot 0 in its base frame, at the first step
            from isaaclab.utils.math import quat_apply_inverse

            rel = foot_pos[0] - _t(data.root_pos_w)[0]
            quat = _t(data.root_quat_w)[0].expand(len(self.foot_bodies), 4)
            self.foot_xy_b = quat_apply_inverse(quat, rel)[:, :2].clone()
        self.steps.append(
            {
                "command": command[:n].clone(),
                "velocity": torch.cat((_t(data.root_lin_vel_b)[:n, :2], _t(data.root_ang_vel_b)[:n, 2:3]), dim=1),
                "contact": self._touching(forces, self.feet),
                "foot_pos": foot_pos.clone(),
                "foot_vel": _t(data.body_lin_vel_w)[:n, self.foot_bodies].clone(),
                "joint_pos": _t(data.joint_pos)[:n].clone(),
                "joint_vel": _t(data.joint_vel)[:n].clone(),
                "torque": _t(data.applied_torque)[:n].clone(),
                "ended": (terminated | truncated)[:n].clone(),
                "fell": terminated[:n].clone(),
                "base_contact": self._touching(forces, self.base_ids).any(dim=1),
                "leg_contact": self._touching(forces, self.knee_ids).any(dim=1),
            }
        )

    def recording(self) -> Recording:
        """Everything recorded, on the host (the one read)."""
        if not self.steps:
            raise ValueError("no step was recorded")
        arrays = {k: torch.stack([s[k] for s in self.steps]).cpu().numpy() for k in self.steps[0]}
        data = self.robot.data
        effort, saturation, speed = drive_arrays(drive_contract(self.robot)["drive"])
        return Recording(
            dt=float(self.base.step_dt),
            mass=_t(data.body_mass)[: self.n].sum(dim=-1).cpu().numpy().astype(np.float64),
            foot_xy_b=self.foot_xy_b.cpu().numpy(),
            joint_limits=_t(data.joint_pos_limits)[0].cpu().numpy().astype(np.float64),
            effort_limit=effort,
            saturation=saturation,
            velocity_limit=speed,
            feet=list(self.foot_names),
            joints=list(self.robot.joint_names),
            **arrays,
        )
