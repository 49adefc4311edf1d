"""Training that has diverged stops: a non-finite loss or parameter ends the run with one error line.

A NaN spreads through every later update, so training on would only overwrite good checkpoints with NaN ones.
The check runs once per iteration, after the update and before that iteration's checkpoint is written: the last
checkpoint on disk stays the last finite one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import torch

from ..common.errors import UsageError


class Diverged(UsageError):
    """Training produced a non-finite loss or parameter."""


def check_finite(
    it: int, values: Mapping[str, float | torch.Tensor], modules: Iterable[torch.nn.Module], learning_rate: float
) -> None:
    """Raise :class:`Diverged` if a loss of iteration ``it`` or a parameter of ``modules`` is not finite.

    ``values``: the iteration's losses (floats) and, where the library reports it, the action noise std (a tensor,
    which must also stay positive: sampling actions from a negative std fails in the next rollout).
    """
    bad = [
        name if name.endswith("std") else f"{name} loss"
        for name, value in values.items()
        if not _finite(value, positive=name.endswith("std"))
    ]
    parameters = [p for m in modules for p in m.parameters()]
    if parameters and not bool(torch.stack([torch.isfinite(p).all() for p in parameters]).all()):  # one read
        bad.append("network parameters")
    if not bad:
        return
    what = ", ".join(bad)
    raise Diverged(
        f"training diverged at iteration {it}: non-finite or invalid {what}; the last checkpoint "
        f"before it is kept as latest. Usual causes: a learning rate too high (now {learning_rate:g}) or a "
        "physics blow-up (check the physics overrides)"
    )


def _finite(value: float | torch.Tensor | None, positive: bool) -> bool:
    if value is None:
        return True
    value = torch.as_tensor(value, dtype=torch.float64)
    return bool(torch.isfinite(value).all() and (not positive or (value > 0).all()))
