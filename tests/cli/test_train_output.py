"""A first CPU run as a new user starts it: a few lines before the first iteration (the libraries' set-up output goes
to the run folder's setup.log), a first line saying what a CPU run shows, and a progress line that shows learning
signals from the first iteration with ``-`` (not ``nan``) where no episode ended."""

from __future__ import annotations

import re

import pytest

from helpers import run_script

pytestmark = pytest.mark.slow  # builds an env and trains one iteration

PROGRESS = re.compile(
    r"\] it 1/1 \| [\d,]+ env-steps/s \| ETA [\d:]+ \| tracking xy (\d+)% yaw (\d+)% \| ended (\d+), fell (\d+%|-) \| "
    r"ep len (\d+|-) \| reward (-?[\d.]+|-) \| terrain level -$"
)


def test_a_small_cpu_run_is_quiet_and_shows_learning(tmp_path):
    proc = run_script("train.py", "--num_envs", "4", "--max_iterations", "1", "--device", "cpu", cwd=tmp_path)
    out = proc.stdout.splitlines()
    first = next(i for i, line in enumerate(out) if "] it 1/1 |" in line)
    # stderr holds Warp's no-CUDA notice on a machine without a GPU, and no warnings
    assert not [line for line in proc.stderr.splitlines() if not line.startswith("Warp CUDA warning")], proc.stderr
    assert first + len(proc.stderr.splitlines()) <= 20, "\n".join(out[:first])
    assert out[1].startswith("[train] on CPU:") and "needs a GPU" in out[1] and "s per iteration" in out[1]
    progress = PROGRESS.search(out[first])
    assert progress, out[first]
    assert 0 < int(progress[1]) <= 100 and 0 < int(progress[2]) <= 100  # a random policy tracks a little already
    assert (progress[3] == "0") == (progress[4] == "-") == (progress[5] == "-")
    assert "nan" not in proc.stdout
    (run,) = (tmp_path / "logs" / "rsl_rl" / "Walk-Flat-AnymalC").iterdir()
    setup = (run / "setup.log").read_text()
    assert "Parsing configuration from" in setup and "Active Reward Terms" in setup and "Actor Model" in setup
    # the checkpoint's number is rsl-rl's (iterations from 0), and the last line says so
    assert out[-1].startswith(f"[train] done: checkpoint {run / 'model_0.pt'}") and "'it N+1'" in out[-1]
