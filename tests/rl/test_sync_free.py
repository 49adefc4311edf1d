"""No host synchronisation from our code while training steps: env.step and the PPO rollout (logging excepted).

On a GPU each ``.item()``, ``.cpu()``, ``.tolist()``, ``.numpy()``, ``bool(tensor)``, ``nonzero()`` or boolean-mask
index stalls the CPU until the GPU catches up. They are counted on CPU by :class:`StepCounters`, attributed to the
file that called them; Isaac Lab's and Warp's own are reported, not asserted.
"""

from __future__ import annotations

import json

import pytest

from helpers import SMALL_TERRAIN, run_script, walk_run

FREQUENT_RESETS = ["env.episode_length_s=0.1"]  # 5-step episodes: the reset path runs in most steps


@pytest.mark.slow
@pytest.mark.parametrize("task", ["Walk-Flat-AnymalC", "Walk-Rough-AnymalC"])
def test_env_step_has_no_sync_from_our_code(tmp_path, task):
    out = tmp_path / "cost.json"
    run_script(
        "step_cost.py",
        "--task",
        task,
        "--num_envs",
        "4",
        "--steps",
        "20",
        "--warmup",
        "2",
        "--json",
        str(out),
        *SMALL_TERRAIN,
        *FREQUENT_RESETS,
        cwd=tmp_path,
    )
    (result,) = json.loads(out.read_text())
    print(
        f"{task}: {result['syncs']:.1f} syncs per step in Isaac Lab and Warp ({result['sync_kinds']}), "
        f"{result['torch_ops']:.0f} torch ops, {result['warp_launches']:.0f} Warp launches"
    )
    assert result["torch_ops"] > 0 and result["warp_launches"] > 0  # the counters see the step
    assert result["our_syncs"] == 0, result["our_sync_sites"]


@pytest.mark.slow
def test_ppo_rollout_has_no_sync_from_our_code():
    """rsl-rl's runner with our PPO (time-out bootstrap) and wrappers, two iterations, rsl-rl's logging included."""
    import contextlib
    import io

    from ext_walk_minutes.studies.step_cost import StepCounters, package_dir
    from ext_walk_minutes.run.spec import running_env

    # the exact time-out bootstrap (the default): final observations, the critic on them
    spec, configs = walk_run("Walk-Rough-AnymalC", 4, SMALL_TERRAIN + FREQUENT_RESETS + ["agent.num_steps_per_env=6"])
    counters = StepCounters(package_dir())
    with running_env(spec, configs) as env, contextlib.redirect_stdout(io.StringIO()):
        runner, _ = spec.backend.make_runner(env, configs.agent_cfg, "cpu", None)
        with counters.active():
            runner.learn(2, init_at_random_ep_len=True)
    assert sum(counters.syncs.values()) > 0  # rsl-rl's own (losses, episode buffers) are seen
    assert not counters.our_syncs, counters.our_sync_sites


def test_counters_attribute_syncs_to_the_calling_file():
    """The negative control of the two tests above (``our_syncs == 0`` must be able to fail): every kind of sync is
    counted, and counted as ours exactly when the line that calls it lies in a file under ``ours``; a sync called
    from another file is counted but not attributed (code compiled under another file name stands for Isaac Lab)."""
    import torch

    from ext_walk_minutes.studies.step_cost import StepCounters

    counters = StepCounters(__file__)
    t = torch.arange(4.0)
    with counters.active():
        t.sum().item()
        t.tolist()
        t[t > 1.0]
        t[t > 2.0] = 0.0
        exec(compile("t.sum().item(); t.tolist()", "/elsewhere/isaaclab_module.py", "exec"), {"t": t})
    assert counters.our_syncs == {"item": 1, "tolist": 1, "bool_mask": 2}, counters.our_syncs
    assert counters.syncs == {"item": 2, "tolist": 2, "bool_mask": 2}, counters.syncs
    assert all(site.startswith(f"{__file__}:") for site in counters.our_sync_sites), counters.our_sync_sites
    assert counters.torch_ops > 0
    # outside the block nothing is counted any more (the patches are undone)
    t.sum().item()
    assert sum(counters.syncs.values()) == 6
