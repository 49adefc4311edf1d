"""``--distributed``: data-parallel PPO, one process per GPU, started by ``torchrun``.

torchrun sets ``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE`` (and the rendezvous address) for each process.
Every process steps its own ``num_envs`` robots on ``cuda:LOCAL_RANK``; rsl-rl and skrl broadcast rank 0's
initial parameters and average the gradients (and the KL of the adaptive learning rate) over all processes
after each backward pass, so the policies stay identical. Only rank 0 writes logs and checkpoints.

Both libraries create an NCCL process group themselves and so need CUDA. Here the group is created before
them, NCCL on CUDA or gloo with ``--device cpu`` (two CPU processes are how the tests run it), and their own
set-up is skipped: rsl-rl's in :meth:`.backends._rsl_rl_runner.WalkOnPolicyRunner._configure_multi_gpu`,
skrl's (which runs when skrl is imported) in :meth:`.backends.skrl.Skrl.import_in_process_group`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist

from ..common.errors import UsageError

TORCHRUN_HINT = "torchrun --nproc_per_node N scripts/train.py --distributed ... (N = GPUs on this machine)"


@dataclass(frozen=True)
class Rank:
    """This process's place in a torchrun job."""

    rank: int
    local_rank: int
    world_size: int


def from_environment(requested: bool) -> Rank | None:
    """The torchrun rank of this process when ``--distributed`` is given, else None (and no torchrun job)."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if not requested:
        if world_size > 1:
            raise UsageError(
                f"started by torchrun with {world_size} processes but without --distributed; "
                "add --distributed (or start a single process)"
            )
        return None
    if not all(key in os.environ for key in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")):
        raise UsageError(f"--distributed runs one process per GPU and must be launched with torchrun: {TORCHRUN_HINT}")
    return Rank(int(os.environ["RANK"]), int(os.environ["LOCAL_RANK"]), world_size)


def init_process_group(rank: Rank, device: str) -> None:
    """Join the torchrun job: NCCL on CUDA, gloo on CPU (the backends then import their library inside it)."""
    if device.startswith("cuda"):
        torch.cuda.set_device(rank.local_rank)
    dist.init_process_group("gloo" if device == "cpu" else "nccl", rank=rank.rank, world_size=rank.world_size)


@contextlib.contextmanager
def process_group_closed_after() -> Iterator[None]:
    """Leave the process group (if any) when the block ends; the libraries never do, and torch warns at exit."""
    try:
        yield
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def is_main_process() -> bool:
    """True unless this is a rank other than 0 of a distributed run (those write no logs or checkpoints)."""
    return not dist.is_initialized() or dist.get_rank() == 0


def broadcast_from_main(value: Any) -> Any:
    """Rank 0's ``value`` on every rank (e.g. the run folder name, a timestamp); unchanged when not distributed."""
    if not dist.is_initialized():
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def parameter_digest(checkpoint: Mapping[str, Any], keys: Sequence[str]) -> str:
    """SHA-256 (16 hex digits) over the tensors of the state dicts ``checkpoint[key]`` for ``keys``."""
    digest = hashlib.sha256()
    for key in keys:
        for name, tensor in sorted(checkpoint[key].items()):
            digest.update(f"{key}.{name}".encode())
            digest.update(tensor.detach().to("cpu", torch.float64).contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def report_parameters(checkpoint: Mapping[str, Any], keys: Sequence[str]) -> None:
    """Each rank prints the digest of its policy and value parameters: equal digests show the ranks in sync."""
    if dist.is_initialized():
        print(
            f"[train] rank {dist.get_rank()}/{dist.get_world_size()}: parameter digest "
            f"{parameter_digest(checkpoint, keys)} ({', '.join(keys)})",
            flush=True,
        )
