"""Start-up: Python's full collections paused until the first iteration, then on again, the collector left as it
was found when the main returns; a script's process ends without the shutdown's collections; a module a dependency
imports but a run may not use (wandb) is imported on its first use."""

from __future__ import annotations

import gc
import inspect
import subprocess
import sys

import pytest

from ext_walk_minutes.common import startup
from helpers import REPO


def test_collector_paused_until_setup_done_then_as_found():
    thresholds = gc.get_threshold()
    with startup.collector_paused():
        assert gc.get_threshold()[:2] == thresholds[:2] and gc.get_threshold()[2] > 10**6  # young ones go on
        startup.setup_done()
        assert gc.get_threshold() == thresholds and gc.get_freeze_count() > 0
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0  # what was frozen is collectable again


def test_a_main_that_fails_during_setup_leaves_the_collector_as_found():
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError), startup.collector_paused():
        startup.pause_collector()  # the script paused first: one pause
        raise RuntimeError("the env failed to build")
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0


def test_exit_uncollected_keeps_the_status_and_runs_atexit_functions():
    code = (
        "import atexit\nfrom ext_walk_minutes.common.startup import exit_uncollected\n"
        "atexit.register(print, 'atexit ran')\nexit_uncollected(3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 3 and proc.stdout == "atexit ran\n", proc.stderr


def test_a_module_imported_in_the_block_runs_on_first_use(tmp_path, monkeypatch):
    (tmp_path / "probe_module.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w').close()\nVALUE = 7\n")
    monkeypatch.syspath_prepend(tmp_path)
    monkeypatch.delitem(sys.modules, "probe_module", raising=False)
    with startup.imported_on_first_use("probe_module"):
        import probe_module

        inspect.getmodule(test_exit_uncollected_keeps_the_status_and_runs_atexit_functions)  # asks every module
    assert not (tmp_path / "ran").exists() and "probe_module" not in sys.modules
    assert probe_module.VALUE == 7 and (tmp_path / "ran").exists()
    assert sys.modules["probe_module"].VALUE == 7  # the real module, imported once


def test_the_rsl_rl_runtime_leaves_wandb_unimported():
    code = "import sys, ext_walk_minutes.rl.backends._rsl_rl_runner\nprint('wandb' in sys.modules)\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stderr[-2000:]


@pytest.mark.slow
def test_a_training_run_has_no_full_collection_before_its_first_iteration(tmp_path, monkeypatch, capsys):
    """A real run: no full collection between the start of ``main`` and the first progress line (young ones go on),
    the thresholds restored and nothing left frozen once ``main`` returned."""
    from ext_walk_minutes.cli import train as train_cli

    monkeypatch.chdir(tmp_path)
    thresholds = gc.get_threshold()
    collections = []
    first_line = []

    def collection_seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append((info["generation"], bool(first_line)))

    real_setup_done = startup.setup_done

    def setup_done() -> None:
        first_line.append(True)
        real_setup_done()

    monkeypatch.setattr("ext_walk_minutes.rl.progress.setup_done", setup_done)
    gc.callbacks.append(collection_seen)
    try:
        assert train_cli.main(["--device", "cpu", "--num_envs", "1", "--max_iterations", "2"]) == 0
    finally:
        gc.callbacks.remove(collection_seen)
    assert "] it 2/2 |" in capsys.readouterr().out
    assert first_line and not [gen for gen, after in collections if gen == 2 and not after], collections
    assert [gen for gen, after in collections if not after], "no young collection during the set-up"
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
