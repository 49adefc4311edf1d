"""Training that diverges stops with one error line and leaves only finite checkpoints; a NaN policy fails the
export check."""

from __future__ import annotations

import math

import pytest
import torch

from ext_walk_minutes.cli.play import exports_match
from helpers import SMALL_TERRAIN, run_script

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("agent", "learning_rate"), [("rsl_rl", "agent.algorithm.learning_rate"), ("skrl", "agent.agent.learning_rate")]
)
def test_a_diverging_run_stops_with_one_line(tmp_path, agent, learning_rate):
    proc = run_script(
        "train.py",
        "--agent",
        agent,
        "--device",
        "cpu",
        "--num_envs",
        "4",
        "--max_iterations",
        "6",
        *SMALL_TERRAIN,
        f"{learning_rate}=1e6",
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: training diverged at iteration ") and "learning rate too high" in last, last
    for checkpoint in (tmp_path / "logs").rglob("*.pt"):  # what is left is finite: latest is not poisoned
        tensors = [t for t in _tensors(torch.load(checkpoint, weights_only=True)) if t.is_floating_point()]
        assert tensors and all(torch.isfinite(t).all() for t in tensors), checkpoint


def _tensors(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _tensors(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _tensors(value)


def test_export_check_fails_on_nan():
    assert exports_match({"torchscript": 0.0, "onnx": 1e-7})
    assert not exports_match({"torchscript": math.nan, "onnx": 0.0})  # NaN > tolerance is False: not a pass
    assert not exports_match({"torchscript": 0.0, "onnx": 1e-3})
