"""What a resume restores, per backend, on a real env (flat ANYmal C, 4 robots, CPU): after one real PPO update
the checkpoint is loaded into a fresh runner (as ``train.py --resume`` does) and every weight of the policy and the
value function, the optimizer's state (Adam's moments and step count, the learning rate) and the iteration must be
the trained runner's. A loader that restored only the iteration, only the policy, or not the optimizer fails.
"""

from __future__ import annotations

import pytest
import torch

from helpers import SMALL_TERRAIN, walk_run

pytestmark = pytest.mark.slow  # one PPO update per backend

NUM_ENVS = 4


@pytest.fixture(scope="module")
def env():
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run("Walk-Flat-AnymalC", NUM_ENVS, SMALL_TERRAIN)
    with running_env(spec, configs) as gym_env:
        yield gym_env


def _assert_same_tensors(expected, got, what: str) -> None:
    """Two (nested) state dicts hold equal tensors and equal plain values under the same keys."""
    if isinstance(expected, dict):
        assert set(got) == set(expected), what
        for key in expected:
            _assert_same_tensors(expected[key], got[key], f"{what}.{key}")
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), what
        for i, (a, b) in enumerate(zip(expected, got)):
            _assert_same_tensors(a, b, f"{what}[{i}]")
    elif isinstance(expected, torch.Tensor):
        torch.testing.assert_close(got, expected, rtol=0, atol=0, msg=what)
    else:
        assert got == expected, what


def _differs(a: dict, b: dict) -> bool:
    return any(not torch.equal(a[k], b[k]) for k in a)


def _skrl_cfg():
    from isaaclab_tasks.utils import load_cfg_from_registry

    return load_cfg_from_registry("Walk-Flat-AnymalC", "skrl_cfg_entry_point")


def test_rsl_rl_resume_restores_weights_optimizer_and_iteration(env, tmp_path):
    from ext_walk_minutes.rl import backends
    from ext_walk_minutes.rl.backends import _rsl_rl_runner
    from isaaclab_tasks.utils import load_cfg_from_registry

    agent_cfg = load_cfg_from_registry("Walk-Flat-AnymalC", "rsl_rl_cfg_entry_point")
    agent_cfg.num_steps_per_env = 8
    agent_cfg.seed = 0
    trained, _ = backends.get("rsl_rl").make_runner(env, agent_cfg, "cpu", None)
    trained.learn(2)  # two real PPO updates: Adam's moments are non-zero, its step count 2 x epochs x mini-batches
    saved = trained.alg.save()
    assert saved["optimizer_state_dict"]["state"], "the update left no optimizer state"
    path = tmp_path / "model_1.pt"
    trained.save(str(path))

    torch.manual_seed(123)  # a differently initialised fresh runner: nothing equal by chance
    fresh, _ = backends.get("rsl_rl").make_runner(env, agent_cfg, "cpu", None)
    before = fresh.alg.save()
    assert _differs(saved["actor_state_dict"], before["actor_state_dict"])
    assert _differs(saved["critic_state_dict"], before["critic_state_dict"])
    assert not before["optimizer_state_dict"]["state"]
    _rsl_rl_runner._load(fresh, path)
    after = fresh.alg.save()
    for key in ("actor_state_dict", "critic_state_dict", "optimizer_state_dict"):
        _assert_same_tensors(saved[key], after[key], key)
    assert fresh.alg.learning_rate == trained.alg.learning_rate
    assert fresh.current_learning_iteration == trained.current_learning_iteration > 0


def _skrl_update(runner):
    """One PPO update of skrl's agent through the backend's rollout step; returns the iteration's last step."""
    from ext_walk_minutes.rl.backends._skrl_runner import collect_step

    agent, env = runner.agent, runner.trainer.env
    rollouts = agent.cfg.rollouts
    agent.enable_training_mode(True)
    obs, _ = env.reset()
    states = env.state()
    for t in range(rollouts):  # the last step runs the update (post_interaction)
        obs, states, *_ = collect_step(agent, env, obs, states, t, rollouts, "exact")


def test_skrl_resume_restores_weights_optimizer_and_iteration(env, tmp_path):
    from ext_walk_minutes.rl import backends
    from ext_walk_minutes.rl.backends import _skrl_runner

    cfg = _skrl_cfg()
    cfg["agent"]["rollouts"] = 8
    trained, _ = backends.get("skrl").make_runner(env, cfg, "cpu", None)
    _skrl_update(trained)
    saved = _skrl_runner._checkpoint(trained.agent)
    assert set(saved) == {"policy", "value", "optimizer"}
    assert saved["optimizer"]["state"], "the update left no optimizer state"
    path = _skrl_runner._save(trained.agent, tmp_path, 0, 8)
    saved = torch.load(path, map_location="cpu", weights_only=False)

    torch.manual_seed(123)
    fresh, _ = backends.get("skrl").make_runner(env, cfg, "cpu", None)
    before = _skrl_runner._checkpoint(fresh.agent)
    assert _differs(saved["policy"], before["policy"]) and _differs(saved["value"], before["value"])
    assert not before["optimizer"]["state"]
    assert _skrl_runner._load(fresh.agent, path) == 0
    after = _skrl_runner._checkpoint(fresh.agent)
    for key in ("policy", "value", "optimizer"):
        _assert_same_tensors(saved[key], after[key], key)


def test_skrl_loader_refuses_a_checkpoint_without_a_module(env, tmp_path):
    """A checkpoint lacking the optimizer is refused for training (not resumed with a fresh optimizer), one
    ``UsageError`` naming what is missing; play (inference) loads its policy."""
    from ext_walk_minutes.common.errors import UsageError
    from ext_walk_minutes.rl import backends
    from ext_walk_minutes.rl.backends import _skrl_runner

    cfg = _skrl_cfg()
    runner, _ = backends.get("skrl").make_runner(env, cfg, "cpu", None)
    data = {**_skrl_runner._checkpoint(runner.agent), "iter": 4}
    for name in data["policy"]:
        data["policy"][name] = data["policy"][name] + 0.5  # so that loading it shows
    del data["optimizer"]
    path = tmp_path / "agent_8.pt"
    torch.save(data, path)
    with pytest.raises(UsageError, match="lacks optimizer"):
        _skrl_runner._load(runner.agent, path)
    policy = _skrl_runner.inference_policy(env, cfg, "cpu", path)
    _assert_same_tensors(data["policy"], policy.model.state_dict(), "policy")
