"""MDP terms of the walking tasks.

Isaac Lab's velocity-task terms (``isaaclab_tasks.core.velocity.mdp``, which also re-exports
``isaaclab.envs.mdp``) compute most of what legged_gym computes; they are used as they are and are
reachable through this module, so task configs only ever write ``mdp.<term>``. Terms that differ
from Isaac Lab's live in this package.
"""

from isaaclab_tasks.core.velocity import mdp as _velocity_mdp


def __getattr__(name: str):
    # defer to Isaac Lab's lazily exported velocity terms
    return getattr(_velocity_mdp, name)
