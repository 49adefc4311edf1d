"""The one place a run's device and robot count are decided: the task and agent configs take their defaults from
here, the entry points resolve ``--device`` and ``--num_envs`` here (a ``--distributed`` process included)."""

from __future__ import annotations

import torch

from .common.errors import UsageError

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


def resolve_device(requested: str, local_rank: int | None = None) -> str:
    """``--device``: ``auto`` -> ``cuda:0`` if available else ``cpu``; an explicit CUDA request fails clearly without
    CUDA. In a ``--distributed`` run (``local_rank`` given) each process takes the GPU of its local rank."""
    if local_rank is not None:
        return _distributed_device(requested, local_rank)
    if requested == "auto":
        return default_device()
    if requested == "cpu":
        return "cpu"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError(
                f"--device {requested} asked for CUDA but no CUDA device is available "
                "(no NVIDIA driver or GPU); use --device cpu or --device auto"
            )
        return "cuda:0" if requested == "cuda" else requested
    raise UsageError(f"unknown device '{requested}'; use auto, cpu, cuda or cuda:N")


def _distributed_device(requested: str, local_rank: int) -> str:
    """``cpu`` for ``--device cpu``; otherwise this process's GPU, ``cuda:LOCAL_RANK``."""
    if requested == "cpu":
        return "cpu"
    if requested not in ("auto", "cuda"):
        raise UsageError(
            f"with --distributed each process takes the GPU of its local rank; pass --device cuda "
            f"(or auto), or --device cpu for a CPU trial (got --device {requested})"
        )
    if not torch.cuda.is_available():
        raise UsageError(
            "--distributed on GPUs needs CUDA, and no CUDA device is available; "
            "use --device cpu to try the distributed mode on CPU (gloo)"
        )
    if local_rank >= torch.cuda.device_count():
        raise UsageError(
            f"local rank {local_rank} has no GPU ({torch.cuda.device_count()} visible); "
            "start at most one process per GPU (torchrun --nproc_per_node)"
        )
    return f"cuda:{local_rank}"


def resolve_num_envs(requested: int | None, device: str) -> int:
    """``--num_envs``: None -> :func:`default_num_envs` of ``device``; at least 1."""
    if requested is None:
        return default_num_envs(device)
    if requested < 1:
        raise UsageError(f"--num_envs must be at least 1 (got {requested})")
    return requested
