"""No empty ``git/`` folder in an rsl_rl run folder: rsl-rl makes it for the diffs of the code's git checkouts, and
where the code is installed from wheels (no checkout above rsl-rl or this package) it stayed empty in every run.

In this repository both are inside the checkout, so a training run here always has a diff to store; the test puts
rsl-rl's own code-state step in the installed situation instead (a path outside any checkout)."""

from __future__ import annotations

from rsl_rl.utils.logger import Logger

from ext_walk_minutes.rl.backends import _rsl_rl_runner


def test_git_folder_without_a_checkout_is_removed(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    logger = Logger(str(run), {"algorithm": {}}, {}, 1, False, 1, 0, "cpu")
    logger.disable_logs = False
    logger.git_status_repos = [str(tmp_path)]  # /tmp/...: no git checkout above it
    logger._store_code_state()
    assert (run / "git").is_dir() and not any((run / "git").iterdir())  # what rsl-rl leaves
    _rsl_rl_runner._remove_empty_git_folder(str(run))
    assert list(run.iterdir()) == []


def test_git_folder_with_a_diff_is_kept(tmp_path):
    (tmp_path / "git").mkdir()
    (tmp_path / "git" / "main.diff").write_text("--- git commit ---\n")
    _rsl_rl_runner._remove_empty_git_folder(str(tmp_path))
    assert (tmp_path / "git" / "main.diff").is_file()
