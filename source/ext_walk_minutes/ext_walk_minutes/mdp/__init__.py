"""MDP terms of the walking tasks.

Isaac Lab's velocity-task terms (``isaaclab_tasks.core.velocity.mdp``, which also re-exports
``isaaclab.envs.mdp``) compute most of what legged_gym computes; they are used as they are and are
reachable through this module, so task configs only ever write ``mdp.<term>``. Terms that differ
from Isaac Lab's live in this package (see docs/mdp.md for which and why).
"""

from isaaclab_tasks.core.velocity import mdp as _velocity_mdp

from .cassie import single_foot_contact  # noqa: F401
from .commands import ZeroSlowVelocityCommand, ZeroSlowVelocityCommandCfg  # noqa: F401
from .curriculums import terrain_levels_by_type  # noqa: F401
from .events import GROUND_FRICTION, push_by_replacing_velocity, randomize_robot_friction  # noqa: F401
from .rewards import joint_acc_l2_policy_step  # noqa: F401
from .terminations import non_finite_state  # noqa: F401


def __getattr__(name: str):
    # defer to Isaac Lab's lazily exported velocity terms
    return getattr(_velocity_mdp, name)
