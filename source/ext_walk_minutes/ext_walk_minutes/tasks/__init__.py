"""Walking tasks; importing this module registers them with gymnasium (Isaac Lab's CLI imports it
through the ``isaaclab.tasks`` entry point)."""

# one module per robot, each registering Walk-{Flat,Rough}-<Robot> (in this order)
from . import anymal_c  # noqa: F401  (first: the default task)
from . import anymal_b, anymal_c_arm, unitree_a1, cassie  # noqa: F401
from .registry import TASKS

__all__ = ["TASKS"]
