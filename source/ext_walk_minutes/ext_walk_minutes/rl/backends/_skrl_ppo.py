"""skrl's PPO agent with rsl-rl's update rule, so that both backends run the same algorithm, not only the same numbers.

skrl's stock update differs from rsl-rl's (legged_gym's) in three places that change training:

* value loss: skrl clips the predicted value and takes the squared error of that; rsl-rl takes the larger of
  the clipped and the unclipped squared errors (a pessimistic bound);
* learning rate: skrl's KL-adaptive scheduler steps once per epoch on an approximate KL, with a floor of 1e-6;
  rsl-rl adapts it before every mini-batch's step on the analytic KL of the Gaussians, within [1e-5, 1e-2]
  (x1.5 when KL < desired / 2, / 1.5 when KL > 2 desired);
* gradients: skrl clips the norm of the actor's and the critic's gradients together, rsl-rl each on its own;
  mini-batches: skrl draws a new split every epoch, rsl-rl one permutation per update for all epochs.

* std: skrl's Gaussian policy learns log(std), rsl-rl's (legged_gym's) the std itself (Adam's steps differ).

:class:`SkrlPPOWithRslRlUpdate` replaces :meth:`update` with rsl-rl's rule; the rollout, GAE and advantage normalisation
are skrl's (they already agree). :func:`learn_std_directly` gives skrl's policy rsl-rl's std parameter;
:class:`SkrlWalkRunner` builds both.
"""

from __future__ import annotations

import itertools

import torch
from skrl.agents.torch.ppo import PPO
from skrl.agents.torch.ppo.ppo import compute_gae
from skrl import config as skrl_config
from skrl.utils.runner.torch import Runner

LR_MIN, LR_MAX, LR_FACTOR = 1e-5, 1e-2, 1.5  # rsl-rl's adaptive schedule
STD_MIN = 1e-6  # rsl-rl's lower clamp of the std


def _log_std(model) -> torch.Tensor:
    """log of the learnt std (A,), for skrl's Gaussian model code that reads ``log_std_parameter``."""
    return torch.log(model.std_parameter.clamp_min(STD_MIN))


def learn_std_directly(policy) -> None:
    """Make an skrl Gaussian policy (made by skrl's model instantiator) learn its std, as rsl-rl, not log(std).

    Its ``log_std_parameter`` becomes a read-only view ``log(std_parameter)`` of a new parameter
    ``std_parameter`` (A,) holding exp of the old value; call before an optimizer is made over the policy.
    """
    log_std = policy._parameters.pop("log_std_parameter")
    policy.__class__ = type(f"Std{type(policy).__name__}", (type(policy),), {"log_std_parameter": property(_log_std)})
    policy.std_parameter = torch.nn.Parameter(log_std.detach().exp(), requires_grad=log_std.requires_grad)


def policy_state_with_std(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A policy state dict of an older checkpoint (``log_std_parameter``) in :func:`learn_std_directly`'s form."""
    if "log_std_parameter" not in state:
        return state
    state = dict(state)
    state["std_parameter"] = state.pop("log_std_parameter").exp()
    return state


def gaussian_kl(old_mean: torch.Tensor, old_std: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """KL(old || new) of diagonal Gaussians, summed over action dims: (N, A) each -> (N,)."""
    return (torch.log(std / old_std) + (old_std.pow(2) + (old_mean - mean).pow(2)) / (2.0 * std.pow(2)) - 0.5).sum(
        dim=-1
    )


def adapted_learning_rate(lr: float, kl: float, desired_kl: float) -> float:
    """rsl-rl's adaptive rule: the learning rate for the next step after a mini-batch with mean KL ``kl``."""
    if kl > 2.0 * desired_kl:
        return max(LR_MIN, lr / LR_FACTOR)
    if 0.0 < kl < desired_kl / 2.0:
        return min(LR_MAX, lr * LR_FACTOR)
    return lr


def value_loss(values: torch.Tensor, old_values: torch.Tensor, returns: torch.Tensor, clip: float) -> torch.Tensor:
    """rsl-rl's clipped value loss: the mean of the larger of the clipped and unclipped squared errors; (N, 1)."""
    if clip <= 0:
        return (returns - values).pow(2).mean()
    clipped = old_values + (values - old_values).clamp(-clip, clip)
    return torch.max((values - returns).pow(2), (clipped - returns).pow(2)).mean()


class SkrlPPOWithRslRlUpdate(PPO):
    """skrl PPO whose :meth:`update` is rsl-rl's (see the module docstring). ``desired_kl`` is the
    ``kl_threshold`` of the config's KL-adaptive scheduler (None: fixed learning rate)."""

    def _desired_kl(self) -> float | None:
        kwargs = self.cfg.learning_rate_scheduler_kwargs
        kwargs = kwargs[0] if isinstance(kwargs, (list, tuple)) else kwargs
        return (kwargs or {}).get("kl_threshold") if self.scheduler is not None else None

    def update(self, *, timestep: int, timesteps: int) -> None:
        with torch.no_grad():
            inputs = {
                "observations": self._observation_preprocessor(self._current_next_observations),
                "states": self._state_preprocessor(self._current_next_states),
            }
            last_values, _ = self.value.act(inputs, role="value")
            last_values = self._value_preprocessor(last_values, inverse=True)
        values = self.memory.get_tensor_by_name("values")
        returns, advantages = compute_gae(
            rewards=self.memory.get_tensor_by_name("rewards"),
            terminated=self.memory.get_tensor_by_name("terminated"),
            truncated=self.memory.get_tensor_by_name("truncated"),
            values=values,
            last_values=last_values,
            discount_factor=self.cfg.discount_factor,
            lambda_coefficient=self.cfg.gae_lambda,
            time_limit_bootstrap=self.cfg.time_limit_bootstrap,
        )
        self.memory.set_tensor_by_name("values", self._value_preprocessor(values, train=True))
        self.memory.set_tensor_by_name("returns", self._value_preprocessor(returns, train=True))
        self.memory.set_tensor_by_name("advantages", advantages)
        # memory tensors are (rollouts, robots, size); rsl-rl's batch is all transitions, (rollouts x robots, size)
        batch = {
            name: (self.memory.tensors[name].flatten(0, 1) if name in self.memory.tensors else None)
            for name in ("observations", "states", "actions", "log_prob", "values", "returns", "advantages")
        }
        losses = self.update_on_batch(batch)
        self.track_data("Loss / Policy loss", losses["policy"])
        self.track_data("Loss / Value loss", losses["value"])
        self.track_data("Loss / Entropy loss", losses["entropy"])
        self.track_data("Policy / Standard deviation", self.policy.distribution(role="policy").stddev.mean().item())
        self.track_data("Learning / Learning rate", self.optimizer.param_groups[0]["lr"])

    def update_on_batch(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        """rsl-rl's epochs over one batch of transitions: ``observations`` (N, obs), ``actions`` (N, A), ``log_prob``,
        ``values``, ``returns``, ``advantages`` (N, 1; advantages normalised), ``states`` (None or (N, S)).

        Returns the mean policy (surrogate), value and entropy losses over the mini-batch steps (entropy: the
        loss term, -entropy_coef x entropy); the optimizer's learning rate is left at its adapted value.
        """
        n = batch["actions"].shape[0]
        mini = n // self.cfg.mini_batches
        desired_kl = self._desired_kl()
        # one permutation for all epochs, drawn first (as rsl-rl's mini-batch generator: the same seed, the same order)
        order = torch.randperm(mini * self.cfg.mini_batches, device=batch["actions"].device)
        with torch.no_grad():  # the distribution the rollout sampled from: the policy as it is now
            self.policy.act(
                {
                    "observations": self._observation_preprocessor(batch["observations"]),
                    "states": self._state_preprocessor(batch["states"]),
                },
                role="policy",
            )
            old = self.policy.distribution(role="policy")
            old_mean, old_std = old.mean.clone(), old.stddev.clone()
        sums = {"policy": 0.0, "value": 0.0, "entropy": 0.0}
        steps = 0
        for _epoch, k in itertools.product(range(self.cfg.learning_epochs), range(self.cfg.mini_batches)):
            idx = order[k * mini : (k + 1) * mini]
            inputs = {
                "observations": self._observation_preprocessor(batch["observations"][idx]),
                "states": self._state_preprocessor(None if batch["states"] is None else batch["states"][idx]),
            }
            _, outputs = self.policy.act({**inputs, "taken_actions": batch["actions"][idx]}, role="policy")
            dist = self.policy.distribution(role="policy")
            if desired_kl is not None:
                with torch.no_grad():
                    kl = gaussian_kl(old_mean[idx], old_std[idx], dist.mean, dist.stddev).mean()
                    if skrl_config.torch.is_distributed:  # every rank adapts the rate on the mean KL, alike
                        torch.distributed.all_reduce(kl, op=torch.distributed.ReduceOp.SUM)
                        kl /= skrl_config.torch.world_size
                lr = adapted_learning_rate(self.optimizer.param_groups[0]["lr"], kl.item(), desired_kl)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
            ratio = torch.exp(outputs["log_prob"] - batch["log_prob"][idx])
            advantages = batch["advantages"][idx]
            clipped_ratio = ratio.clamp(1.0 - self.cfg.ratio_clip, 1.0 + self.cfg.ratio_clip)
            surrogate = torch.max(-advantages * ratio, -advantages * clipped_ratio).mean()
            predicted, _ = self.value.act(inputs, role="value")
            v_loss = value_loss(predicted, batch["values"][idx], batch["returns"][idx], self.cfg.value_clip)
            entropy = -self.cfg.entropy_loss_scale * self.policy.get_entropy(role="policy").mean()
            self.optimizer.zero_grad()
            (surrogate + self.cfg.value_loss_scale * v_loss + entropy).backward()
            if skrl_config.torch.is_distributed:  # average the gradients over the ranks, as skrl's update
                self.policy.reduce_parameters()
                self.value.reduce_parameters()
            if self.cfg.grad_norm_clip > 0:  # each network on its own, as rsl-rl
                torch.nn.utils.clip_grad_norm_(self.policy.parameters(), self.cfg.grad_norm_clip)
                torch.nn.utils.clip_grad_norm_(self.value.parameters(), self.cfg.grad_norm_clip)
            self.optimizer.step()
            sums["policy"] += surrogate.item()
            sums["value"] += v_loss.item()
            sums["entropy"] += entropy.item()
            steps += 1
        return {key: value / steps for key, value in sums.items()}


class SkrlWalkRunner(Runner):
    """skrl's ``Runner`` building :class:`SkrlPPOWithRslRlUpdate` for the config's ``class: PPO``, its policy
    learning the std (:func:`learn_std_directly`)."""

    def _component(self, name: str):
        return SkrlPPOWithRslRlUpdate if name.lower() == "ppo" else super()._component(name)

    def _generate_models(self, env, cfg):
        models = super()._generate_models(env, cfg)
        for roles in models.values():  # before the agent makes its optimizer over the parameters
            if "log_std_parameter" in dict(roles["policy"].named_parameters()):
                learn_std_directly(roles["policy"])
        return models
