"""Test set-up: real Isaac Lab on Newton on CPU (see helpers.py for the shared helpers)."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: PPO updates crawl with 2 threads on 2 busy cores

import pytest

# The `slow` tier: tests that train in a subprocess, build several envs, or hold one for minutes. `./run test` runs
# everything (CI); `./run test -m "not slow"` is a developer's check in a few minutes on 2 cores (configs, units,
# terrain generation, errors, and the MDP terms on one shared env). Node-id prefixes, relative to the repository.
SLOW = (
    "tests/studies/",  # each trains a policy first, then evaluates, sweeps or benchmarks it
    "tests/sim2sim/",
    "tests/docker/test_entrypoint.py",
    "tests/envs/test_walk_env.py",
    "tests/reliability/test_divergence.py",
    "tests/reliability/test_nan_robots.py",
    "tests/reliability/test_run_folders.py",
    "tests/reliability/test_signals.py",
    "tests/robots/test_robot_stability.py",
    "tests/robots/test_robot_standing.py",
    "tests/tasks/test_registration.py",
    "tests/tasks/test_robot_training.py::test_one_ppo_iteration",
    "tests/train/test_bootstrap.py::test_rsl_rl",
    "tests/train/test_bootstrap.py::test_skrl",
    "tests/train/test_bootstrap_ablation.py",
    "tests/train/test_checkpoint_restore.py",
    "tests/train/test_distributed.py::test_two_cpu_processes",
    "tests/train/test_isaaclab_user.py",
    "tests/train/test_live_view.py",
    "tests/train/test_play_report.py::test_fixture_report",
    "tests/train/test_play_report.py::test_recorder_reads_nothing_back_per_step",
    "tests/train/test_sync_free.py::test_env_step_has_no_sync_from_our_code",
    "tests/train/test_sync_free.py::test_ppo_rollout_has_no_sync_from_our_code",
    "tests/train/test_train_play.py",
    "tests/train/test_video.py",
    "tests/train/test_wandb.py",
    "tests/train/test_warmup.py",
    "tests/warp/",  # a flat and a rough Warp-frontend env, one PPO iteration on the Warp frontend
)


def pytest_addoption(parser):
    group = parser.getgroup("order", "test order (no test may depend on another's state or order)")
    group.addoption("--reverse-order", action="store_true", help="run the collected tests in reverse order")
    group.addoption(
        "--shuffle-order",
        type=int,
        metavar="SEED",
        help="shuffle the tests within each file and the files themselves, seeded (a file's tests stay together, so "
        "each module-scoped env is still built once)",
    )


def pytest_collection_modifyitems(config, items):
    """Mark the tests under :data:`SLOW` with ``slow`` (registered in pyproject.toml); reorder them on request."""
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
    if config.getoption("--reverse-order"):
        items.reverse()
    seed = config.getoption("--shuffle-order")
    if seed is not None:
        import random

        rng = random.Random(seed)
        files: dict[str, list] = {}
        for item in items:
            files.setdefault(item.nodeid.split("::")[0], []).append(item)
        groups = list(files.values())
        rng.shuffle(groups)
        for group in groups:
            rng.shuffle(group)
        items[:] = [item for group in groups for item in group]
