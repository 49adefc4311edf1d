"""Velocity commands as training draws them, from the contract's command ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Commands:
    """Random velocity commands as in training: uniform in the contract's ranges, resampled on a timer, linear
    commands at or below ``zero_below`` zeroed; in heading mode the yaw rate steers to a random heading."""

    contract: dict[str, Any]
    rng: np.random.Generator
    count: int
    value: np.ndarray = field(init=False)
    """(count, 3): v_x, v_y [m/s], yaw rate [rad/s]."""
    heading: np.ndarray = field(init=False)
    time_left: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.value = np.zeros((self.count, 3))
        self.heading = np.zeros(self.count)
        self.time_left = np.zeros(self.count)
        self.resample(np.arange(self.count))

    def resample(self, ids: np.ndarray) -> None:
        """New commands for robots ``ids``."""
        cfg = self.contract["commands"]
        ranges = cfg["ranges"]
        for i, key in enumerate(("lin_vel_x", "lin_vel_y", "ang_vel_z")):
            self.value[ids, i] = self.rng.uniform(*ranges[key], size=len(ids))
        slow = np.linalg.norm(self.value[ids, :2], axis=1) <= cfg["zero_below"]
        self.value[ids[slow], :2] = 0.0
        if cfg["heading_command"]:
            self.heading[ids] = self.rng.uniform(*ranges["heading"], size=len(ids))
        self.time_left[ids] = self.rng.uniform(*cfg["resampling_time_s"], size=len(ids))

    def step(self, dt: float, yaw: np.ndarray) -> None:
        """Advance the timers by ``dt`` [s]; in heading mode set the yaw rate from the heading error."""
        self.time_left -= dt
        if (due := np.flatnonzero(self.time_left <= 0.0)).size:
            self.resample(due)
        cfg = self.contract["commands"]
        if cfg["heading_command"]:
            error = np.angle(np.exp(1j * (self.heading - yaw)))
            self.value[:, 2] = np.clip(cfg["heading_control_stiffness"] * error, *cfg["ranges"]["ang_vel_z"])
