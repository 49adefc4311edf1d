"""skrl's PPO agent, driven by our rollout loop, as a :class:`~ext_walk_minutes.rl.backends.Backend`."""

from __future__ import annotations

import re
import sys

from . import Backend


class Skrl(Backend):
    name = "skrl"
    entry_point = "skrl_cfg_entry_point"
    steps_per_env_key = "agent.agent.rollouts"
    checkpoint_pattern = re.compile(r"agent_(\d+)\.pt$")
    checkpoint_numbering = "skrl numbers checkpoints by env steps per robot: agent_N.pt follows N / rollouts iterations"
    tensorboard_tags = {"value_loss": "Loss / Value loss"}
    runtime = "_skrl_runner"
    parameter_keys = ("policy", "value")

    def apply_run_settings(self, agent_cfg, device, seed):
        if seed is not None:
            agent_cfg["seed"] = seed
        return agent_cfg["seed"]

    def seed_for_rank(self, agent_cfg, rank):
        return agent_cfg["seed"] + rank  # skrl adds the rank to its own seed itself (skrl.utils.set_seed)

    def default_iterations(self, agent_cfg):
        return agent_cfg["trainer"]["timesteps"] // self.steps_per_iteration(agent_cfg)

    def steps_per_iteration(self, agent_cfg):
        return agent_cfg["agent"]["rollouts"]

    def log_to_wandb(self, agent_cfg, project):
        experiment = agent_cfg["agent"]["experiment"]
        experiment["wandb"] = True  # skrl syncs its TensorBoard events to W&B
        experiment["wandb_kwargs"] = {**experiment.get("wandb_kwargs", {}), "project": project}

    def logged_steps_per_iteration(self, run):
        import yaml

        # skrl logs per env step; the run's agent config holds the steps per iteration
        return int(yaml.safe_load((run / "params" / "agent.yaml").read_text())["agent"]["rollouts"])

    def import_in_process_group(self):
        # skrl reads the torchrun variables when imported and calls init_process_group("nccl") and
        # torch.cuda.set_device itself; the group exists now, so both calls are skipped for that import
        if "skrl" in sys.modules:
            return
        import torch
        import torch.distributed as dist

        saved = dist.init_process_group, torch.cuda.set_device
        dist.init_process_group = torch.cuda.set_device = lambda *args, **kwargs: None
        try:
            import skrl  # noqa: F401
        finally:
            dist.init_process_group, torch.cuda.set_device = saved


BACKEND = Skrl()
