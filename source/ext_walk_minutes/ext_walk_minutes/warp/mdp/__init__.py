"""Warp twins of our MDP terms (:mod:`ext_walk_minutes.mdp`), same names, Isaac Lab's Warp term signatures.

Rewards and terminations write into a preallocated Warp array ``out`` of shape (num_envs,)
(``func(env, out, **params)``); events take a Warp bool mask of the robots to act on
(``func(env, env_mask, **params)``); observations write ``out`` of shape (num_envs, width). Isaac Lab's own terms
have their twins in ``isaaclab_experimental``, but for ``height_scan``, which is here.
"""

from .cassie import single_foot_contact
from .events import push_by_replacing_velocity, randomize_robot_friction
from .observations import height_scan
from .rewards import joint_acc_l2_policy_step
from .terminations import non_finite_state

__all__ = [
    "height_scan",
    "joint_acc_l2_policy_step",
    "non_finite_state",
    "push_by_replacing_velocity",
    "randomize_robot_friction",
    "single_foot_contact",
]
