"""What a checkpoint was trained with, stored in the checkpoint file itself: its task, PPO backend, the run's
``key=value`` overrides (preset and command line, resolved) and its physics settings.

A single ``.pt`` copied out of its run folder still knows how to rebuild its robot: play, evaluate, export and
``train --resume`` apply the stored settings first, then the preset's and the command line's (which win). The
physics settings are pinned by value, so a policy keeps its training physics when the tasks' defaults change later.

Where: rsl-rl checkpoints keep it in ``infos`` (rsl-rl's own slot for what a run saves beside the networks), skrl
checkpoints as a top-level entry of their dict. It holds plain values only: checkpoints are loaded ``weights_only``.
A checkpoint from before (or written by another program) falls back to its run folder's ``run.json`` and
``resolved_config.yaml``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..rl.checkpoint_files import TRAINED_CONFIG_KEY
from . import presets

KEY = TRAINED_CONFIG_KEY
"""The checkpoint entry (rsl-rl: ``infos[KEY]``; skrl: ``[KEY]``)."""

PHYSICS_KEYS = (
    "env.sim.dt",
    "env.decimation",
    "env.sim.physics.num_substeps",
    "env.scene.robot.spawn.collision_set",
    "env.scene.robot.spawn.joint_limits",
    "env.events.physics_material.params.friction_range",
)
"""Config fields a policy is sensitive to and the tasks' defaults have changed before: pinned by value."""


def add_flag(parser: argparse.ArgumentParser, what: str) -> None:
    """``--trained-config / --no-trained-config`` (default on) for an entry point that loads a checkpoint."""
    parser.add_argument(
        "--trained-config",
        "--trained_config",
        dest="trained_config",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=f"rebuild the config {what} was trained with (its task, overrides and physics, stored in the "
        "checkpoint; default); key=value arguments and --preset win over it. --no-trained-config: the task's "
        "current defaults",
    )


def record(task: str, agent: str, overrides: Sequence[str], env_cfg: Any, agent_cfg: Any) -> dict[str, Any]:
    """The entry saved with every checkpoint of a run: ``task``, ``agent``, ``overrides`` (``key=value`` strings, in
    the order applied) and ``physics`` (:data:`PHYSICS_KEYS` present in ``env_cfg``, as plain values)."""
    roots = {"env": env_cfg, "agent": agent_cfg}
    physics = {}
    for key in PHYSICS_KEYS:
        value = presets.config_value(roots, key)
        if value is not presets.MISSING:
            physics[key] = _plain(value)
    return {"task": task, "agent": agent, "overrides": list(overrides), "physics": physics}


def _plain(value: Any) -> Any:
    """A config value as YAML/JSON plain data (tuples become lists)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def in_checkpoint(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The entry of a loaded checkpoint dict (either backend's place), or None."""
    found = data.get(KEY)
    infos = data.get("infos")
    if found is None and isinstance(infos, Mapping):
        found = infos.get(KEY)
    return dict(found) if isinstance(found, Mapping) and isinstance(found.get("task"), str) else None


def of_checkpoint(checkpoint: Path, data: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """What ``checkpoint`` was trained with: the entry in the file (``data``: the file already loaded), else its
    run folder's ``run.json`` (task, library) and ``resolved_config.yaml`` (overrides; no physics); None if
    neither says."""
    if data is None:
        from ..rl.checkpoint_files import load_checkpoint

        data = load_checkpoint(checkpoint)
    found = in_checkpoint(data)
    if found is not None:
        return found
    for folder in (checkpoint.parent, checkpoint.parent.parent):  # rsl-rl: beside it; skrl: one folder up
        if (folder / "run.json").is_file():
            return _from_run_folder(folder)
    return None


def _from_run_folder(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / "run.json").read_text())
        resolved = folder / "resolved_config.yaml"
        overrides = (yaml.safe_load(resolved.read_text()) or {}).get("overrides") or {} if resolved.is_file() else {}
    except (OSError, ValueError, yaml.YAMLError, AttributeError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("task"), str):
        return None
    tokens = [f"{key}={presets.override_value(value)}" for key, value in dict(overrides).items()]
    return {"task": manifest["task"], "agent": manifest.get("library"), "overrides": tokens, "physics": {}}


def overrides_of(entry: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The ``key=value`` overrides that rebuild ``entry``'s config: the physics pins, then the run's overrides."""
    if entry is None:
        return ()
    physics = entry.get("physics") or {}
    pins = [f"{key}={_override_text(value)}" for key, value in physics.items()]
    return (*pins, *(str(token) for token in entry.get("overrides") or ()))


def _override_text(value: Any) -> str:
    """A plain value as the right-hand side of a ``key=value`` override, without spaces (``[1.0,1.25]``)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def fitting(stored: Sequence[str], given: Sequence[str], env_cfg: Any, agent_cfg: Any) -> tuple[list[str], list[str]]:
    """Of the ``stored`` overrides, ``(kept, left out)``: left out are those that name no field of the configs as
    chosen now (e.g. a Newton solver setting under ``physics=ovphysx``) and are not among the ``given`` ones."""
    roots = {"env": env_cfg, "agent": agent_cfg}
    given_keys = {token.split("=", 1)[0] for token in given}
    kept, left_out = [], []
    for token in stored:
        key = token.split("=", 1)[0]
        root = key.split(".")[0]
        absent = root in roots and "." in key and presets.config_value(roots, key) is presets.MISSING
        (left_out if absent and key not in given_keys else kept).append(token)
    return kept, left_out


def applied(entry: Mapping[str, Any] | None, use: bool) -> str:
    """What the run takes from ``entry`` (``use``: ``--trained-config``), in one line for the console."""
    if entry is None:
        return "trained config: none stored with the checkpoint (the task's current defaults)"
    stored = " ".join(overrides_of(entry)) or "the task's defaults"
    if not use:
        return f"trained config not applied (--no-trained-config; it was trained with {stored})"
    return f"trained config: {stored} (key=value arguments win; --no-trained-config: the task's current defaults)"
