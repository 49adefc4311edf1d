"""skrl PPO config derived from the rsl-rl one, so both backends train with the same hyper-parameters."""

from __future__ import annotations

import math
from typing import Any

from isaaclab_rl.rsl_rl import RslRlOnPolicyRunnerCfg

_ACTIVATIONS = {"elu": "elu", "relu": "relu", "tanh": "tanh", "selu": "selu"}


def skrl_cfg_from_rsl_rl(rsl: RslRlOnPolicyRunnerCfg) -> dict[str, Any]:
    """Translate an rsl-rl runner config into the dict skrl's ``Runner`` reads.

    Separate actor and critic MLPs as in rsl-rl, a state-independent Gaussian std initialised to
    ``init_std``, KL-adaptive learning rate, clipped value loss. The skrl backend's agent applies the
    last two as rsl-rl does and learns the std, not its log (``rl/backends/_skrl_ppo.py``); the scheduler
    entry names the desired KL.
    Checkpoints are written by our training loop (atomically), so skrl's own periodic checkpoints are off.
    """
    alg = rsl.algorithm
    init_std = rsl.actor.distribution_cfg.init_std

    def mlp(hidden_dims: list[int], activation: str) -> list[dict[str, Any]]:
        return [
            {
                "name": "net",
                "input": "OBSERVATIONS",
                "layers": list(hidden_dims),
                "activations": _ACTIVATIONS[activation],
            }
        ]

    return {
        "seed": rsl.seed,
        "models": {
            "separate": True,
            "policy": {
                "class": "GaussianMixin",
                "clip_actions": False,
                "clip_log_std": True,
                "min_log_std": -20.0,
                "max_log_std": 2.0,
                "initial_log_std": math.log(init_std),
                "network": mlp(rsl.actor.hidden_dims, rsl.actor.activation),
                "output": "ACTIONS",
            },
            "value": {
                "class": "DeterministicMixin",
                "clip_actions": False,
                "network": mlp(rsl.critic.hidden_dims, rsl.critic.activation),
                "output": "ONE",
            },
        },
        "memory": {"class": "RandomMemory", "memory_size": -1},
        "agent": {
            "class": "PPO",
            "rollouts": rsl.num_steps_per_env,
            "learning_epochs": alg.num_learning_epochs,
            "mini_batches": alg.num_mini_batches,
            "discount_factor": alg.gamma,
            "gae_lambda": alg.lam,
            "learning_rate": alg.learning_rate,
            "learning_rate_scheduler": "KLAdaptiveLR" if alg.schedule == "adaptive" else None,
            "learning_rate_scheduler_kwargs": {"kl_threshold": alg.desired_kl} if alg.schedule == "adaptive" else {},
            "observation_preprocessor": None,
            "value_preprocessor": None,
            "grad_norm_clip": alg.max_grad_norm,
            "ratio_clip": alg.clip_param,
            "value_clip": alg.clip_param if alg.use_clipped_value_loss else 0.0,  # 0 = unclipped value loss
            "entropy_loss_scale": alg.entropy_coef,
            "value_loss_scale": alg.value_loss_coef,
            "kl_threshold": 0.0,
            "rewards_shaper_scale": 1.0,
            "time_limit_bootstrap": False,
            "experiment": {
                "directory": rsl.experiment_name,
                "experiment_name": "",
                "write_interval": "auto",
                # in env steps, as skrl counts; the skrl backend saves at rsl-rl's save_interval iterations
                "checkpoint_interval": rsl.save_interval * rsl.num_steps_per_env,
            },
        },
        "trainer": {
            "class": "SequentialTrainer",
            "timesteps": rsl.max_iterations * rsl.num_steps_per_env,
            "environment_info": "log",
        },
    }
