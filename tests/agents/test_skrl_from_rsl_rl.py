"""The skrl config is derived from the rsl-rl one: both backends train with the same hyper-parameters."""

from __future__ import annotations

import math

import pytest
from isaaclab_tasks.utils import load_cfg_from_registry

import ext_walk_minutes.tasks  # noqa: F401


@pytest.mark.parametrize("task", ["Walk-Flat-AnymalC", "Walk-Rough-AnymalC"])
def test_same_hyper_parameters(task):
    rsl = load_cfg_from_registry(task, "rsl_rl_cfg_entry_point")
    skrl = load_cfg_from_registry(task, "skrl_cfg_entry_point")
    alg, agent = rsl.algorithm, skrl["agent"]
    assert agent["rollouts"] == rsl.num_steps_per_env == 24
    assert agent["learning_epochs"] == alg.num_learning_epochs == 5
    assert agent["mini_batches"] == alg.num_mini_batches == 4
    assert agent["discount_factor"] == alg.gamma == 0.99
    assert agent["gae_lambda"] == alg.lam == 0.95
    assert agent["learning_rate"] == alg.learning_rate == 1e-3
    assert agent["learning_rate_scheduler"] == "KLAdaptiveLR" and alg.schedule == "adaptive"
    assert agent["learning_rate_scheduler_kwargs"]["kl_threshold"] == alg.desired_kl == 0.01
    assert agent["ratio_clip"] == agent["value_clip"] == alg.clip_param == 0.2
    assert agent["entropy_loss_scale"] == alg.entropy_coef == 0.01
    assert agent["value_loss_scale"] == alg.value_loss_coef == 1.0
    assert agent["grad_norm_clip"] == alg.max_grad_norm == 1.0
    models = skrl["models"]
    assert models["separate"] is True
    assert models["policy"]["network"][0]["layers"] == rsl.actor.hidden_dims
    assert models["value"]["network"][0]["layers"] == rsl.critic.hidden_dims
    assert math.exp(models["policy"]["initial_log_std"]) == pytest.approx(rsl.actor.distribution_cfg.init_std)
    assert skrl["trainer"]["timesteps"] == rsl.max_iterations * rsl.num_steps_per_env
    expected_iterations, expected_dims = (300, [128, 64, 32]) if "Flat" in task else (1500, [512, 256, 128])
    assert rsl.max_iterations == expected_iterations and rsl.actor.hidden_dims == expected_dims
