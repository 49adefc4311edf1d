"""Time-out bootstrapping, per backend and mode, on a real env with 0.2 s episodes and a scripted failure.

For every step the test compares the reward each backend stores for learning with the env's reward:
on a time-out the difference must be gamma * V(final observation) (exact), gamma * V(s_t) (approx)
or 0 (off); on a failure and on ordinary steps it must be 0; and both kinds of episode end must cut
the advantage trace. The six cases share one env; each starts on a freshly reset one (any order passes).
"""

from __future__ import annotations

import pytest
import torch
from isaaclab.managers import TerminationTermCfg
from tensordict import TensorDict

from helpers import SMALL_TERRAIN, walk_run

NUM_ENVS = 4
STEPS = 12  # the 0.2 s episodes (10 policy steps) time out once; the last env fails every 4 steps


def fail_last_env(env) -> torch.Tensor:
    """Scripted failure: the last robot 'falls' at the 4th step of each of its episodes."""
    failed = torch.zeros(env.num_envs, dtype=torch.bool, device=env.device)
    failed[-1] = env.episode_length_buf[-1] == 4
    return failed


@pytest.fixture(scope="module")
def run():
    """``(env, configs)``: the flat task with 0.2 s episodes, final observations and a scripted failure."""
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Flat-AnymalC", NUM_ENVS, SMALL_TERRAIN + ["env.episode_length_s=0.2"])
    configs.env_cfg.compute_final_obs = True
    configs.env_cfg.terminations.scripted_failure = TerminationTermCfg(func=fail_last_env, time_out=False)
    with running_env(spec, configs) as env:
        yield env, configs


@pytest.fixture(autouse=True)
def fresh_episodes(request):
    """Each test starts from a seeded generator and a reset env (episode counters at 0), whatever ran before it on
    the shared env."""
    torch.manual_seed(0)
    if "run" in request.fixturenames:
        env, _ = request.getfixturevalue("run")
        env.reset(seed=0)
        assert (env.unwrapped.episode_length_buf == 0).all()
    yield


def _check_step(mode, gamma, env_reward, stored, time_outs, failures, cut, value_before, final_value, next_value):
    """Assert the stored reward of one step for every env; return (#time-outs, #failures) seen."""
    bonus = stored - env_reward
    ordinary = ~(time_outs | failures)
    assert torch.allclose(bonus[ordinary | failures], torch.zeros(()), atol=1e-6), bonus
    assert cut[time_outs | failures].all()  # the trace stops at both kinds of episode end
    if time_outs.any():
        expected = {"exact": gamma * final_value, "approx": gamma * value_before, "off": torch.zeros_like(bonus)}[mode]
        assert torch.allclose(bonus[time_outs], expected[time_outs], atol=1e-5), (mode, bonus, expected)
        if mode == "exact":  # not the value of the next episode's first state (skrl's native bootstrap)
            assert not torch.allclose(final_value[time_outs], next_value[time_outs], atol=1e-4)
    return int(time_outs.sum()), int(failures.sum())


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["exact", "approx", "off"])
def test_rsl_rl(run, mode):
    from ext_walk_minutes.rl import backends

    env, configs = run
    runner, _ = backends.get("rsl_rl").make_runner(env, configs.agent_cfg, "cpu", None, timeout_bootstrap=mode)
    alg, vec_env, base = runner.alg, runner.env, env.unwrapped
    assert alg.timeout_bootstrap == mode
    obs = vec_env.get_observations()
    seen = [0, 0]
    with torch.inference_mode():
        for step in range(STEPS):
            actions = alg.act(obs)
            value_before = alg.transition.values.squeeze(-1).clone()
            obs, reward, dones, extras = vec_env.step(actions)
            time_outs = extras["time_outs"].bool()
            failures = base.termination_manager.terminated.clone()
            final_value = next_value = torch.zeros_like(reward)
            if time_outs.any():
                final_value = alg.critic(TensorDict(base.extras["final_obs"], batch_size=[NUM_ENVS])).squeeze(-1)
                next_value = alg.critic(obs).squeeze(-1)
            alg.process_env_step(obs, reward, dones, extras)
            n_to, n_fail = _check_step(
                mode,
                alg.gamma,
                reward,
                alg.storage.rewards[step].squeeze(-1),
                time_outs,
                failures,
                alg.storage.dones[step].squeeze(-1).bool(),
                value_before,
                final_value,
                next_value,
            )
            seen[0] += n_to
            seen[1] += n_fail
    assert seen[0] >= 3 and seen[1] >= 2, seen


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["exact", "approx", "off"])
def test_skrl(run, mode):
    from ext_walk_minutes.rl import backends
    from ext_walk_minutes.rl.backends._skrl_runner import collect_step

    gym_env, _ = run
    runner, _ = backends.get("skrl").make_runner(gym_env, skrl_backend_cfg("Walk-Flat-AnymalC"), "cpu", None)
    agent, env, base = runner.agent, runner.trainer.env, gym_env.unwrapped
    agent.enable_training_mode(True)
    obs, _ = env.reset()
    states = env.state()
    memory = agent.memory
    gamma = agent.cfg.discount_factor
    seen = [0, 0]
    for step in range(STEPS):
        next_obs, states, reward, terminated, truncated = collect_step(agent, env, obs, states, step, 10 * STEPS, mode)
        reward, time_outs, failures = reward.squeeze(-1), truncated.squeeze(-1), terminated.squeeze(-1)
        final_value = next_value = torch.zeros_like(reward)
        with torch.no_grad():
            if time_outs.any():
                final_value = agent.value.act(
                    {"observations": base.extras["final_obs"]["policy"], "states": None}, role="value"
                )[0].squeeze(-1)
                next_value = agent.value.act({"observations": next_obs, "states": None}, role="value")[0].squeeze(-1)
        n_to, n_fail = _check_step(
            mode,
            gamma,
            reward,
            memory.get_tensor_by_name("rewards")[step].squeeze(-1),
            time_outs,
            failures,
            memory.get_tensor_by_name("terminated")[step].squeeze(-1),
            memory.get_tensor_by_name("values")[step].squeeze(-1),
            final_value,
            next_value,
        )
        seen[0] += n_to
        seen[1] += n_fail
        obs = next_obs
    assert seen[0] >= 3 and seen[1] >= 2, seen


def skrl_backend_cfg(task: str) -> dict:
    from isaaclab_tasks.utils import load_cfg_from_registry

    return load_cfg_from_registry(task, "skrl_cfg_entry_point")


# ------------------------------------------------------------------------- bootstrapped_rewards and the mode's wiring


def test_bootstrapped_rewards_adds_gamma_v_on_time_outs_only():
    """The three modes on hand-made tensors: exact adds gamma * V(final obs), approx gamma * V(s_t), off nothing, and
    only where ``time_outs`` is set; an unknown mode is refused; ``final_value`` returning None adds nothing."""
    from ext_walk_minutes.rl.bootstrap import bootstrapped_rewards

    rewards = torch.tensor([1.0, -2.0, 0.5, 3.0])
    time_outs = torch.tensor([True, False, True, False])
    before = torch.tensor([[10.0], [20.0], [30.0], [40.0]])  # (N, 1), as the critics return it
    final = torch.tensor([[-1.0], [-2.0], [-3.0], [-4.0]])
    calls = []

    def final_value():
        calls.append(1)
        return final

    exact = bootstrapped_rewards("exact", 0.9, rewards, time_outs, before, final_value)
    torch.testing.assert_close(exact, torch.tensor([1.0 - 0.9, -2.0, 0.5 - 2.7, 3.0]))
    approx = bootstrapped_rewards("approx", 0.9, rewards, time_outs.unsqueeze(-1), before, final_value)
    torch.testing.assert_close(approx, torch.tensor([1.0 + 9.0, -2.0, 0.5 + 27.0, 3.0]))
    assert len(calls) == 1  # approx and off never evaluate the critic on the final observation
    assert torch.equal(bootstrapped_rewards("off", 0.9, rewards, time_outs, before, final_value), rewards)
    assert len(calls) == 1
    assert torch.equal(bootstrapped_rewards("exact", 0.9, rewards, time_outs, before, lambda: None), rewards)
    skrl_shaped = bootstrapped_rewards("exact", 0.5, rewards.unsqueeze(-1), time_outs.unsqueeze(-1), None, final_value)
    assert skrl_shaped.shape == (4, 1)
    torch.testing.assert_close(skrl_shaped.squeeze(-1), torch.tensor([0.5, -2.0, -1.0, 3.0]))
    with pytest.raises(ValueError, match="unknown time-out bootstrap mode 'exakt'"):
        bootstrapped_rewards("exakt", 0.9, rewards, time_outs, before, final_value)


@pytest.mark.parametrize("mode", ["exact", "approx", "off"])
def test_timeout_bootstrap_flag_reaches_the_run(mode):
    """``train.py --timeout-bootstrap MODE`` (its parser and run spec) gives the run that mode, and the env computes
    the final observation exactly when the mode needs it (exact)."""
    from ext_walk_minutes.cli import train as train_cli
    from ext_walk_minutes.cli.flags import parse
    from ext_walk_minutes.run.spec import resolve_configs

    args, overrides = parse(
        train_cli.build_parser(),
        ["--task", "Walk-Flat-AnymalC", "--device", "cpu", "--num_envs", "2", "--timeout-bootstrap", mode],
    )
    spec = train_cli.train_spec(args, overrides)
    assert spec.timeout_bootstrap == mode
    assert resolve_configs(spec).env_cfg.compute_final_obs == (mode == "exact")
