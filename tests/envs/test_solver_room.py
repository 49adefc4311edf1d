"""A training run whose MuJoCo Warp room overflows says so once per iteration, naming the setting to raise (the
excess contacts are dropped, so the robots would train on missing contacts without a word)."""

from __future__ import annotations

import re

import pytest

from helpers import run_script

pytestmark = pytest.mark.slow  # trains two iterations


def test_contact_overflow_is_one_warning_line_per_iteration_naming_the_setting(tmp_path):
    proc = run_script(
        "train.py",
        *("--num_envs", "2", "--max_iterations", "2", "--device", "cpu"),
        "env.sim.physics.solver_cfg.nconmax=2",  # room for 4 contacts: two robots standing on 8 feet overflow it
        cwd=tmp_path,
    )
    warnings = [line for line in proc.stdout.splitlines() if line.startswith("warning: MuJoCo Warp ran out of room")]
    assert len(warnings) == 2, proc.stdout[-3000:]  # one per iteration
    for line in warnings:
        (suggested,) = re.findall(r"env\.sim\.physics\.solver_cfg\.nconmax=(\d+)", line)
        assert int(suggested) > 2, line  # a larger room, in the override syntax the run itself accepted
