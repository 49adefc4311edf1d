"""legged_gym's only_positive_rewards: each step's total reward is clipped at zero, per-term sums are not."""

from __future__ import annotations

import pytest
import torch

from helpers import SMALL_TERRAIN, walk_run

pytestmark = pytest.mark.slow


def _random_rollout(overrides: list[str], steps: int = 60):
    from ext_walk_minutes.envs import PositiveRewardManager
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Flat-AnymalC", 4, SMALL_TERRAIN + overrides)
    rewards, unclipped = [], []
    with running_env(spec, configs) as gym_env:
        env = gym_env.unwrapped
        gym_env.reset()
        clipping = isinstance(env.reward_manager, PositiveRewardManager)
        gen = torch.Generator().manual_seed(1)
        for _ in range(steps):
            _, reward, *_ = gym_env.step(torch.randn(4, 12, generator=gen) * 2)
            rewards.append(reward.clone())
            unclipped.append(env.reward_manager._step_reward.sum(dim=1) * env.step_dt)
    return clipping, torch.stack(rewards), torch.stack(unclipped)


def test_rewards_are_clipped_at_zero():
    clipping, rewards, unclipped = _random_rollout([])
    assert clipping
    assert (unclipped < 0).any(), "random actions should give some negative totals to clip"
    torch.testing.assert_close(rewards, unclipped.clamp_min(0.0))


def test_clipping_can_be_switched_off():
    clipping, rewards, unclipped = _random_rollout(["env.only_positive_rewards=false"])
    assert not clipping
    assert (rewards < 0).any()
    torch.testing.assert_close(rewards, unclipped)


def test_exempt_terms_are_added_after_the_clip():
    """legged_gym adds the termination penalty after clipping; any term can be named so."""
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Flat-AnymalC", 4, SMALL_TERRAIN)
    configs.env_cfg.reward_clip_exempt_terms = ("action_rate_l2",)
    with running_env(spec, configs) as gym_env:
        env = gym_env.unwrapped
        gym_env.reset()
        manager = env.reward_manager
        exempt_id = manager.active_terms.index("action_rate_l2")
        gen = torch.Generator().manual_seed(2)
        negative = False
        for _ in range(30):
            _, reward, *_ = gym_env.step(torch.randn(4, 12, generator=gen) * 2)
            total = manager._step_reward.sum(dim=1) * env.step_dt
            exempt = manager._step_reward[:, exempt_id] * env.step_dt
            torch.testing.assert_close(reward, (total - exempt).clamp_min(0.0) + exempt)
            negative |= bool((reward < 0).any())
        assert negative  # the exempt penalty can make the total negative
