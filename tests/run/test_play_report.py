"""``play.py --report``: the fixture policy's locomotion report, and a folder it cannot write refused up front."""

import json

import pytest

from helpers import FIXTURE_POLICY, run_script, usage_error

from ext_walk_minutes.cli.play import main


def test_unwritable_report_folder(tmp_path, capsys):
    """A --report folder that cannot be made is one error line, exit 2, before the simulator starts."""
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    line = usage_error(
        capsys, main, "--task", "Walk-Flat-AnymalC", "--checkpoint", str(FIXTURE_POLICY), "--report", str(blocker / "r")
    )
    assert "--report" in line and "cannot create" in line


@pytest.mark.slow
def test_fixture_report(tmp_path):
    """8 robots x 5 s of the fixture, with no --task and no key=value arguments (it carries its task and training
    physics): every section filled, figures written, values in a walking policy's range (the applied torque never
    exceeds the drive's limit: the recorder reads the clipped torque)."""
    out = tmp_path / "report"
    run_script(
        "play.py",
        "--checkpoint",
        str(FIXTURE_POLICY),
        "--num_envs",
        "8",
        "--steps",
        "250",
        "--report",
        str(out),
        cwd=tmp_path,
    )
    r = json.loads((out / "report.json").read_text())["Isaac Lab"]
    assert r["robots"] == 8 and abs(r["seconds"] - 5.0) < 1e-6
    t, g, e, s = r["tracking"], r["gait"], r["effort"], r["safety"]
    assert t["rmse_vx"] < 0.5 and t["within"] > 0.2
    assert 1.0 < g["touchdowns_per_second_mean"] < 6.0
    assert 0.3 < g["duty_factor_mean"] < 0.9
    assert 0.05 < g["air_time"]["median"] < 0.5
    assert g["slip_speed"]["mean"] < 0.5
    assert 0.0 < g["clearance"]["median"] < 0.3
    assert g["trot_index"] is not None
    assert 0.2 < e["torque_peak_of_limit"] <= 1.0 + 1e-3
    assert 0.1 < e["cost_of_transport"] < 5.0
    assert s["falls_per_robot_minute"] < 20
    text = (out / "report.md").read_text()
    assert "| metric | Isaac Lab |" in text
    for name in ("gait_diagram", "velocity", "torque_speed", "air_time"):
        assert (out / f"{name}.png").stat().st_size > 1000


@pytest.mark.slow
def test_recorder_reads_nothing_back_per_step():
    """The recorder keeps each step on the device: no host synchronisation from our code while recording (counted
    on CPU as tests/rl/test_sync_free.py does), and the one read at the end has every step."""
    import torch

    from ext_walk_minutes.studies.step_cost import StepCounters, package_dir
    from ext_walk_minutes.run.locomotion_recorder import LocomotionRecorder
    from ext_walk_minutes.run.spec import running_env
    from helpers import walk_run

    spec, configs = walk_run("Walk-Flat-AnymalC", 2, ["env.episode_length_s=0.1"])  # resets inside the record
    counters = StepCounters(package_dir())
    with running_env(spec, configs) as env:
        base = env.unwrapped
        recorder = LocomotionRecorder(base)
        actions = torch.zeros(base.num_envs, base.action_manager.total_action_dim, device=base.device)
        with counters.active():
            for _ in range(8):
                command = base.command_manager.get_command("base_velocity").clone()
                _, _, terminated, truncated, _ = base.step(actions)
                recorder.record(command, terminated, truncated)
        recording = recorder.recording()
    assert sum(counters.syncs.values()) > 0 or counters.torch_ops > 0  # the counters saw the steps
    assert not counters.our_syncs, counters.our_sync_sites
    assert recording.contact.shape == (8, 2, 4) and recording.torque.shape == (8, 2, 12)
    assert recording.ended.any()  # 5-step episodes: a reset was recorded
    assert sorted(recording.feet) == ["LF_FOOT", "LH_FOOT", "RF_FOOT", "RH_FOOT"]
