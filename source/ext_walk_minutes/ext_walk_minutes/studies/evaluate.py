"""``scripts/evaluate.py``: success rate per terrain type and difficulty (the paper's Fig. 5).

A dedicated terrain has one column per requested type and ``--levels`` rows of increasing difficulty
(row ``i``: difficulty ``i / levels``, the training grid's row difficulty when ``levels`` is 10). With
``--max-difficulty D`` (or ``--beyond-training``, D = 1.75) the rows run evenly from 0 to D: past the
training grid's top row (d = 0.9) the tiles extrapolate its parameters linearly, so the paper's finding
that robots stop climbing slopes past 25 deg can show (d = 1.75: 35 deg slopes, 0.365 m steps, 0.40 m
obstacles). The figure marks the range of each parameter the policy trained on.
``--robots`` robots start at the centre of every tile, facing +x, with a forward command of 0.75 m/s,
a lateral command uniform in [-0.1, 0.1] m/s and heading 0. A robot **succeeds** when its base gets
beyond the tile's far edge (more than half a tile, 4 m, ahead of the centre along x) without a base
contact before; a robot that touches the ground with its base, or has not crossed after
``--duration`` seconds (default 1.5 x the 5.3 s a crossing takes at 0.75 m/s), fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from ..common.errors import UsageError, exit_on_usage_error
from ..terrains import column_types, level_difficulty, terrain_parameter
from ..run import trained_config
from ..run.policy import find_policy, running_policy
from ..device import resolve_device
from ..run.spec import Configs, RunSpec, check_task, resolve_configs, set_cpu_threads
from ..cli.flags import parse
from .outputs import output_dir, pyplot, report_header, save_figure, write_csv, write_report

DEFAULT_TASK = "Walk-Rough-AnymalC"
"""The task ``--checkpoint latest`` is looked up under, and evaluated on, without ``--task``."""
DEFAULT_TERRAINS = ("stairs_up", "stairs_down", "obstacles", "slope_up", "slope_down")
FORWARD_SPEED = 0.75  # m/s
LATERAL_SPEED = 0.1  # m/s, the lateral command is uniform in [-LATERAL_SPEED, LATERAL_SPEED]
TIME_MARGIN = 1.5  # default duration = TIME_MARGIN x (half a tile / FORWARD_SPEED)
BEYOND_TRAINING_DIFFICULTY = 1.75  # slope 0.4 d = 0.7 (35.0 deg), step 0.05 + 0.18 d = 0.365 m
MAX_DIFFICULTY_LIMIT = 2.5  # slope 1.0 (45 deg), steps 0.5 m: beyond, the tiles are walls


def row_difficulty_range(levels: int, max_difficulty: float | None) -> tuple[float, float]:
    """The generator's ``difficulty_range`` whose rows ``lower + (upper - lower) i / levels`` run from 0 to
    ``max_difficulty`` on the last row (``levels`` >= 2); ``(0, 1)`` (the training grid's) when it is None."""
    if max_difficulty is None:
        return 0.0, 1.0
    return 0.0, max_difficulty * levels / (levels - 1)


def configure_evaluation(
    env_cfg, terrains: list[str], levels: int, robots: int, duration_s: float, max_difficulty: float | None = None
) -> None:
    """Turn a rough task's env config into the evaluation set-up (see the module docstring).

    Args:
        env_cfg: the task's env config (play mode); changed in place.
        terrains: sub-terrain keys of the task's grid, one column each, in this order.
        levels: rows of increasing difficulty.
        robots: robots per tile; the env gets ``len(terrains) * levels * robots`` robots.
        duration_s: evaluation time; the episode is made longer so that no robot times out.
        max_difficulty: difficulty of the last row (rows evenly from 0); None: row ``i`` has ``i / levels``.
    """
    grid = env_cfg.scene.terrain.terrain_generator
    env_cfg.scene.terrain.terrain_generator = grid.replace(
        num_rows=levels,
        num_cols=len(terrains),
        curriculum=True,
        difficulty_range=row_difficulty_range(levels, max_difficulty),
        sub_terrains={name: grid.sub_terrains[name].replace(proportion=1.0) for name in terrains},
    )
    env_cfg.scene.num_envs = len(terrains) * levels * robots
    env_cfg.curriculum.terrain_levels = None  # robots stay on their tile
    env_cfg.episode_length_s = duration_s + 1.0
    # start exactly at the tile centre, facing +x, at rest, in the default joint pose
    env_cfg.events.reset_base.params["pose_range"] = {}
    env_cfg.events.reset_base.params["velocity_range"] = {}
    env_cfg.events.reset_robot_joints.params["position_range"] = (1.0, 1.0)
    env_cfg.events.push_robot = None
    cmd = env_cfg.commands.base_velocity
    cmd.ranges.lin_vel_x = (FORWARD_SPEED, FORWARD_SPEED)
    cmd.ranges.lin_vel_y = (-LATERAL_SPEED, LATERAL_SPEED)
    cmd.heading_command, cmd.rel_heading_envs, cmd.ranges.heading = True, 1.0, (0.0, 0.0)
    cmd.rel_standing_envs = 0.0
    cmd.resampling_time_range = (duration_s + 1.0, duration_s + 1.0)


def place_robots(env, robots: int) -> torch.Tensor:
    """Put robots ``[k * robots, (k + 1) * robots)`` on tile ``k`` (column-major: type, then level) and reset them.

    Returns the policy observation after the reset, shape (num_envs, obs_dim).
    """
    base = env.unwrapped
    terrain = base.scene.terrain
    levels = terrain.terrain_origins.shape[0]
    tile = torch.arange(base.num_envs, device=base.device) // robots
    terrain.terrain_types[:] = tile // levels
    terrain.terrain_levels[:] = tile % levels
    terrain.env_origins[:] = terrain.terrain_origins[terrain.terrain_levels, terrain.terrain_types]
    return env.reset()[0]["policy"]


class TileCrossing:
    """The success criterion: each robot either crosses its tile (success) or touches down with its base (failure).

    Call :meth:`update` after every env step. Outcomes are final once reached: a robot that crossed stays
    a success whatever happens after, one that had a base contact stays a failure (the env then resets it).
    """

    def __init__(self, env) -> None:
        base = env.unwrapped
        self.centre = base.scene.terrain.env_origins.clone()  # tile centres, (num_envs, 3) [m]
        self.half_tile = base.scene.terrain.cfg.terrain_generator.size[0] / 2  # m
        self.succeeded = torch.zeros(base.num_envs, dtype=torch.bool, device=base.device)
        self.failed = torch.zeros_like(self.succeeded)

    def update(self, env) -> None:
        """Score the state after the last step: base contact (the task's termination term), then the crossing."""
        base = env.unwrapped
        undecided = ~(self.succeeded | self.failed)
        contact = base.termination_manager.get_term("base_contact")
        self.failed |= undecided & contact
        ahead = base.scene["robot"].data.root_pos_w.torch[:, 0] - self.centre[:, 0]  # m along the walking direction
        self.succeeded |= undecided & ~contact & (ahead > self.half_tile)


def evaluate(env, act: Callable[[torch.Tensor], torch.Tensor], robots: int, steps: int) -> TileCrossing:
    """Place the robots, run ``act`` (observation -> action) for ``steps`` policy steps, return the outcomes."""
    obs = place_robots(env, robots)
    crossing = TileCrossing(env)
    for _ in range(steps):
        with torch.inference_mode():
            obs_dict, *_ = env.step(act(obs))
        obs = obs_dict["policy"]
        crossing.update(env)
        if bool((crossing.succeeded | crossing.failed).all()):
            break
    return crossing


def result_rows(env, crossing: TileCrossing, terrains: list[str]) -> list[dict]:
    """One row per tile type and level: difficulty, its physical parameter, robots, successes, base contacts."""
    terrain = env.unwrapped.scene.terrain
    grid = terrain.cfg.terrain_generator
    assert list(column_types(grid)) == terrains  # one column per requested type, in order
    rows = []
    for col, name in enumerate(terrains):
        for level in range(grid.num_rows):
            mine = (terrain.terrain_types == col) & (terrain.terrain_levels == level)
            difficulty = level_difficulty(level, grid)
            param = terrain_parameter(name, difficulty, grid)
            n = int(mine.sum())
            successes = int((crossing.succeeded & mine).sum())
            rows.append(
                {
                    "terrain": name,
                    "level": level,
                    "difficulty": round(difficulty, 4),
                    "parameter": param.name,
                    "value": round(param.value, 4),
                    "unit": param.unit,
                    "robots": n,
                    "successes": successes,
                    "base_contacts": int((crossing.failed & mine).sum()),
                    "success_rate": successes / n,
                }
            )
    return rows


def training_grid(spec: RunSpec):
    """The terrain generator config the task trains on (``spec`` without play mode: the play config shrinks the
    grid to fewer rows)."""
    return resolve_configs(dataclasses.replace(spec, play_mode=False)).env_cfg.scene.terrain.terrain_generator


def trained_values(training_grid, terrains: list[str]) -> dict[str, float]:
    """Per terrain type, its parameter on the training grid's top row (the largest the policy trained on; slopes
    in deg, heights in m)."""
    top = level_difficulty(training_grid.num_rows - 1, training_grid)
    return {name: terrain_parameter(name, top, training_grid).value for name in terrains}


def figure(rows: list[dict], title: str, trained: dict[str, float] | None = None):
    """Success rate vs the terrain parameter, one curve per type; one panel per unit (heights in m, slopes in deg).

    ``trained`` (:func:`trained_values`) marks what the policy trained on: the panel is shaded up to the largest
    trained value and a dotted line in each curve's colour stands at its type's trained maximum.
    """
    plt = pyplot()
    units = list(dict.fromkeys(r["unit"] for r in rows))
    fig, axes = plt.subplots(1, len(units), figsize=(5.5 * len(units), 4), squeeze=False)
    for ax, unit in zip(axes[0], units):
        names = list(dict.fromkeys(r["terrain"] for r in rows if r["unit"] == unit))
        for name in names:
            mine = [r for r in rows if r["terrain"] == name]
            (line,) = ax.plot([r["value"] for r in mine], [r["success_rate"] for r in mine], "o-", label=name)
            if trained is not None:
                ax.axvline(trained[name], color=line.get_color(), linestyle=":", linewidth=1.2)
        if trained is not None:
            ax.axvspan(0.0, max(trained[name] for name in names), color="0.5", alpha=0.12, label="trained range")
        params = " / ".join(dict.fromkeys(r["parameter"] for r in rows if r["unit"] == unit))
        ax.set_xlabel(f"{params} [{unit}]")
        ax.set_ylabel("success rate")
        ax.set_ylim(-0.03, 1.03)
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def plot(rows: list[dict], path: Path, title: str, trained: dict[str, float] | None = None) -> None:
    """:func:`figure`, saved as the PNG ``path``."""
    save_figure(figure(rows, title, trained), path, title)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Extra key=value arguments are config overrides, as for train.py.",
    )
    parser.add_argument(
        "--task",
        default=None,
        help="a rough task (default: the checkpoint's, or the rough task of its robot for a flat policy, which "
        f"then walks blind with its own observations and networks; {DEFAULT_TASK} for --checkpoint latest)",
    )
    parser.add_argument(
        "--checkpoint",
        default="latest",
        help="'latest' (default), a run folder (timestamp or path) or a checkpoint file",
    )
    parser.add_argument("--agent", default=None, help="the PPO backend (default: the one that wrote the checkpoint)")
    trained_config.add_flag(parser, "the checkpoint")
    parser.add_argument(
        "--terrain",
        default=",".join(DEFAULT_TERRAINS),
        help="comma-separated terrain types (default: %(default)s; rough_slope also exists)",
    )
    parser.add_argument("--levels", type=int, default=10, help="difficulty rows, d = i / levels (default: 10)")
    parser.add_argument(
        "--max-difficulty",
        "--max_difficulty",
        dest="max_difficulty",
        type=float,
        default=None,
        help="difficulty of the last row, rows evenly from 0; above the training grid's 0.9 the "
        f"tiles extrapolate (at most {MAX_DIFFICULTY_LIMIT})",
    )
    parser.add_argument(
        "--beyond-training",
        "--beyond_training",
        dest="beyond_training",
        action="store_true",
        help=f"--max-difficulty {BEYOND_TRAINING_DIFFICULTY}: slopes to 35 deg, steps to 0.365 m, obstacles to 0.40 m",
    )
    parser.add_argument("--robots", type=int, default=None, help="robots per tile (default: 50 on CUDA, 4 on CPU)")
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help=f"seconds per robot to cross (default: {TIME_MARGIN} x half a tile / {FORWARD_SPEED} m/s)",
    )
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument("--seed", type=int, default=None, help="random seed (lateral commands, friction)")
    parser.add_argument("--out", default=None, help="output folder (default: logs/studies/evaluate/<timestamp>/)")
    return parser


def success_table(
    rows: list[dict], terrains: list[str], levels: int, trained: dict[str, float] | None = None
) -> list[str]:
    """Markdown table: success rate and the terrain's parameter value per type (rows) and level (columns); with
    ``trained`` (:func:`trained_values`) a ``*`` marks values beyond what the policy trained on."""
    lines = ["| terrain | " + " | ".join(f"level {i}" for i in range(levels)) + " |", "|---|" + "---|" * levels]
    for name in terrains:
        mine = [r for r in rows if r["terrain"] == name]
        # the rows' values are rounded to 4 decimals (result_rows): compare with the trained value rounded alike,
        # else the training grid's top row itself (19.7989 deg vs 19.79888 deg) would read as beyond it
        beyond = ["*" if trained is not None and r["value"] > round(trained[name], 4) + 1e-9 else "" for r in mine]
        lines.append(
            f"| {name} ({mine[0]['parameter']}, {mine[0]['unit']}) | "
            + " | ".join(f"{r['success_rate']:.0%} @ {r['value']:.3g}{b}" for r, b in zip(mine, beyond))
            + " |"
        )
    return lines


def max_difficulty(args: argparse.Namespace) -> float | None:
    """The last row's difficulty asked for (``--max-difficulty``, ``--beyond-training``), checked; None: the
    training grid's rows."""
    if args.beyond_training and args.max_difficulty is not None:
        raise UsageError("--beyond-training is --max-difficulty 1.75; give one of them")
    value = BEYOND_TRAINING_DIFFICULTY if args.beyond_training else args.max_difficulty
    if value is None:
        return None
    if not 0 < value <= MAX_DIFFICULTY_LIMIT or args.levels < 2:
        raise UsageError(
            f"--max-difficulty must be in (0, {MAX_DIFFICULTY_LIMIT}] with --levels 2 or more (got "
            f"{value}, --levels {args.levels})"
        )
    return value


def difficulty_text(rows: list[dict], training_grid, last_difficulty: float | None) -> str:
    """The report's sentence on the rows' difficulties and the trained range."""
    top = level_difficulty(training_grid.num_rows - 1, training_grid)
    if last_difficulty is None:
        return f"Rows d = i / {len(dict.fromkeys(r['level'] for r in rows))}, within training (d <= {top:g})."
    return (
        f"Rows d = 0 ... {last_difficulty:g} evenly; beyond the training grid's top row (d = {top:g}, marked * "
        "and outside the shaded range of the figure) the tile parameters extrapolate its linear mapping."
    )


def evaluation_task(requested: str | None, trained: dict | None) -> str:
    """``--task``, else the checkpoint's task if rough, else the rough task of its robot; a :class:`UsageError` for
    a task of another robot than the checkpoint's (its networks would not fit, or act wrongly)."""
    if trained is None:
        return requested or DEFAULT_TASK
    robot = trained["task"].split("-", 2)[-1]
    task = requested or f"Walk-Rough-{robot}"
    if task.split("-", 2)[-1] != robot:
        raise UsageError(
            f"the checkpoint was trained on {trained['task']}; evaluate it on a task of the same robot "
            f"(e.g. --task Walk-Rough-{robot}) or leave --task out"
        )
    check_task(task)
    return task


def with_policy_of(configs: Configs, trained_spec: RunSpec) -> Configs:
    """``configs`` (the evaluation task's) with the observations and agent config of the task the policy was trained
    on (``trained_spec``): a flat policy on the rough grid sees its 48 observations and has its own network sizes."""
    own = resolve_configs(trained_spec)
    configs.env_cfg.observations = own.env_cfg.observations
    return dataclasses.replace(configs, agent_cfg=own.agent_cfg)


PROTOCOL_KEYS = ("env.scene.terrain.", "env.curriculum.", "env.episode_length_s", "env.scene.num_envs")
"""Config the evaluation sets itself (grid, levels, episode length, robots): a checkpoint's stored overrides of these
(e.g. a small training grid) are not applied."""


def outside_protocol(stored: tuple[str, ...]) -> tuple[str, ...]:
    """The stored ``key=value`` overrides of a checkpoint that the evaluation keeps (robot, physics, agent)."""
    return tuple(token for token in stored if not token.split("=", 1)[0].startswith(PROTOCOL_KEYS))


def check_terrains(task: str, env_cfg, terrains: list[str]):
    """The task's terrain grid, checked to have a curriculum and the terrain types asked for (each with a
    physical parameter for the x axis)."""
    grid = env_cfg.scene.terrain.terrain_generator
    if grid is None or env_cfg.curriculum.terrain_levels is None:
        raise UsageError(
            f"task {task} has no terrain curriculum grid; evaluate a rough task (e.g. --task Walk-Rough-AnymalC)"
        )
    unknown = [t for t in terrains if t not in grid.sub_terrains]
    if unknown:
        raise UsageError(f"unknown terrain type(s) {', '.join(unknown)}; choose from {', '.join(grid.sub_terrains)}")
    for name in terrains:
        try:
            terrain_parameter(name, 0.0, grid)
        except ValueError as exc:
            raise UsageError(f"--terrain: {exc}") from None
    return grid


def evaluation_duration(requested: float | None, half_tile: float) -> float:
    """Seconds per robot to cross: ``requested``, or :data:`TIME_MARGIN` x the crossing time at the commanded
    speed; a :class:`UsageError` for a duration in which no robot could cross (every success count would be 0)."""
    crossing = half_tile / FORWARD_SPEED
    if requested is None:
        return TIME_MARGIN * crossing
    if requested < crossing:
        raise UsageError(
            f"--duration {requested:g} s is too short: crossing half a tile ({half_tile:g} m) at the commanded "
            f"{FORWARD_SPEED} m/s takes {crossing:.1f} s; give at least that (default {TIME_MARGIN * crossing:.1f} s)"
        )
    return requested


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """One evaluation as set up from the command line: the policy, its configs and the protocol's numbers."""

    spec: RunSpec
    configs: Configs
    """The evaluation task's configs, already turned into the protocol's set-up (:func:`configure_evaluation`)."""
    checkpoint: Path
    terrains: list[str]
    levels: int
    robots: int
    """Robots per tile."""
    duration_s: float
    half_tile: float
    """m: how far ahead of the tile centre a robot must get to succeed."""
    last_difficulty: float | None
    trained_grid: Any
    """The terrain generator config the task trains on."""
    trained: dict[str, float]
    """Per terrain type, the largest parameter value the policy trained on (:func:`trained_values`)."""

    @property
    def title(self) -> str:
        return f"{self.spec.task}, {self.spec.agent}, {self.robots} robots per tile, {FORWARD_SPEED} m/s forward"


def terrains_and_robots(args: argparse.Namespace, device: str) -> tuple[list[str], int]:
    """The terrain types asked for and the robots per tile (default: 50 on CUDA, 4 on CPU), checked."""
    terrains = [t for t in args.terrain.split(",") if t]
    robots = args.robots if args.robots is not None else (50 if device.startswith("cuda") else 4)
    if args.levels < 1 or robots < 1:
        raise UsageError(f"--levels and --robots must be at least 1 (got {args.levels}, {robots})")
    if not terrains or len(set(terrains)) != len(terrains):
        raise UsageError(f"--terrain needs distinct comma-separated terrain types (got '{args.terrain}')")
    return terrains, robots


def evaluation_configs(
    args: argparse.Namespace, task: str, agent: str, trained: dict | None, device: str, overrides: list[str]
) -> tuple[RunSpec, Configs]:
    """The play-mode spec and configs of ``task``: with the checkpoint's stored overrides outside the protocol
    (``--trained-config``), and the observations and networks of the task the policy trained on."""
    stored = outside_protocol(trained_config.overrides_of(trained)) if args.trained_config else ()
    print(f"[evaluate] {trained_config.applied(trained, args.trained_config)}", flush=True)
    spec = RunSpec(task, agent, device, 1, args.seed, tuple(overrides), play_mode=True, trained=stored)
    configs = resolve_configs(spec)
    if args.trained_config and trained is not None and trained["task"] != task:
        configs = with_policy_of(configs, dataclasses.replace(spec, task=trained["task"]))
    return spec, configs


def set_up(args: argparse.Namespace, overrides: list[str]) -> Evaluation:
    """The evaluation the flags ask for, every flag checked (a :class:`UsageError`) before the simulator starts."""
    if args.task is not None:
        check_task(args.task)
    device = resolve_device(args.device)
    terrains, robots = terrains_and_robots(args, device)
    last_difficulty = max_difficulty(args)
    checkpoint, agent, trained = find_policy(args.checkpoint, args.agent, args.task or DEFAULT_TASK, same_task=False)
    task = evaluation_task(args.task, trained)
    spec, configs = evaluation_configs(args, task, agent, trained, device, overrides)
    grid = check_terrains(task, configs.env_cfg, terrains)
    trained_grid = training_grid(spec)
    trained_range = trained_values(trained_grid, terrains)
    half_tile = grid.size[0] / 2
    duration = evaluation_duration(args.duration, half_tile)
    configure_evaluation(configs.env_cfg, terrains, args.levels, robots, duration, last_difficulty)
    return Evaluation(
        spec,
        configs,
        checkpoint,
        terrains,
        args.levels,
        robots,
        duration,
        half_tile,
        last_difficulty,
        trained_grid,
        trained_range,
    )


def write_outputs(out: Path, argv: list[str] | None, ev: Evaluation, rows: list[dict]) -> None:
    """``evaluate.csv``, ``evaluate.png`` and ``evaluate.md`` (the protocol in words and :func:`success_table`)."""
    csv_path, png_path, md_path = (out / f"evaluate.{ext}" for ext in ("csv", "png", "md"))
    write_csv(csv_path, rows)
    plot(rows, png_path, ev.title, ev.trained)
    header = report_header("Success rate per terrain type and difficulty", "evaluate.py", argv, ev.spec.device)
    intro = (
        f"Checkpoint `{ev.checkpoint}`. {ev.title}. Success: the base gets more than {ev.half_tile:g} m ahead of the "
        f"tile centre (beyond the tile's edge) within {ev.duration_s:.1f} s without a base contact. "
        f"{difficulty_text(rows, ev.trained_grid, ev.last_difficulty)}"
    )
    table = success_table(rows, ev.terrains, ev.levels, ev.trained)
    write_report(md_path, header, [intro, "", *table], png_path)
    print(f"[evaluate] wrote {csv_path}, {png_path}, {md_path}", flush=True)


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    ev = set_up(args, overrides)
    out = output_dir("evaluate", args.out)
    print(
        f"[evaluate] task {ev.spec.task} | agent {ev.spec.agent} | checkpoint {ev.checkpoint} | {len(ev.terrains)} "
        f"types x {ev.levels} levels x {ev.robots} robots | {ev.duration_s:.1f} s | device {ev.spec.device}",
        flush=True,
    )
    with running_policy(ev.spec, ev.configs, ev.checkpoint) as run:
        crossing = evaluate(run.env, run.act, ev.robots, math.ceil(ev.duration_s / run.env.unwrapped.step_dt))
        rows = result_rows(run.env, crossing, ev.terrains)
    write_outputs(out, argv, ev, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
