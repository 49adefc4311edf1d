"""Test set-up: real Isaac Lab on Newton on CPU (see helpers.py for the shared helpers)."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch: PPO updates crawl with 2 threads on 2 busy cores

# The `slow` tier: tests that train in a subprocess, build several envs, or hold one for minutes mark themselves:
# `pytestmark = pytest.mark.slow` at the top of a file that is slow throughout, `@pytest.mark.slow` on a test
# (the marker is registered in pyproject.toml). `./run test` runs everything (CI); `./run test -m "not slow"` is a
# developer's check in a few minutes on 2 cores (configs, units, terrain generation, errors, and the MDP terms on one
# shared env).


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
    """Reorder the collected tests on request."""
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
