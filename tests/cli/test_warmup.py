"""scripts/warmup.py: one short iteration per task fills the Warp kernel cache (CPU, existing cache)."""

from __future__ import annotations

import re

import pytest

from helpers import SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow  # one iteration per task


def test_warmup_runs_each_task_and_reports_the_cache(tmp_path):
    proc = run_script(
        "warmup.py", "--task", "Walk-Flat-AnymalC", "--device", "cpu", "--num_envs", "2", *SMALL_TERRAIN, cwd=tmp_path
    )
    assert re.search(r"\[warmup\] Walk-Flat-AnymalC on cpu: \d+\.\d s", proc.stdout), proc.stdout[-2000:]
    cache = re.search(r"\[warmup\] kernel cache (\S+): (\d+) files", proc.stdout)
    assert cache and int(cache.group(2)) > 0


def test_warmup_rejects_an_unknown_task(tmp_path):
    proc = run_script("warmup.py", "--task", "Walk-Flat-AnymalC,Walk-Moon", cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines()[-1].startswith("error: unknown task 'Walk-Moon'")
