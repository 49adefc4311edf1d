"""Value bootstrapping on time-outs, the same three ways for both PPO backends.

An episode that ends at the 20 s limit is cut, not finished: its return target should go on with
``gamma * V(s_T)``, the value of the state the robot was in when the clock ran out. A failure (base
contact) really ends it: no bootstrap. Both backends fold the bootstrap into the stored reward of the
timed-out step and cut the GAE trace there, so the three modes only differ in the value used:

* ``exact``  ``gamma * V(final observation)``: the env's observation *before* its automatic reset
  (``extras["final_obs"]``, computed when ``compute_final_obs`` is on).
* ``approx`` ``gamma * V(s_t)``, the value of the observation the last action was chosen on:
  rsl-rl's stand-in (legged_gym), one step early.
* ``off``    no bootstrap: a time-out is treated like a failure.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

MODES = ("exact", "approx", "off")
DEFAULT_MODE = "exact"


def bootstrapped_rewards(
    mode: str,
    gamma: float,
    rewards: torch.Tensor,
    time_outs: torch.Tensor,
    value_before_step: torch.Tensor | None,
    final_value: Callable[[], torch.Tensor | None],
) -> torch.Tensor:
    """Rewards (N,) with the time-out bootstrap of ``mode`` added on the envs that timed out.

    Args:
        mode: one of :data:`MODES`.
        gamma: discount factor.
        rewards: env rewards of the step, (N,).
        time_outs: bool (N,), True where the episode hit its time limit (not a failure).
        value_before_step: V(s_t), (N,), used by ``approx``.
        final_value: returns V(final observation), (N,), used by ``exact``; None when the env computed no final
            observation (it does so only in steps where some episode ended, so there was no time-out either).

    Whether any episode timed out is not asked (on a GPU that read would stall every step): the bootstrap is
    masked by ``time_outs`` instead.
    """
    if mode not in MODES:
        raise ValueError(f"unknown time-out bootstrap mode '{mode}'; choose one of {', '.join(MODES)}")
    value = None if mode == "off" else value_before_step if mode == "approx" else final_value()
    if value is None:
        return rewards
    return rewards + gamma * value.reshape(rewards.shape) * time_outs.reshape(rewards.shape).to(rewards.dtype)
