"""scripts/check_gpu.py --quick on CPU: every stage's code path runs, the table, report, JSON and docs table are
written; the stage cap stops a child cleanly; bad arguments get one error line."""

from __future__ import annotations

import json
import sys

import pytest

from ext_walk_minutes.studies import check_gpu
from helpers import run_script

pytestmark = pytest.mark.slow  # runs check_gpu.py's stages in child processes

ALL_STAGES = [stage.key for stage in check_gpu.STAGES]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One ``--quick`` run of every stage on the CPU, with ``--append-docs`` into a copy of no docs file."""
    work = tmp_path_factory.mktemp("check_gpu")
    proc = run_script(
        "check_gpu.py",
        "--quick",
        "--device",
        "cpu",
        "--out",
        str(work / "out"),
        "--append-docs",
        str(work / "benchmarks.md"),
        cwd=work,
        timeout=1800,
    )
    return work, proc, json.loads((work / "out" / "check_gpu.json").read_text())


def _rows(report: dict, key: str) -> list[dict]:
    (stage,) = [s for s in report["stages"] if s["key"] == key]
    return stage["rows"]


def test_every_stage_runs_to_a_verdict(quick_run):
    _, proc, report = quick_run
    assert [s["key"] for s in report["stages"]] == ALL_STAGES
    assert report["quick"] and report["device"] == "cpu" and report["num_envs"] == 2
    for stage in report["stages"]:
        assert stage["rows"] and not stage["capped"], stage
        for row in stage["rows"]:
            # a crash or a failed child is a 'fail' row naming it: on CPU only the targets may fail
            assert "crashed" not in row["figure"] and "exit " not in row["figure"], row
            assert row["verdict"] in ("pass", "fail", "info") or row["verdict"].startswith("skipped: "), row
    assert "stage" in proc.stdout and "| verdict" in proc.stdout  # the console table


def test_stage_figures(quick_run):
    work, _, report = quick_run
    out = work / "out"
    startup = _rows(report, "startup")
    assert [r["figure"].split(":")[0] for r in startup] == ["cold", "warm"]
    assert all(r["value"] > 0 for r in startup) and startup[1]["threshold"] == "< 20 s"

    room = next(s for s in report["stages"] if s["key"] == "contact_room")["details"]
    for phase in ("random", "training"):  # the solver data was read every step and the robots touched the ground
        assert room[phase]["steps"] > 0 and room[phase]["contacts_max"] > 0 and room[phase]["rows_max"] > 0, room
        assert room[phase]["contact_room"] > 0 and room[phase]["row_room"] > 0
        assert room[phase]["flags"] == 0 and room[phase]["non_finite_resets"] == 0, room
    assert room["iterations"] == 1
    assert [r["verdict"] for r in _rows(report, "contact_room")].count("pass") == 4  # no overflow, no NaN, twice

    speed = _rows(report, "speed")  # --quick: flat only, 1 and 2 substeps (benchmark.py's measurement)
    assert len(speed) == 2 and all(r["value"] > 0 for r in speed)
    assert speed[0]["threshold"] == ">= 400,000" and "x of 1 substep" in speed[1]["figure"]

    (walk,) = _rows(report, "time_to_walk")
    assert walk["threshold"] == "<= 90 s" and (out / "time_to_walk" / "time_to_walk.png").exists()

    rough = _rows(report, "rough")
    assert rough[0]["figure"].startswith("2 iterations (finished)") and rough[0]["verdict"] == "pass"
    assert "terrain level" in rough[1]["figure"] and rough[2]["figure"].startswith("episode ends at the last iteration")

    warp = _rows(report, "warp")
    assert [r["verdict"] for r in warp] == ["pass", "skipped: needs CUDA"]  # --quick: flat only
    video, fixture = _rows(report, "video")
    assert video["verdict"] == "pass" and fixture["figure"].startswith("fixture policy on Newton (4 robots, 1 s)")
    assert 0 <= fixture["value"] < 1.0  # play.py's summary line was read: the policy tracks (m/s)
    assert (out / "video" / "walk.mp4").stat().st_size > 0
    assert [r["verdict"] for r in _rows(report, "skrl")] == ["pass"]
    # kit-less PhysX stops before the simulator without CUDA, and the stage with it
    (physx,) = _rows(report, "physx")
    assert physx["verdict"] == "skipped: needs CUDA" and "error: physics=ovphysx" in physx["figure"]


def test_report_and_docs_table(quick_run):
    work, _, report = quick_run
    text = (work / "out" / "check_gpu.md").read_text()
    assert "python scripts/check_gpu.py --quick --device cpu" in text
    assert "| stage | figure | threshold | verdict |" in text
    rows = sum(len(s["rows"]) for s in report["stages"])
    assert text.count("\n| ") == rows + 1  # header and one line per row
    docs = (work / "benchmarks.md").read_text()
    assert check_gpu.DOCS_SECTION in docs and report["device_name"] in docs
    assert docs.count("\n| ") == rows + 1


def test_a_child_is_stopped_cleanly_at_its_cap(tmp_path):
    """At the cap the child gets SIGTERM (train.py and play.py save and exit 143), and its output is kept."""
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, lambda *_: (print('saved', flush=True), sys.exit(143)))\n"
        "print('started', flush=True)\n"
        "time.sleep(60)\n"
    )
    run = check_gpu.run_child([sys.executable, "-c", script], tmp_path / "c.log", 3.0, None, tmp_path)
    assert run.capped and run.returncode == 143 and run.seconds < 30
    assert run.text().splitlines()[-2:] == ["started", "saved"]
    done = check_gpu.run_child([sys.executable, "-c", "print('ok')"], tmp_path / "d.log", 30.0, None, tmp_path)
    assert not done.capped and done.returncode == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--stages", "speed,warp9"], "--stages: unknown warp9"),
        (["--cap", "speed=0"], "--cap speed=0: write STAGE=SECONDS"),
        (["--cap", "nope=5"], "--cap nope=5"),
        (["--num_envs", "0"], "--num_envs must be at least 1"),
        (["env.scene.num_envs=3"], "takes no config overrides"),
    ],
)
def test_bad_arguments_get_one_error_line(tmp_path, capsys, argv, message):
    assert check_gpu.main(["--device", "cpu", "--out", str(tmp_path / "out"), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [line for line in err if line.startswith("error:")] == err[-1:] and message in err[-1], err
    assert not (tmp_path / "out").exists()  # checked before anything is written
