"""Walking tasks; importing this module registers them with gymnasium (Isaac Lab's CLI imports it
through the ``isaaclab.tasks`` entry point)."""

from . import anymal_c  # noqa: F401  (registers Walk-{Flat,Rough}-AnymalC)
from .registry import TASKS

__all__ = ["TASKS"]
