"""skrl runs rsl-rl's PPO update: both libraries' update on the same fixed batch, from the same weights
and mini-batch order, give the same losses, the same adapted learning rate and the same weights afterwards.

No simulation: a random batch of 64 transitions, small networks, both PPO implementations as the libraries ship them
(rsl-rl's ``PPO.update``, our :class:`SkrlPPOWithRslRlUpdate` on skrl's agent). Seconds.
"""

from __future__ import annotations

import gymnasium
import pytest
import torch
from tensordict import TensorDict

OBS, ACT, ROLLOUTS, ENVS = 6, 3, 8, 8
HIDDEN = [16, 8]


def _batch(seed: int = 0) -> dict[str, torch.Tensor]:
    """A fixed batch: (ROLLOUTS, ENVS, ...) observations, actions, values and returns, normalised advantages."""
    g = torch.Generator().manual_seed(seed)
    advantages = torch.randn(ROLLOUTS, ENVS, 1, generator=g)
    return {
        "observations": torch.randn(ROLLOUTS, ENVS, OBS, generator=g),
        "actions": torch.randn(ROLLOUTS, ENVS, ACT, generator=g),
        "values": torch.randn(ROLLOUTS, ENVS, 1, generator=g),
        "returns": torch.randn(ROLLOUTS, ENVS, 1, generator=g) * 2.0,
        "advantages": (advantages - advantages.mean()) / (advantages.std() + 1e-8),
    }


def _rsl_rl_ppo(desired_kl: float, std_type: str = "scalar"):
    from rsl_rl.algorithms import PPO
    from rsl_rl.models import MLPModel
    from rsl_rl.storage import RolloutStorage

    obs = TensorDict({"policy": torch.zeros(ENVS, OBS)}, batch_size=[ENVS])
    groups = {"actor": ["policy"], "critic": ["policy"]}
    actor = MLPModel(
        obs,
        groups,
        "actor",
        ACT,
        HIDDEN,
        "elu",
        distribution_cfg={"class_name": "GaussianDistribution", "init_std": 1.0, "std_type": std_type},
    )
    critic = MLPModel(obs, groups, "critic", 1, HIDDEN, "elu")
    storage = RolloutStorage("rl", ENVS, ROLLOUTS, obs, (ACT,), "cpu")
    return PPO(
        actor,
        critic,
        storage,
        num_learning_epochs=2,
        num_mini_batches=2,
        clip_param=0.2,
        value_loss_coef=1.0,
        entropy_coef=0.01,
        learning_rate=1e-3,
        max_grad_norm=1.0,
        use_clipped_value_loss=True,
        schedule="adaptive",
        desired_kl=desired_kl,
        device="cpu",
    )


def _skrl_ppo(desired_kl: float):
    from skrl.agents.torch.ppo import PPO_CFG
    from skrl.resources.schedulers.torch import KLAdaptiveLR
    from skrl.utils.model_instantiators.torch import deterministic_model, gaussian_model

    from ext_walk_minutes.rl.backends._skrl_ppo import SkrlPPOWithRslRlUpdate, learn_std_directly

    obs_space = gymnasium.spaces.Box(-1.0, 1.0, (OBS,))
    act_space = gymnasium.spaces.Box(-1.0, 1.0, (ACT,))
    net = [{"name": "net", "input": "OBSERVATIONS", "layers": HIDDEN, "activations": "elu"}]
    policy = gaussian_model(
        observation_space=obs_space,
        action_space=act_space,
        device="cpu",
        clip_actions=False,
        clip_log_std=True,
        min_log_std=-20.0,
        max_log_std=2.0,
        initial_log_std=0.0,
        network=net,
        output="ACTIONS",
    )
    learn_std_directly(policy)  # as SkrlWalkRunner does
    value = deterministic_model(
        observation_space=obs_space, action_space=act_space, device="cpu", clip_actions=False, network=net, output="ONE"
    )
    cfg = PPO_CFG(
        rollouts=ROLLOUTS,
        learning_epochs=2,
        mini_batches=2,
        learning_rate=1e-3,
        learning_rate_scheduler=KLAdaptiveLR,
        learning_rate_scheduler_kwargs={"kl_threshold": desired_kl},
        grad_norm_clip=1.0,
        ratio_clip=0.2,
        value_clip=0.2,
        entropy_loss_scale=0.01,
        value_loss_scale=1.0,
    )
    return SkrlPPOWithRslRlUpdate(
        models={"policy": policy, "value": value},
        memory=None,
        observation_space=obs_space,
        action_space=act_space,
        device="cpu",
        cfg=cfg,
    )


def _linears(module: torch.nn.Module) -> list[torch.nn.Linear]:
    return [m for m in module.modules() if isinstance(m, torch.nn.Linear)]


def _copy_weights(rsl, skrl_agent) -> None:
    """skrl's networks take rsl-rl's weights, layer by layer (both: Linear-ELU stacks and a linear head)."""
    with torch.no_grad():
        for model, role in ((skrl_agent.policy, "policy"), (skrl_agent.value, "value")):  # sizes lazy layers
            model.act({"observations": torch.zeros(1, OBS), "states": None}, role=role)
        for source, target in ((rsl.actor, skrl_agent.policy), (rsl.critic, skrl_agent.value)):
            pairs = list(zip(_linears(source), _linears(target), strict=True))
            for a, b in pairs:
                b.weight.copy_(a.weight)
                b.bias.copy_(a.bias)
        skrl_agent.policy.std_parameter.copy_(rsl.actor.distribution.std_param)


def _run_both(desired_kl: float):
    """Both updates on the same batch; returns (rsl-rl losses, rsl-rl lr, rsl, skrl losses, skrl lr, skrl agent)."""
    torch.manual_seed(0)
    rsl = _rsl_rl_ppo(desired_kl)
    agent = _skrl_ppo(desired_kl)
    _copy_weights(rsl, agent)
    batch = _batch()
    storage = rsl.storage
    storage.observations["policy"].copy_(batch["observations"])
    for name in ("actions", "values", "returns", "advantages"):
        getattr(storage, name).copy_(batch[name])
    with torch.no_grad():  # what the policy gave when it acted: log-probabilities and distribution parameters
        rsl.actor(storage.observations.flatten(0, 1), stochastic_output=True)
        log_prob = rsl.actor.get_output_log_prob(batch["actions"].flatten(0, 1))
        storage.actions_log_prob.copy_(log_prob.view(ROLLOUTS, ENVS, 1))
        storage.distribution_params = tuple(
            p.view(ROLLOUTS, ENVS, -1).clone() for p in rsl.actor.output_distribution_params
        )
    flat = {name: value.flatten(0, 1) for name, value in batch.items()}
    flat["log_prob"], flat["states"] = log_prob.view(-1, 1), None
    torch.manual_seed(1)  # the same mini-batch permutation in both (each draws it first)
    rsl_losses = rsl.update()
    torch.manual_seed(1)
    skrl_losses = agent.update_on_batch(flat)
    return rsl_losses, rsl.learning_rate, rsl, skrl_losses, agent.optimizer.param_groups[0]["lr"], agent


@pytest.mark.parametrize("desired_kl, lr_changes", [(1e-6, "down"), (10.0, "up")])
def test_same_losses_and_learning_rate(desired_kl, lr_changes):
    rsl_losses, rsl_lr, rsl, skrl_losses, skrl_lr, agent = _run_both(desired_kl)
    assert skrl_losses["policy"] == pytest.approx(rsl_losses["surrogate"], rel=1e-4, abs=1e-6)
    assert skrl_losses["value"] == pytest.approx(rsl_losses["value"], rel=1e-4)
    assert skrl_losses["entropy"] == pytest.approx(-0.01 * rsl_losses["entropy"], rel=1e-4)
    # 4 mini-batch steps; the first sees KL 0 (no change), the other 3 each move the rate by 1.5
    expected = 1e-3 / 1.5**3 if lr_changes == "down" else 1e-3 * 1.5**3
    assert rsl_lr == pytest.approx(expected) and skrl_lr == pytest.approx(expected)
    pairs = list(zip(_linears(rsl.actor) + _linears(rsl.critic), _linears(agent.policy) + _linears(agent.value)))
    assert len(pairs) == 2 * (len(HIDDEN) + 1)  # every layer of both networks compared, none skipped
    for a, b in pairs:
        torch.testing.assert_close(b.weight, a.weight, rtol=1e-4, atol=1e-6)
    # the std moved, alike: rsl-rl's std parameter and ours (learning log(std) instead: 2e-6 and 2e-5 apart)
    assert not torch.equal(rsl.actor.distribution.std_param, torch.ones(ACT))
    torch.testing.assert_close(agent.policy.std_parameter, rsl.actor.distribution.std_param, rtol=0.0, atol=5e-7)


def test_rules_differ_from_skrls_stock_ones():
    """The negative control: skrl's own value loss (clip the prediction) and learning-rate rule (per epoch, floor
    1e-6) give other numbers on the same inputs, so agreement above is not a matter of course."""
    from skrl.resources.schedulers.torch import KLAdaptiveLR

    from ext_walk_minutes.rl.backends._skrl_ppo import adapted_learning_rate, gaussian_kl, value_loss

    batch = {name: value.flatten(0, 1) for name, value in _batch().items()}
    predicted = batch["values"] + torch.linspace(-1.0, 1.0, batch["values"].shape[0]).unsqueeze(1)
    ours = value_loss(predicted, batch["values"], batch["returns"], 0.2)
    stock = torch.nn.functional.mse_loss(
        batch["returns"], batch["values"] + (predicted - batch["values"]).clamp(-0.2, 0.2)
    )
    assert ours > stock * 1.01  # the max of clipped and unclipped errors is larger
    assert adapted_learning_rate(1e-5, 1.0, 0.01) == 1e-5  # rsl-rl's floor
    assert adapted_learning_rate(1e-2, 0.0001, 0.01) == 1e-2  # and ceiling
    assert adapted_learning_rate(1e-3, 0.0, 0.01) == 1e-3  # KL 0 (the first mini-batch) changes nothing
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=1e-5)
    KLAdaptiveLR(optimizer, kl_threshold=0.01).step(1.0)
    assert optimizer.param_groups[0]["lr"] < 1e-5  # skrl's stock floor is lower
    mean, std = torch.zeros(4, ACT), torch.ones(4, ACT)
    assert torch.equal(gaussian_kl(mean, std, mean, std), torch.zeros(4))
    torch.testing.assert_close(gaussian_kl(mean, std, mean + 1.0, std), torch.full((4,), 0.5 * ACT))


def test_older_checkpoints_load_with_std():
    """A policy saved while skrl learnt log(std) loads into the std-learning policy with the same std."""
    from ext_walk_minutes.rl.backends._skrl_ppo import policy_state_with_std

    agent = _skrl_ppo(0.01)
    agent.policy.act({"observations": torch.zeros(1, OBS), "states": None}, role="policy")
    state = {k: v.clone() for k, v in agent.policy.state_dict().items()}
    old = {k: v for k, v in state.items() if k != "std_parameter"} | {
        "log_std_parameter": torch.log(torch.tensor([0.5, 1.0, 2.0]))
    }
    agent.policy.load_state_dict(policy_state_with_std(old))
    torch.testing.assert_close(agent.policy.std_parameter.detach(), torch.tensor([0.5, 1.0, 2.0]))
    torch.testing.assert_close(agent.policy.log_std_parameter.detach(), torch.log(torch.tensor([0.5, 1.0, 2.0])))
    assert policy_state_with_std(state) is state  # a current one passes unchanged
