"""``WalkEnvWarp``: Isaac Lab's Warp-frontend RL env (``ManagerBasedRLEnvWarp``) with legged_gym's reward clip.

The Warp twin of :class:`ext_walk_minutes.envs.WalkEnv`. Isaac Lab's frontend swaps each term for its Warp twin
by mirroring the term's package, for Isaac Lab's own packages only (``WarpFrontend.MIRROR_ROOTS``, a closed
table) and from the base class itself (``ManagerBasedRLEnvWarp.__init__`` calls ``WarpFrontend.adapt_cfg``); so
while this env is built, :func:`our_terms_mirrored` adds ``ext_walk_minutes -> ext_walk_minutes.warp`` to it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence

import torch
import warp as wp
from isaaclab_experimental.envs import ManagerBasedRLEnvWarp
from isaaclab_experimental.envs.frontend import WarpFrontend
from isaaclab_experimental.managers import RewardManager
from isaaclab_experimental.utils.manager_call_switch import ManagerCallMode, ManagerCallSwitch

from .mdp.observations import declare_height_scan_width

MIRROR = ("ext_walk_minutes", "ext_walk_minutes.warp")
"""Our package and its Warp mirror, in the frontend's ``MIRROR_ROOTS`` sense."""


@contextlib.contextmanager
def our_terms_mirrored() -> Iterator[None]:
    """Let Isaac Lab's Warp frontend resolve our terms' twins in :mod:`ext_walk_minutes.warp.mdp`, for the block.

    Restores the frontend's tables afterwards, so nothing else ever sees the change.
    """
    roots, prefixes = WarpFrontend.MIRROR_ROOTS, WarpFrontend.WARP_ROOT_PREFIXES
    WarpFrontend.MIRROR_ROOTS = {**roots, MIRROR[0]: MIRROR[1]}
    WarpFrontend.WARP_ROOT_PREFIXES = (*prefixes, MIRROR[1])
    try:
        yield
    finally:
        WarpFrontend.MIRROR_ROOTS, WarpFrontend.WARP_ROOT_PREFIXES = roots, prefixes


@wp.kernel
def _clip_at_zero_kernel(
    step_reward: wp.array(dtype=wp.float32, ndim=2),
    exempt: wp.array(dtype=wp.bool),
    dt: float,
    reward: wp.array(dtype=wp.float32),
):
    """reward[i] = max(reward[i] - exempt_i, 0) + exempt_i, exempt_i = dt * sum of the exempt terms' rates."""
    i = wp.tid()
    exempt_sum = float(0.0)
    for t in range(exempt.shape[0]):
        if exempt[t]:
            exempt_sum += step_reward[i, t] * dt
    reward[i] = wp.max(reward[i] - exempt_sum, 0.0) + exempt_sum


class PositiveRewardManagerWarp(RewardManager):
    """Warp reward manager whose total per step is ``max(sum of clipped terms, 0) + sum of exempt terms``.

    Twin of :class:`ext_walk_minutes.envs.PositiveRewardManager`: one kernel after Isaac Lab's sum. Per-term
    episode sums stay unclipped, as in legged_gym.
    """

    def __init__(self, cfg: object, env: ManagerBasedRLEnvWarp, exempt_terms: Sequence[str] = ()) -> None:
        super().__init__(cfg, env)
        unknown = set(exempt_terms) - set(self.active_terms)
        if unknown:
            raise ValueError(f"reward terms {sorted(unknown)} exempt from clipping are not active reward terms")
        flags = [name in exempt_terms for name in self.active_terms]
        self._exempt_wp = wp.array(flags, dtype=wp.bool, device=self.device)

    def compute(self, dt: float) -> torch.Tensor:
        total = super().compute(dt)
        wp.launch(
            _clip_at_zero_kernel,
            dim=self.num_envs,
            inputs=[self._step_reward_wp, self._exempt_wp, float(dt)],
            outputs=[self._reward_wp],
            device=self.device,
        )
        return total


class WalkEnvWarp(ManagerBasedRLEnvWarp):
    """Isaac Lab's Warp-frontend RL env with our terms' Warp twins; clips rewards when
    ``cfg.only_positive_rewards`` is set (``cfg.reward_clip_exempt_terms`` added after the clip).

    As :class:`~ext_walk_minutes.envs.WalkEnv`, a non-finite reward (a robot whose physics blew up, reset by
    ``non_finite_state``) is zeroed. Isaac Lab's Warp env computes no final observation (``compute_final_obs``).
    """

    _built_in_this_process = False

    def __init__(self, cfg, render_mode: str | None = None, **kwargs) -> None:
        if WalkEnvWarp._built_in_this_process:
            # Isaac Lab's Warp terms keep their buffers on the module's functions (e.g. generated_commands' command
            # view, isaaclab_experimental/envs/mdp/observations.py:360-368): a second env would read the first's
            raise RuntimeError("one Warp-frontend env per process: Isaac Lab's Warp terms keep the first env's buffers")
        WalkEnvWarp._built_in_this_process = True
        on_cpu = str(cfg.sim.device).startswith("cpu")
        if on_cpu and getattr(cfg, "manager_call_config", None) is None and ManagerCallSwitch.ENV_VAR not in os.environ:
            # Warp's CPU graph capture fails on Newton's masked root writes (a ProxyArray output, no .ptr:
            # isaaclab_newton articulation.py:746, warp/_src/apic/capture.py:226): on CPU the stages run eagerly
            # (on CUDA Isaac Lab's default, captured, stays)
            cfg.manager_call_config = {"default": int(ManagerCallMode.WARP_NOT_CAPTURED)}
        declare_height_scan_width(cfg)
        with our_terms_mirrored():
            super().__init__(cfg, render_mode, **kwargs)

    def load_managers(self) -> None:
        super().load_managers()
        if getattr(self.cfg, "only_positive_rewards", False):
            self.reward_manager = PositiveRewardManagerWarp(
                self.cfg.rewards, self, getattr(self.cfg, "reward_clip_exempt_terms", ())
            )

    def step(self, action: torch.Tensor):
        obs, reward, terminated, truncated, extras = super().step(action)
        torch.nan_to_num_(reward, nan=0.0, posinf=0.0, neginf=0.0)
        return obs, reward, terminated, truncated, extras
