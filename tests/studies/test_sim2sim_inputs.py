"""sim2sim.py turns policy files that do not fit together into one ``error:`` line, exit 2, before MuJoCo runs and
before its report folder is made: a policy.json or policy.onnx cut short, a policy.json naming another robot or
sizes its policy.onnx does not have (they were tracebacks, JSONDecodeError, InvalidProtobuf and KeyError, the robot
cases leaving an empty --out folder).

The first test needs no export; the others share one ``play.py --export`` of the fixture policy (slow tier)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ext_walk_minutes.studies import sim2sim
from helpers import FIXTURE_POLICY, REPO, usage_error


def test_truncated_contract(capsys, tmp_path):
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "policy.json").write_text('{"observation": {"size": 4')
    (folder / "policy.onnx").write_bytes(b"")
    err = usage_error(capsys, sim2sim.main, "--policy", str(folder), "--no-play", "--out", str(tmp_path / "out"))
    assert "policy.json is unreadable" in err and "play.py --export" in err
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A folder with the fixture policy's policy.onnx and policy.json (play.py --export, 1 robot, 1 step)."""
    run = tmp_path_factory.mktemp("export")
    shutil.copy(FIXTURE_POLICY, run / "model_192.pt")
    cmd = [sys.executable, str(REPO / "scripts" / "play.py"), "--checkpoint", str(run / "model_192.pt"), "--export"]
    done = subprocess.run(
        [*cmd, "--device", "cpu", "--num_envs", "1", "--steps", "1"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return run


def _variant(exported: Path, tmp_path: Path, contract_change=None, onnx_cut: bool = False) -> Path:
    folder = tmp_path / "policy"
    folder.mkdir()
    contract = json.loads((exported / "policy.json").read_text())
    if contract_change is not None:
        contract_change(contract)
    (folder / "policy.json").write_text(json.dumps(contract))
    onnx = (exported / "policy.onnx").read_bytes()
    (folder / "policy.onnx").write_bytes(onnx[: len(onnx) // 2] if onnx_cut else onnx)
    return folder


def _error(capsys, tmp_path: Path, folder: Path) -> str:
    err = usage_error(capsys, sim2sim.main, "--policy", str(folder), "--no-play", "--out", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists(), "an empty report folder was left"
    return err


@pytest.mark.slow
def test_truncated_onnx(capsys, tmp_path, exported):
    err = _error(capsys, tmp_path, _variant(exported, tmp_path, onnx_cut=True))
    assert "policy.onnx is unreadable" in err


@pytest.mark.slow
def test_contract_of_another_robot(capsys, tmp_path, exported):
    def a1(contract):
        contract["robot"]["description"] = "unitree_a1"

    err = _error(capsys, tmp_path, _variant(exported, tmp_path, a1))
    assert "that robot unitree_a1 does not have" in err and "LF_HAA" in err


@pytest.mark.slow
def test_contract_of_an_unknown_robot(capsys, tmp_path, exported):
    def spot(contract):
        contract["robot"]["description"] = "spot"

    assert "names robot 'spot'" in _error(capsys, tmp_path, _variant(exported, tmp_path, spot))


@pytest.mark.slow
def test_contract_sizes_the_onnx_does_not_have(capsys, tmp_path, exported):
    def fewer(contract):
        contract["observation"]["size"] -= 1

    assert "does not take policy.json's 47 observations" in _error(
        capsys, tmp_path, _variant(exported, tmp_path, fewer)
    )
