"""Command-line helpers shared by the entry points of training and the studies."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import UsageError

LOG_ROOT = Path("logs")
"""Where runs write: ``logs/<agent>/<task>/<timestamp>/`` for training, ``logs/studies/<study>/`` for studies."""


def parse_int_list(text: str, option: str, minimum: int = 0) -> tuple[int, ...]:
    """``"0,50,100"`` -> ``(0, 50, 100)``; a :class:`UsageError` naming ``option`` for anything else."""
    try:
        values = tuple(int(tok) for tok in text.split(",") if tok.strip())
    except ValueError:
        values = (minimum - 1,)
    if any(v < minimum for v in values):
        raise UsageError(f"{option} takes comma-separated integers >= {minimum}, e.g. {minimum},50,100 (got '{text}')")
    return values
