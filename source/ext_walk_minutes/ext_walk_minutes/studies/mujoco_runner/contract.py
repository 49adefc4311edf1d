"""The export contract ``policy.json`` and its ``policy.onnx``, read and checked: every mismatch is one
:class:`UsageError` naming the file and the fix (export again), before MuJoCo runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ...common.errors import UsageError

OBSERVED_TERMS = (
    "base_lin_vel",
    "base_ang_vel",
    "projected_gravity",
    "velocity_commands",
    "joint_pos",
    "joint_vel",
    "actions",
    "height_scan",
)
"""Observation terms the MuJoCo runner builds (the height scan from the contract's ray pattern)."""
CONTRACT_KEYS = ("drive", "robot", "commands", "stiffness", "action", "observation")
"""Keys a sim-to-sim contract has (an older export lacks some)."""


def load_contract(policy_dir: Path) -> dict[str, Any]:
    """``policy.json`` of ``policy_dir``; a :class:`UsageError` names what is missing."""
    check_policy_files(policy_dir)
    contract = read_json(policy_dir / "policy.json")
    missing = [k for k in CONTRACT_KEYS if k not in contract]
    if missing or None in contract["stiffness"] or contract["robot"].get("description") is None:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} predates the sim-to-sim contract (no "
            f"{', '.join(missing) or 'PD gains or robot'}); export it again with play.py --export"
        )
    check_observation(contract, policy_dir)
    return contract


def check_policy_files(policy_dir: Path) -> None:
    """One error line when ``policy_dir`` is not a folder holding ``policy.onnx`` and ``policy.json``."""
    if not policy_dir.is_dir():
        raise UsageError(f"--policy: no folder {policy_dir} (give the folder play.py --export wrote policy.onnx to)")
    for name in ("policy.onnx", "policy.json"):
        if not (policy_dir / name).is_file():
            raise UsageError(
                f"--policy: {policy_dir} has no {name}; export one with "
                "`python scripts/play.py --task ... --checkpoint ... --export`"
            )


def check_observation(contract: dict[str, Any], policy_dir: Path) -> None:
    """One error line when the policy observes a term the runner does not build, or a height scan without rays."""
    if unknown := [t["name"] for t in contract["observation"]["terms"] if t["name"] not in OBSERVED_TERMS]:
        raise UsageError(
            f"the policy observes {', '.join(unknown)}, which sim2sim does not build yet (it builds "
            f"{', '.join(OBSERVED_TERMS)})"
        )
    if any(t["name"] == "height_scan" for t in contract["observation"]["terms"]) and not contract.get("height_scan"):
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} has a height_scan term but no ray pattern; export "
            "it again with play.py --export"
        )


def read_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; a :class:`UsageError` for a file cut short or not JSON."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise UsageError(f"--policy: {path} is unreadable ({exc}); export it again with play.py --export") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"--policy: {path} is not a policy contract (a JSON object); export it again with play.py --export"
        )
    return data


def check_robot(contract: dict[str, Any], policy_dir: Path) -> None:
    """One error line when the contract's robot is not one we describe, or lacks the joints its policy drives
    (a policy.json edited or copied from another export)."""
    from ...robots import DESCRIPTIONS

    robot = contract["robot"]
    sets = DESCRIPTIONS.get(robot["description"])
    if sets is None or robot.get("collision_set") not in sets:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} names robot {robot['description']!r} with collision set "
            f"{robot.get('collision_set')!r}, which is not one of ours ({', '.join(DESCRIPTIONS)}); export it "
            "again with play.py --export"
        )
    joints = {joint.name for joint in sets[robot["collision_set"]].joints}
    missing = [name for name in contract["action"]["joint_names"] if name not in joints]
    if missing:
        raise UsageError(
            f"--policy: {policy_dir / 'policy.json'} drives joints {', '.join(missing[:4])} that robot "
            f"{robot['description']} does not have (policy.json and policy.onnx of different exports?); export "
            "them again together with play.py --export"
        )


def onnx_policy(policy_dir: Path):
    """``policy.onnx`` as a function (batch, obs) float array -> (batch, actions) array."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    path = policy_dir / "policy.onnx"
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own errors (InvalidProtobuf, Fail, ...) share no base class but this
        raise UsageError(
            f"--policy: {path} is unreadable ({type(exc).__name__}); export it again with play.py --export"
        ) from None
    name = session.get_inputs()[0].name
    return lambda obs: session.run(None, {name: obs.astype(np.float32)})[0].astype(np.float64)


def check_policy_fits(policy, contract: dict[str, Any], policy_dir: Path) -> None:
    """One error line when ``policy`` (from :func:`onnx_policy`) does not take the contract's observation or
    give its actions (policy.onnx and policy.json of different exports)."""
    sizes = contract["observation"]["size"], contract["action"]["size"]
    try:
        out = policy(np.zeros((1, sizes[0])))
    except Exception as exc:  # onnxruntime's shape errors
        raise UsageError(
            f"--policy: policy.onnx in {policy_dir} does not take policy.json's {sizes[0]} observations "
            f"({type(exc).__name__}); export them again together with play.py --export"
        ) from None
    if out.shape != (1, sizes[1]):
        raise UsageError(
            f"--policy: policy.onnx in {policy_dir} gives {out.shape[-1]} actions, policy.json drives {sizes[1]} "
            "joints; export them again together with play.py --export"
        )
