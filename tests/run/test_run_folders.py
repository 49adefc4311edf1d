"""Runs never share a folder: two runs started in the same second get two folders; an unwritable logs folder is
one error line before anything starts."""

from __future__ import annotations

import concurrent.futures
from datetime import datetime

import pytest

from ext_walk_minutes.run import folder as run_folder
from ext_walk_minutes.cli import train as train_cli
from helpers import SMALL_TERRAIN

pytestmark = pytest.mark.slow

FROZEN = datetime(2026, 11, 29, 23, 14, 52)


def test_racing_runs_get_distinct_folders(tmp_path):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        folders = list(pool.map(lambda _: run_folder.new_run_folder(tmp_path, FROZEN), range(8)))
    names = sorted(f.name for f in folders)
    assert names == sorted(["2026-11-29_23-14-52"] + [f"2026-11-29_23-14-52_{n}" for n in range(2, 9)])


def test_two_runs_in_the_same_second(tmp_path, monkeypatch):
    """Two real training runs whose clocks read the same second: each writes its own checkpoint and events."""

    class SameSecond(datetime):
        @classmethod
        def now(cls, tz=None):
            return FROZEN

    monkeypatch.setattr(run_folder, "datetime", SameSecond)
    monkeypatch.chdir(tmp_path)
    parent = tmp_path / "logs" / "rsl_rl" / "Walk-Flat-AnymalC"
    contents = []
    for seed in ("1", "2"):
        assert (
            train_cli.main(
                ["--device", "cpu", "--num_envs", "2", "--max_iterations", "1", "--seed", seed, *SMALL_TERRAIN]
            )
            == 0
        )
        contents.append({run.name: sorted(p.name for p in run.iterdir()) for run in parent.iterdir()})
    first, both = contents
    assert list(first) == ["2026-11-29_23-14-52"]
    assert sorted(both) == ["2026-11-29_23-14-52", "2026-11-29_23-14-52_2"]
    assert both["2026-11-29_23-14-52"] == first["2026-11-29_23-14-52"]  # the second run wrote nothing there
    for files in both.values():
        assert "model_0.pt" in files and any(f.startswith("events.out.tfevents.") for f in files), files
    empty = [str(p.relative_to(parent)) for p in parent.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert not empty, f"empty folders in the run folders (rsl-rl's git/ without a diff?): {empty}"


@pytest.mark.parametrize("agent", ["rsl_rl", "skrl"])
def test_unwritable_logs_folder_is_one_line_and_no_run(tmp_path, monkeypatch, capsys, agent):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "logs").write_text("a file where the logs folder should be")
    assert train_cli.main(["--device", "cpu", "--num_envs", "2", "--agent", agent, *SMALL_TERRAIN]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: cannot create the run folder under 'logs/") and "\n" not in err, err
