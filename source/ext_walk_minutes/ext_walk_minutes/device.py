"""Device choice shared by the task configs, the agent configs and the scripts."""

from __future__ import annotations

import torch

CUDA_NUM_ENVS = 4096
"""The paper's robot count on one GPU."""

CPU_NUM_ENVS = 64
"""A count that gives a responsive run on a laptop CPU (about one PPO iteration every few seconds)."""


def default_device() -> str:
    """``"cuda:0"`` when a CUDA device is usable, else ``"cpu"``."""
    return "cuda:0" if torch.cuda.is_available() else "cpu"


def default_num_envs(device: str) -> int:
    """The number of parallel robots a run gets when the user does not choose."""
    return CUDA_NUM_ENVS if device.startswith("cuda") else CPU_NUM_ENVS
