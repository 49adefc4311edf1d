"""Cassie's extra reward (legged_gym's ``no_fly``), which the paper found necessary for a walking gait."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from isaaclab.managers import SceneEntityCfg

if TYPE_CHECKING:
    from isaaclab.envs import ManagerBasedRLEnv
    from isaaclab.sensors import ContactSensor


def single_foot_contact(env: ManagerBasedRLEnv, sensor_cfg: SceneEntityCfg, threshold: float = 0.1) -> torch.Tensor:
    """1 where exactly one of the feet pushes on the ground, else 0 (legged_gym's ``no_fly``): shape (num_envs,).

    A foot is in contact when the vertical component of its net contact force exceeds ``threshold`` [N].
    Rewarding single support keeps a biped from hopping on both feet or shuffling with both feet down.

    Args:
        sensor_cfg: the contact sensor and its foot bodies (``body_names``).
    """
    sensor: ContactSensor = env.scene.sensors[sensor_cfg.name]
    fz = sensor.data.net_forces_w.torch[:, sensor_cfg.body_ids, 2]
    return ((fz > threshold).sum(dim=1) == 1).float()
