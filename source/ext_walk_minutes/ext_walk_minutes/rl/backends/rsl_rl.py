"""rsl-rl (the paper authors' PPO) as a :class:`~ext_walk_minutes.rl.backends.Backend`."""

from __future__ import annotations

import re

from . import Backend


class RslRl(Backend):
    name = "rsl_rl"
    entry_point = "rsl_rl_cfg_entry_point"
    steps_per_env_key = "agent.num_steps_per_env"
    checkpoint_pattern = re.compile(r"model_(\d+)\.pt$")
    # rsl-rl's own log, resume and Isaac Lab's tools use this numbering: renaming would set this project apart
    checkpoint_numbering = "rsl-rl numbers iterations from 0: model_N.pt is the state after line 'it N+1'"
    tensorboard_tags = {"value_loss": "Loss/value"}
    runtime = "_rsl_rl_runner"
    parameter_keys = ("actor_state_dict", "critic_state_dict")

    def apply_run_settings(self, agent_cfg, device, seed):
        agent_cfg.device = device
        if seed is not None:
            agent_cfg.seed = seed
        return agent_cfg.seed

    def seed_for_rank(self, agent_cfg, rank):
        agent_cfg.seed += rank  # rsl-rl seeds torch from the agent config: offset it too
        return agent_cfg.seed

    def default_iterations(self, agent_cfg):
        return agent_cfg.max_iterations

    def steps_per_iteration(self, agent_cfg):
        return agent_cfg.num_steps_per_env

    def log_to_wandb(self, agent_cfg, project):
        agent_cfg.logger, agent_cfg.wandb_project = "wandb", project  # rsl-rl's W&B writer also writes TensorBoard


BACKEND = RslRl()
