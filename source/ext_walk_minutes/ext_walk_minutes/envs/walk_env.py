"""``ManagerBasedRLEnv`` with legged_gym's ``only_positive_rewards``.

legged_gym clips the summed reward of a step at zero from below (termination penalties excepted).
Early in training the penalties outweigh the tracking terms, and without the clip the quickest way
for PPO to raise the return is to fall and end the episode; with it, staying alive is never worse
than falling.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from isaaclab.envs import ManagerBasedRLEnv
from isaaclab.managers import RewardManager

from .solver_room import SolverRoomWatch


class PositiveRewardManager(RewardManager):
    """Reward manager whose total per step is ``max(sum of clipped terms, 0) + sum of exempt terms``.

    Per-term episode sums (logged as ``Episode_Reward/<term>``) stay unclipped, as in legged_gym.
    """

    def __init__(self, cfg: object, env: ManagerBasedRLEnv, exempt_terms: Sequence[str] = ()) -> None:
        super().__init__(cfg, env)
        unknown = set(exempt_terms) - set(self.active_terms)
        if unknown:
            raise ValueError(f"reward terms {sorted(unknown)} exempt from clipping are not active reward terms")
        self._exempt_ids = [self.active_terms.index(name) for name in exempt_terms]

    def compute(self, dt: float) -> torch.Tensor:
        total = super().compute(dt)
        exempt = self._step_reward[:, self._exempt_ids].sum(dim=1) * dt if self._exempt_ids else 0.0
        torch.clamp_min(total - exempt, 0.0, out=self._reward_buf).add_(exempt)
        return self._reward_buf


class WalkEnv(ManagerBasedRLEnv):
    """Isaac Lab's manager-based RL env; clips rewards when ``cfg.only_positive_rewards`` is set.

    ``cfg.reward_clip_exempt_terms`` names the terms added after the clip (legged_gym: the termination penalty).
    A robot whose physics blew up (NaN state) is reset by the ``non_finite_state`` termination; the reward and
    final observation of its last step are zeroed where not finite, so one robot cannot put NaN into the batch.
    """

    def step(self, action: torch.Tensor):
        obs, reward, terminated, truncated, extras = super().step(action)
        with torch.inference_mode():  # the env's buffers are inference tensors: changed in place only in this mode
            torch.nan_to_num_(reward, nan=0.0, posinf=0.0, neginf=0.0)
            for group in extras.get("final_obs", {}).values():
                if isinstance(group, torch.Tensor):
                    torch.nan_to_num_(group, nan=0.0, posinf=0.0, neginf=0.0)
        return obs, reward, terminated, truncated, extras

    def load_managers(self) -> None:
        super().load_managers()
        # before the first step, so that a CUDA graph captured at the first step records it too
        self.solver_room = SolverRoomWatch.register()
        """MuJoCo Warp's contact and row use (None on another solver); training checks it once per iteration."""
        if getattr(self.cfg, "only_positive_rewards", False):
            self.reward_manager = PositiveRewardManager(
                self.cfg.rewards, self, getattr(self.cfg, "reward_clip_exempt_terms", ())
            )
