"""The command-line flags every entry point shares, and the parse that allows ``key=value`` config overrides."""

from __future__ import annotations

import argparse

from ..common.errors import UsageError
from ..run import presets
from ..run.spec import DEFAULT_TASK


def add_common_args(parser: argparse.ArgumentParser, *, default_num_envs_help: str, task_help: str = "") -> None:
    """The flags every entry point takes; ``task_help`` given: ``--task`` defaults to None, explained by it."""
    parser.add_argument(
        "--task",
        default=None if task_help else DEFAULT_TASK,
        help=task_help or "task id (default: %(default)s)",
    )
    parser.add_argument("--num_envs", type=int, default=None, help=default_num_envs_help)
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the agent config's)")
    parser.add_argument(
        "--asset",
        default="ours",
        choices=("ours", "official"),
        help="robot asset: ours (bundled, offline; default) or official (Isaac Lab's robot configs, "
        "downloaded from its asset server)",
    )
    parser.add_argument(
        "--preset",
        default=None,
        metavar="NAME",
        help=f"run preset: NAME for config/NAME.yaml ({', '.join(presets.available())}; edit them there) or a path "
        "to a .yaml file; flags and key=value arguments given here win over it",
    )


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Parse known flags; the rest must be Hydra-style ``key=value`` overrides (e.g. ``physics=newton_mjwarp``).

    With ``--preset``, the preset's flag values become the defaults and ``args.preset`` is the loaded
    :class:`~.presets.Preset` (its config overrides are merged in :func:`resolve_configs`).
    """
    args, rest = parser.parse_known_args(argv)
    if getattr(args, "preset", None):
        preset = presets.load(args.preset)
        presets.apply_flag_defaults(parser, preset)
        args, rest = parser.parse_known_args(argv)
        args.preset = preset
    bad = [tok for tok in rest if tok.startswith("-") or "=" not in tok]
    if bad:
        raise UsageError(
            f"unrecognised argument(s) {' '.join(bad)}; see --help "
            "(config overrides are written key=value, e.g. physics=newton_mjwarp env.episode_length_s=10)"
        )
    return args, rest
