"""Run presets: ``--preset NAME`` reads ``config/NAME.yaml`` of the repository (or a ``.yaml`` path) before the
command line.

A preset file is a YAML mapping of

* ``task``, ``agent``, ``num_envs``, ``max_iterations``, ``device``, ``seed``, ``timeout_bootstrap``: new
  defaults for the command-line flags of the same name;
* ``env.<field>`` and ``agent.<field>`` keys (dotted, or nested mappings under ``env``/``agent``): Isaac Lab's
  Hydra-style ``key=value`` overrides;
* ``rsl_rl:`` and ``skrl:`` sections of ``agent.<field>`` keys that apply to that backend only (their agent
  configs have different fields, e.g. the rollout length is ``agent.num_steps_per_env`` for rsl-rl and
  ``agent.agent.rollouts`` for skrl).

Flags given on the command line and ``key=value`` arguments win over the preset.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..common.errors import UsageError
from ..rl import backends


def _preset_dir() -> Path:
    """The repository's top-level ``config/`` (a checkout, or an editable install of it); in an installed wheel,
    where there is no repository, the copy the wheel ships as package data (``ext_walk_minutes/config/``)."""
    package = Path(__file__).resolve().parents[1]
    shipped = package / "config"
    return shipped if shipped.is_dir() else package.parents[2] / "config"


PRESET_DIR = _preset_dir()
"""The shipped presets: the repository's top-level ``config/``, where a user looks for and edits them (or the
wheel's copy of it)."""

FLAG_KEYS = ("task", "agent", "num_envs", "max_iterations", "device", "seed", "timeout_bootstrap")
CONFIG_ROOTS = ("env", "agent")


@dataclass
class Preset:
    """A preset file's content, split into flag defaults and config overrides."""

    name: str
    path: Path | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    backend_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


def available() -> list[str]:
    """Names of the shipped presets."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for key, sub in value.items():
            _flatten(f"{prefix}.{key}", sub, out)
    else:
        out[prefix] = value


def _config_keys(data: Mapping, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if str(key).split(".")[0] not in CONFIG_ROOTS:
            raise UsageError(
                f"{where}: unknown key '{key}'; a preset sets {', '.join(FLAG_KEYS)}, "
                f"env.* / agent.* config fields, or {' / '.join(backends.names())} sections"
            )
        _flatten(str(key), value, out)
    return out


def load(spec: str) -> Preset:
    """Read the preset ``spec``: a shipped preset's name or a path to a ``.yaml`` file."""
    path = Path(spec) if spec.endswith((".yaml", ".yml")) else PRESET_DIR / f"{spec}.yaml"
    if not path.is_file():
        raise UsageError(
            f"unknown preset '{spec}'; choose one of: {', '.join(available())} "
            f"(files in {PRESET_DIR}) or pass a .yaml file"
        )
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise UsageError(
            f"preset file '{path}' is not valid YAML ({getattr(exc, 'problem', None) or 'unreadable'}{where}); fix it"
        ) from None
    if not isinstance(data, Mapping):
        raise UsageError(f"preset file '{path}' must hold a mapping of keys to values")
    preset = Preset(name=path.stem, path=path)
    config: dict[str, Any] = {}
    for key, value in data.items():
        if key in FLAG_KEYS:
            preset.flags[key] = value
        elif key in backends.names():
            if not isinstance(value, Mapping):
                raise UsageError(f"preset '{path}': section '{key}' must be a mapping of agent.* keys")
            preset.backend_overrides[key] = _config_keys(value, f"preset '{path}', section {key}")
        else:
            config[key] = value
    preset.overrides = _config_keys(config, f"preset '{path}'")
    return preset


def apply_flag_defaults(parser: argparse.ArgumentParser, preset: Preset) -> None:
    """Make the preset's flag values the parser's defaults, so flags given on the command line still win."""
    actions = {action.dest: action for action in parser._actions}
    for key, value in preset.flags.items():
        if key in actions:
            check_flag_value(preset, actions[key], value)
    parser.set_defaults(**{key: value for key, value in preset.flags.items() if key in actions})


def check_flag_value(preset: Preset, action: argparse.Action, value: Any) -> None:
    """One error line naming the preset file when its value for a flag does not have the flag's type (argparse
    would blame the flag itself, which the user did not give)."""
    if action.type is None:
        return
    try:
        converted = action.type(value)
        # YAML gives numbers as numbers: 2.5 must not become 2, nor true 1
        fits = isinstance(value, str) or (not isinstance(value, bool) and converted == value)
    except (TypeError, ValueError):
        fits = False
    if not fits:
        kind = {int: "an integer", float: "a number"}.get(action.type, action.type.__name__)
        raise UsageError(
            f"preset file '{preset.path}': {action.dest} takes {kind} (got {value!r}); fix it in the preset file"
        )


def override_value(value: Any) -> str:
    """A YAML value written as the right-hand side of a Hydra ``key=value`` override."""
    return value if isinstance(value, str) else json.dumps(value)


def merged_overrides(
    preset: Preset | None, agent: str, command_line: Sequence[str], first: Sequence[str] = ()
) -> list[str]:
    """``first`` (a checkpoint's stored overrides), the preset's overrides for ``agent``, then the command line's: one
    ``key=value`` per key, the later winning."""
    merged: dict[str, str] = dict(token.split("=", 1) for token in first)
    if preset is not None:
        for key, value in {**preset.overrides, **preset.backend_overrides.get(agent, {})}.items():
            merged[key] = override_value(value)
    for token in command_line:
        key, value = token.split("=", 1)
        merged.pop(key, None)  # re-insert: the command line's order comes last
        merged[key] = value
    return [f"{key}={value}" for key, value in merged.items()]


_MISSING = object()
MISSING = _MISSING
"""What :func:`config_value` returns for a field that does not exist."""


def config_value(roots: Mapping[str, Any], key: str) -> Any:
    """The value of the dotted ``key`` (``env.<field>...`` or ``agent.<field>...``) in ``roots`` (``{"env": env_cfg,
    "agent": agent_cfg}``); :data:`MISSING` if there is no such field."""
    root, *parts = key.split(".")
    return _field(roots[root], parts) if root in roots else _MISSING


def _field(obj: Any, parts: list[str]) -> Any:
    """The value at the dotted path ``parts`` of a config (attributes, mapping keys, list indices); _MISSING if none."""
    for part in parts:
        if isinstance(obj, Mapping):
            obj = obj.get(part, _MISSING)
        elif isinstance(obj, (list, tuple)) and part.isdigit():
            obj = obj[int(part)] if int(part) < len(obj) else _MISSING
        else:
            obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def _fits(default: Any, text: str) -> bool:
    """Whether the override value ``text`` has the type of the field's ``default`` (numbers for a number, true or
    false for a flag; null for anything: it switches a term off). Other field types are not checked."""
    value = _yaml_value(text)
    if value is None or default is None:
        return True
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        try:
            float(text)  # Hydra's numbers, also those YAML reads as text (1e6)
        except ValueError:
            return False
    return True


def check_override_keys(task: str, env_cfg: Any, agent_cfg: Any, agent: str, overrides: Sequence[str]) -> None:
    """Reject ``env.*``/``agent.*`` overrides naming no field of the default configs, or with a value of the wrong
    type for a number or flag field.

    Isaac Lab adds a misspelt key as a new, unused attribute without a word, and a wrong-typed value fails deep
    inside the simulator or the optimiser; here both are one error before anything starts.
    """
    roots = {"env": env_cfg, "agent": agent_cfg}
    for token in overrides:
        key, text = token.split("=", 1)
        parts = key.split(".")
        if parts[0] not in roots or len(parts) < 2:
            continue
        default = _field(roots[parts[0]], parts[1:])
        if default is _MISSING:
            raise UsageError(
                f"config key '{key}' does not exist in the {parts[0]} config of {task} with --agent "
                f"{agent}; check its spelling (params/{parts[0]}.yaml of a run lists the fields)"
            )
        if not _fits(default, text):
            raise UsageError(f"config key '{key}' takes a {type(default).__name__} (default {default!r}), not '{text}'")
        if key == "env.scene.num_envs":
            raise UsageError(
                "set the number of robots with --num_envs N, not env.scene.num_envs (--num_envs, or "
                "its default, replaces it)"
            )


def summary(preset: Preset | None, settings: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """The resolved run settings: what ``resolved_config.yaml`` holds and the start of a run prints."""
    return {
        "preset": None if preset is None else preset.name,
        "preset_file": None if preset is None or preset.path is None else str(preset.path),
        **settings,
        "overrides": {key: _yaml_value(value) for key, value in (token.split("=", 1) for token in overrides)},
    }


def _yaml_value(text: str) -> Any:
    """``"2"`` -> 2, ``"false"`` -> False; text that is not a YAML scalar or list stays as it is."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def format_summary(resolved: Mapping[str, Any]) -> str:
    """``resolved`` as indented YAML lines for the console."""
    text = yaml.safe_dump(dict(resolved), sort_keys=False, default_flow_style=False).rstrip()
    return "\n".join(f"  {line}" for line in text.splitlines())


def write_summary(path: Path, resolved: Mapping[str, Any]) -> None:
    """Save ``resolved`` as YAML (``resolved_config.yaml`` in the run folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(dict(resolved), sort_keys=False, default_flow_style=False))
