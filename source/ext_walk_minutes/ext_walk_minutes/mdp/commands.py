"""legged_gym's velocity command: Isaac Lab's uniform command with slow walking commands set to standing."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from isaaclab.envs.mdp.commands import UniformVelocityCommand, UniformVelocityCommandCfg
from isaaclab.utils import configclass


class ZeroSlowVelocityCommand(UniformVelocityCommand):
    """Uniform (v_x, v_y, yaw rate or heading) command whose xy part is set to zero when its norm is small.

    legged_gym zeroes ``(v_x, v_y)`` when ``||(v_x, v_y)|| <= 0.2 m/s`` at every resample (the yaw-rate or
    heading command is kept), which makes standing and turning on the spot part of the task. Isaac Lab's
    ``rel_standing_envs`` instead zeroes the whole command of a random share of robots.
    """

    cfg: ZeroSlowVelocityCommandCfg

    def _resample_command(self, env_ids: Sequence[int]) -> None:
        super()._resample_command(env_ids)
        xy = self.vel_command_b[env_ids, :2]
        slow = torch.linalg.norm(xy, dim=1, keepdim=True) <= self.cfg.zero_below
        self.vel_command_b[env_ids, :2] = torch.where(slow, torch.zeros_like(xy), xy)


@configclass
class ZeroSlowVelocityCommandCfg(UniformVelocityCommandCfg):
    """Config of :class:`ZeroSlowVelocityCommand`."""

    class_type: type = ZeroSlowVelocityCommand

    zero_below: float = 0.2
    """Linear commands with ``||(v_x, v_y)||`` at or below this [m/s] become zero (legged_gym: 0.2)."""
