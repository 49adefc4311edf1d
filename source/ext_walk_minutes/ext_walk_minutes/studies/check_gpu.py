"""``scripts/check_gpu.py``: one command that says whether this machine runs, how fast, and whether it learns.

Runs nine stages in order, each in fresh processes and each under its own time cap (a stage stopped at its cap keeps
what it measured; a failed stage does not stop the next): start-up cold and warm, the contact room of
Walk-Rough-AnymalC, env-steps/s flat and rough with one and two solver substeps, the flat time to walk, as many rough
iterations as fit, the Warp frontend, a 1 s headless video, skrl, and PhysX (``physics=ovphysx``). It reuses the
studies and scripts that measure each figure (``time_to_walk.py``, ``benchmark.py``, ``train.py``, ``play.py``).
Prints one table (stage | figure | threshold | verdict), writes ``check_gpu.{md,json}`` and each stage's outputs to
the run folder, and with ``--append-docs`` adds the table to docs/benchmarks.md under the device's name.
``--quick`` runs every stage's code path with a few robots and 1-2 iterations (on CPU: the test suite's check).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..common import markdown
from ..common.errors import UsageError, exit_on_usage_error
from ..rl import interrupts
from ..cli.flags import parse
from ..device import resolve_device
from ..run.spec import set_cpu_threads
from .outputs import device_name, output_dir, read_scalars, report_header

REPO = Path(__file__).resolve().parents[4]
SCRIPTS = REPO / "scripts"
FIXTURE_POLICY = REPO / "tests" / "fixtures" / "walk_flat_anymalc_h200_it192.pt"
"""The flat ANYmal C policy trained on an H200 (tests/fixtures/README.md): filmed, and played on PhysX."""
FIXTURE_SHAPES = ("env.scene.robot.spawn.collision_set=detailed",)
FIXTURE_PHYSICS = (*FIXTURE_SHAPES, "env.sim.physics.num_substeps=2")
"""The fixture's training physics (44 collision shapes, two substeps) as config overrides (on PhysX: the shapes)."""
FIXTURE_ROBOTS = 4
"""Robots the fixture policy is played with, on Newton (filmed) and on PhysX: the same runs side by side."""
FLAT, ROUGH = "Walk-Flat-AnymalC", "Walk-Rough-AnymalC"
DOCS = Path("docs") / "benchmarks.md"
DOCS_SECTION = "## GPU check (scripts/check_gpu.py)"

TARGETS = {
    "walk_s": 90.0,  # flat walks within this many seconds of launch, warm kernel cache
    "warm_startup_s": 20.0,  # launch to the end of the first iteration, warm kernel cache
    FLAT: 400_000.0,  # env-steps/s while collecting, 4096 robots, one substep
    ROUGH: 250_000.0,
}
"""The project's targets on one H100 or H200 at 4096 robots: a failing line is a finding, not a broken check."""

QUICK_OVERRIDES = (
    "env.scene.terrain.terrain_generator.num_rows=2",
    "env.scene.terrain.terrain_generator.num_cols=5",
)
"""``--quick``: a 2 x 5 tile grid instead of 10 x 20 (a fraction of the scene build)."""
QUICK_RSL_OVERRIDES = ("agent.num_steps_per_env=4",)
GRACE_S = 60.0
"""Seconds a process stopped at its cap gets to save what it has (train.py: a checkpoint) before it is killed."""


@dataclass(frozen=True)
class Stage:
    """One stage of the check: its key (``--stages``, ``--cap``), its title and its cap on a GPU [s]."""

    key: str
    title: str
    cap_s: float


STAGES = (
    Stage("startup", "start-up, cold then warm (flat)", 80),
    Stage("contact_room", "contact room (rough)", 45),
    Stage("speed", "env-steps/s, 1 vs 2 substeps", 90),
    Stage("time_to_walk", "flat time to walk", 110),
    Stage("rough", "rough training", 60),
    Stage("warp", "Warp frontend (graph capture)", 40),
    Stage("video", "1 s headless video", 25),
    Stage("skrl", "skrl", 25),
    Stage("physx", "PhysX (physics=ovphysx)", 60),
)
"""The stages in the order they run; their caps add up to 535 s (9 minutes on one H100 with a warm cache)."""


@dataclass
class Row:
    """One line of the table. ``verdict``: pass, fail, info (no target), or ``skipped: <why>``."""

    stage: str
    figure: str
    threshold: str = "-"
    verdict: str = "info"
    value: float | None = None


@dataclass
class StageResult:
    key: str
    title: str
    cap_s: float
    wall_s: float = 0.0
    capped: bool = False
    """A process of the stage was stopped at the cap (its figures are what it measured until then)."""
    rows: list[Row] = field(default_factory=list)
    details: dict = field(default_factory=dict)


def plural(count: float, word: str) -> str:
    return f"{count:g} {word}{'' if count == 1 else 's'}"


def at_least(value: float, target: float) -> str:
    return "pass" if value >= target else "fail"


def below(value: float, target: float) -> str:
    return "pass" if value < target else "fail"


# ---------------------------------------------------------------------------------------------- child processes


@dataclass
class ChildRun:
    """A finished child process: exit status (None if it had to be killed), whether the cap stopped it, its log."""

    returncode: int | None
    capped: bool
    seconds: float
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def error_line(self) -> str | None:
        """The child's last ``error:`` line (our scripts' one-line usage errors), if any."""
        lines = [line for line in self.text().splitlines() if line.startswith("error:")]
        return lines[-1] if lines else None

    def failure(self) -> str:
        """Why the child failed, in one line: its error line, else its exit status and last line."""
        if self.error_line():
            return self.error_line()
        last = next((line for line in reversed(self.text().splitlines()) if line.strip()), "")
        return f"exit {self.returncode} ({last[-160:]}; log {self.log})"


def run_child(cmd: list[str], log: Path, cap_s: float, env: dict[str, str], cwd: Path) -> ChildRun:
    """Run ``cmd`` with its output in ``log``; at ``cap_s`` seconds send SIGTERM (train.py and play.py save what
    they have and exit 143), after :data:`GRACE_S` more kill it."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with log.open("w") as out:
        out.write(f"$ {shlex.join(cmd)}\n")
        out.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            returncode, capped = proc.wait(timeout=max(cap_s, 1.0)), False
        except subprocess.TimeoutExpired:
            capped = True
            proc.send_signal(signal.SIGTERM)
            try:
                returncode = proc.wait(timeout=GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                returncode = None
        except BaseException:  # Ctrl-C of the check: the child got it too; make sure it is gone
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=GRACE_S)
            proc.kill()
            raise
    return ChildRun(returncode, capped, time.monotonic() - start, log)


def _fresh_process_main(conn, fn: Callable, args: tuple, log: str) -> None:
    with open(log, "w") as out:  # the simulator's and Isaac Lab's output, in the stage's folder
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent, which turns it into a failed row
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def call_in_fresh_process(fn: Callable, args: tuple, cap_s: float, log: Path) -> tuple[object, bool]:
    """``fn(*args)`` in a new ``spawn`` process (one simulation per process), its output in ``log``;
    ``(result, capped)``.

    At ``cap_s`` the process is terminated and ``(None, True)`` returned; an exception in it is raised here as a
    :class:`RuntimeError` carrying its traceback.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = context.Process(target=_fresh_process_main, args=(child, fn, args, str(log)))
    proc.start()
    child.close()
    try:
        if not parent.poll(max(cap_s, 1.0)):
            return None, True
        status, value = parent.recv()
    except EOFError:
        status, value = "error", f"the process died (exit {proc.exitcode})"
    finally:
        proc.join(timeout=5)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=GRACE_S)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "error":
        raise RuntimeError(value)
    return value, False


# -------------------------------------------------------------------------------------------------- the context


@dataclass
class Check:
    """What every stage needs: device, size, the run folder, the stage's deadline and how to launch scripts."""

    device: str
    num_envs: int
    quick: bool
    out: Path
    env: dict[str, str]
    stage: StageResult | None = None
    deadline: float = math.inf  # time.monotonic() at which the current stage's cap ends
    results: dict[str, StageResult] = field(default_factory=dict)
    """The stages run so far, by key."""

    @property
    def iterations(self) -> int:
        """PPO iterations of the short runs (Warp frontend, skrl, PhysX)."""
        return 1 if self.quick else 3

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.0)

    def overrides(self, agent: str | None = "rsl_rl") -> list[str]:
        """``--quick``'s config overrides for a run of ``agent`` (None: env only, e.g. play.py)."""
        if not self.quick:
            return []
        return [*QUICK_OVERRIDES, *(QUICK_RSL_OVERRIDES if agent == "rsl_rl" else ())]

    def script(self, name: str, args: list[str], label: str, cwd: Path | None = None) -> ChildRun:
        """Run ``scripts/<name>`` with the rest of the stage's cap; its log is ``<stage>/<label>.log``."""
        cwd = cwd or self.out / self.stage.key
        cwd.mkdir(parents=True, exist_ok=True)
        run = run_child([sys.executable, str(SCRIPTS / name), *args], self.log(label), self.remaining(), self.env, cwd)
        self.stage.capped |= run.capped
        return run

    def log(self, label: str) -> Path:
        """``<stage>/<label>.log``, listed in the stage's details."""
        path = self.out / self.stage.key / f"{label}.log"
        self.stage.details.setdefault("logs", []).append(str(path.relative_to(self.out)))
        return path

    def row(self, figure: str, threshold: str = "-", verdict: str = "info", value: float | None = None) -> None:
        self.stage.rows.append(Row(self.stage.title, figure, threshold, verdict, value))

    def failed(self, what: str, run: ChildRun) -> None:
        reason = "stopped at the stage's cap" if run.capped else run.failure()
        self.row(f"{what}: {reason}", verdict="fail")

    def train(self, task: str, label: str, extra: list[str], agent: str = "rsl_rl") -> tuple[ChildRun, Path | None]:
        """``train.py`` of ``task`` in ``<stage>/<label>/`` (its ``logs/`` there); the run and its run folder."""
        work = self.out / self.stage.key / label
        work.mkdir(parents=True, exist_ok=True)
        args = ["--task", task, "--agent", agent, "--device", self.device, "--num_envs", str(self.num_envs)]
        run = self.script("train.py", [*args, *extra, *self.overrides(agent)], label, cwd=work)
        runs = sorted((work / "logs" / agent / task).glob("*"))
        return run, runs[-1] if runs else None


# ----------------------------------------------------------------------------------------------------- readers


def kernel_cache_files() -> tuple[Path, int]:
    """Warp's kernel cache folder and its number of files (kernels compiled so far on this machine)."""
    import warp

    with contextlib.redirect_stdout(io.StringIO()):
        warp.init()
    folder = Path(warp.config.kernel_cache_dir)
    return folder, sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def training_figures(run_dir: Path | None) -> dict:
    """What a finished (or stopped) rsl-rl run logged: iterations, wall-clock s/iteration and env-steps/s (the first
    iteration, with kernel compilation, left out when there are more), the mean terrain level at the first and last
    iteration, and the last iteration's share of each termination cause."""
    scalars = read_scalars(run_dir) if run_dir is not None else {}
    fps = scalars.get("walk/env_steps_per_s") or scalars.get("Perf/total_fps", {})  # ours: wall clock per iteration
    if not fps:
        return {"iterations": 0}
    steps = sorted(fps)
    measured = steps[1:] or steps
    if len(steps) > 1:  # wall clock between the ends of the first and the last iteration
        per_iteration = (fps[steps[-1]][1] - fps[steps[0]][1]) / (len(steps) - 1)
    else:
        collect, learn = scalars.get("Perf/collection_time", {}), scalars.get("Perf/learning_time", {})
        per_iteration = collect.get(steps[0], (0.0,))[0] + learn.get(steps[0], (0.0,))[0]
    levels = next((scalars[t] for t in ("walk/terrain_level", "Curriculum/terrain_levels/mean") if t in scalars), {})
    terminations = {
        k.split("/", 1)[1]: v[max(v)][0] for k, v in scalars.items() if k.startswith("Episode_Termination/")
    }
    return {
        "iterations": len(steps),
        "s_per_iteration": per_iteration,
        "env_steps_per_s": sum(fps[s][0] for s in measured) / len(measured),
        "terrain_level_first": levels[min(levels)][0] if levels else None,
        "terrain_level_last": levels[max(levels)][0] if levels else None,
        "terminations": terminations,
    }


def fixture_figures_path(check: Check, folder: str) -> Path:
    """Where play.py writes (``--figures``) the fixture run's figures of ``<folder>/``."""
    return check.out / folder / "fixture" / "figures.json"


def play_figures(check: Check, folder: str) -> dict | None:
    """The figures play.py wrote for the fixture run of ``<folder>/`` (None if it wrote none)."""
    path = fixture_figures_path(check, folder)
    return json.loads(path.read_text()) if path.is_file() else None


# --------------------------------------------------------------------------------------------- solver room reader


@dataclass
class SolverRoom:
    """MuJoCo Warp's contact and constraint use over a stretch of steps (largest seen, flags OR-ed together)."""

    steps: int = 0
    contacts_max: int = 0
    """Most contacts of any one robot (world) after any step."""
    contacts_per_robot_max: float = 0.0
    """Most contacts in the shared pool after any step, divided by the robots: what the pool's room is sized by."""
    rows_max: int = 0
    """Most constraint rows of any one robot after any step."""
    contacts_found_max: int = 0
    """Most contacts Newton's collision pipeline found in one step, all robots together (also those the pool could not
    hold: above ``contact_room x robots`` they were dropped)."""
    flags: int = 0
    """MuJoCo Warp's overflow bitmask of all robots and steps (``mujoco_warp.OverflowType``)."""
    solver_iterations_max: int = 0
    solver_iterations_mean: float = 0.0
    """Mean over steps of the robots' mean solver iterations (the slowest robot sets every step's time)."""
    non_finite_resets: int = 0
    """Robots reset because their state was not finite (the ``non_finite_state`` termination)."""
    contact_room: float = 0.0
    """The contact pool per robot (``naconmax / nworld``) and the constraint rows per robot (``njmax``)."""
    row_room: int = 0
    robots: int = 0


ITERATION_FLAGS = ("ITERATIONS", "LS_ITERATIONS")
"""Flags that mark a solver iteration limit reached: a finding on speed, not a lost contact or constraint."""


def overflow_names(room: SolverRoom) -> tuple[list[str], list[str]]:
    """``room``'s overflows: (contacts or constraints dropped: MuJoCo Warp's flag names, and ``CONTACT_POOL`` when
    Newton found more contacts than the pool holds; solver iteration limits reached)."""
    from mujoco_warp import OverflowType

    names = [f.name for f in OverflowType if room.flags & f.value]
    lost = [n for n in names if n not in ITERATION_FLAGS]
    if room.contacts_found_max > room.contact_room * room.robots:
        lost.append("CONTACT_POOL")
    return lost, [n for n in names if n in ITERATION_FLAGS]


def read_solver_room(room: SolverRoom, env) -> None:
    """Add the running simulation's MuJoCo Warp use after this step to ``room`` (reads the solver's data: one host
    copy of each count, so a check, not something to run every training step).

    MuJoCo Warp keeps one contact pool for all robots (``naconmax``; it overflows when their sum does) and
    ``njmax`` constraint rows per robot; each robot's overflow bits stay set until its data is reset. The solver is
    found with :func:`~ext_walk_minutes.envs.solver_room.mjwarp_solver`. The figures are the check's own, not
    :mod:`~ext_walk_minutes.envs.solver_room`'s: per world (a robot here) and per env step, with the overflow bits,
    the solver iterations and the non-finite resets; its :func:`~ext_walk_minutes.envs.solver_room.room_use`
    attributes each row to a robot (a Python loop over every row: too slow for thousands of robots every step) and
    its ``SolverRoomWatch`` keeps only the two peaks, on the device, for training runs.
    """
    import numpy as np
    from isaaclab_newton.physics import NewtonManager

    from ..envs.solver_room import mjwarp_solver

    solver = mjwarp_solver()
    if solver is None:
        raise RuntimeError("the contact room is MuJoCo Warp's: run the stage on Newton's MuJoCo Warp physics")
    data = solver.mjw_data
    nworld = data.nworld
    in_use = min(int(data.nacon.numpy()[0]), data.naconmax)
    per_robot = np.bincount(data.contact.worldid.numpy()[:in_use], minlength=nworld)
    iterations = data.solver_niter.numpy()
    room.steps += 1
    room.contacts_max = max(room.contacts_max, int(per_robot.max()))
    room.contacts_per_robot_max = max(room.contacts_per_robot_max, in_use / nworld)
    room.rows_max = max(room.rows_max, int(data.nefc.numpy().max()))
    room.flags |= int(np.bitwise_or.reduce(data.overflow.numpy()))
    room.solver_iterations_max = max(room.solver_iterations_max, int(iterations.max()))
    room.solver_iterations_mean += (float(iterations.mean()) - room.solver_iterations_mean) / room.steps
    room.contact_room, room.row_room, room.robots = data.naconmax / nworld, int(data.njmax), nworld
    found = NewtonManager.get_contacts()  # None when MuJoCo Warp finds the contacts itself
    if found is not None:
        room.contacts_found_max = max(room.contacts_found_max, int(found.rigid_contact_count.numpy()[0]))
    terminations = env.unwrapped.termination_manager
    if "non_finite_state" in terminations.active_terms:
        room.non_finite_resets += int(terminations.get_term("non_finite_state").sum().item())


class _Stop(Exception):
    """Ends ``runner.learn`` at the stage's deadline."""


def contact_room(task: str, device: str, num_envs: int, steps: int, iterations: int, overrides: list, deadline: float):
    """``task`` under ``steps`` policy steps of random actions in [-1, 1], then ``iterations`` PPO iterations (rsl-rl,
    as train.py), reading the solver room after every env step; stops early at ``deadline`` (``time.time()``).

    Returns ``{"random": SolverRoom, "training": SolverRoom}`` as dicts, and the training iterations run.
    """
    set_cpu_threads()
    import torch

    from ..run.spec import RunSpec, resolve_configs, running_env

    spec = RunSpec(task, "rsl_rl", device, num_envs, 0, tuple(overrides))
    configs = resolve_configs(spec)
    rooms = {"random": SolverRoom(), "training": SolverRoom()}
    done = 0
    with running_env(spec, configs) as env:
        with contextlib.redirect_stdout(io.StringIO()):  # rsl-rl prints the networks
            runner, _ = spec.backend.make_runner(env, configs.agent_cfg, device, None)
        vec = runner.env
        generator = torch.Generator(device=device).manual_seed(0)
        for _ in range(steps):
            if time.time() > deadline:
                break
            vec.step(2 * torch.rand(num_envs, vec.num_actions, device=device, generator=generator) - 1)
            read_solver_room(rooms["random"], env)
        step, log = vec.step, runner.logger.log

        def stepped(actions):
            result = step(actions)
            read_solver_room(rooms["training"], env)
            return result

        def logged(**kwargs):
            nonlocal done
            done += 1
            with contextlib.redirect_stdout(io.StringIO()):
                log(**kwargs)
            if time.time() > deadline:
                raise _Stop

        vec.step, runner.logger.log = stepped, logged
        if time.time() < deadline:
            with contextlib.suppress(_Stop):
                runner.learn(iterations, init_at_random_ep_len=True)
    return {name: asdict(room) for name, room in rooms.items()} | {"iterations": done}


# ------------------------------------------------------------------------------------------------------ stages


def stage_startup(check: Check) -> None:
    """Two runs of time_to_walk.py stopped after the first iteration: the first (cold when the kernel cache is
    empty, e.g. with ``--fresh-cache``) compiles what it needs; the second finds it compiled (warm)."""
    for label in ("cold", "warm"):
        _, files_before = kernel_cache_files()
        out = check.out / "startup" / label
        args = ["--task", FLAT, "--device", check.device, "--num_envs", str(check.num_envs), "--out", str(out)]
        args += ["--max_iterations", "1", "--window", "1", "--max-seconds", str(max(check.remaining() - 5, 1))]
        run = check.script("time_to_walk.py", [*args, *check.overrides()], label)
        _, files_after = kernel_cache_files()
        if run.returncode != 0 or not (out / "time_to_walk.json").exists():
            check.failed(f"{label} start-up", run)
            continue
        split = json.loads((out / "time_to_walk.json").read_text())
        compiled = files_after - files_before
        check.stage.details[label] = {**{k: v for k, v in split.items() if k != "curve"}, "kernel_files": compiled}
        figure = (
            f"{label}: {split['startup_s']:.1f} s to the end of the first iteration (imports {split['imports_s']:.1f}, "
            f"scene {split['scene_build_s']:.1f}, first iteration {split['first_rollout_s']:.1f}); "
            f"{compiled} kernel files compiled"
        )
        if label == "warm":
            target = TARGETS["warm_startup_s"]
            check.row(figure, f"< {target:.0f} s", below(split["startup_s"], target), split["startup_s"])
        else:
            check.row(figure, value=split["startup_s"])


def stage_contact_room(check: Check) -> None:
    """Walk-Rough-AnymalC under random actions, then a short training, reading MuJoCo Warp's room every step."""
    steps, iterations = (8, 1) if check.quick else (100, 3)
    args = (ROUGH, check.device, check.num_envs, steps, iterations, check.overrides(), time.time() + check.remaining())
    result, capped = call_in_fresh_process(contact_room, args, check.remaining() + GRACE_S, check.log("contact_room"))
    check.stage.capped |= capped
    if result is None:
        check.row("stopped at the stage's cap before it reported", verdict="fail")
        return
    check.stage.details.update(result)
    for phase, label in (("random", f"{steps} steps of random actions"), ("training", "training")):
        room = SolverRoom(**result[phase])
        if phase == "training":
            label = plural(result["iterations"], "training iteration")
        lost, limits = overflow_names(room)
        figure = (
            f"{label}: most contacts in one robot {room.contacts_max}, per robot {room.contacts_per_robot_max:.1f} "
            f"(shared pool: {room.contact_room:.0f} per robot); most constraint rows in one robot {room.rows_max} "
            f"(room {room.row_room}); overflow: {', '.join(lost) or 'none'}"
        )
        if room.steps == 0:
            check.row(f"{label}: no step ran before the cap", "no overflow", "fail")
            continue
        check.row(figure, "no overflow", "fail" if lost else "pass", float(len(lost)))
        check.row(
            f"{label}: solver iterations per step, slowest robot {room.solver_iterations_max}, mean "
            f"{room.solver_iterations_mean:.1f}; iteration limit reached: {', '.join(limits) or 'no'}"
        )
        check.row(f"{label}: non-finite resets {room.non_finite_resets}", "0", below(room.non_finite_resets, 1))


def stage_speed(check: Check) -> None:
    """benchmark.py's measurement (fresh process each) of flat and rough with one and two substeps."""
    from .benchmark import measure

    plan = [(FLAT, 1), (FLAT, 2)] if check.quick else [(FLAT, 1), (FLAT, 2), (ROUGH, 1), (ROUGH, 2)]
    iterations = 2 if check.quick else 3  # the first, with kernel compilation, is left out
    measured = {}
    for task, substeps in plan:
        overrides = [*check.overrides(), f"env.sim.physics.num_substeps={substeps}"]
        args = ("ours", task, check.num_envs, iterations, check.device, overrides)
        label = f"{task}_{substeps}_substeps"
        result, capped = call_in_fresh_process(measure, args, check.remaining(), check.log(label))
        check.stage.capped |= capped
        name = f"{task}, {substeps} substep{'s' if substeps > 1 else ''}"
        if result is None:
            check.row(f"{name}: stopped at the stage's cap", verdict="fail")
            continue
        measured[(task, substeps)] = result
        check.stage.details[name] = result
        figure = (
            f"{name}: {result['collect_steps_per_s']:,.0f} env-steps/s collecting, "
            f"{result['train_steps_per_s']:,.0f} with learning ({result['num_envs']} robots)"
        )
        if substeps == 1:
            target = TARGETS[task]
            check.row(figure, f">= {target:,.0f}", at_least(result["collect_steps_per_s"], target), target)
            check.stage.rows[-1].value = result["collect_steps_per_s"]
        else:
            one = measured.get((task, 1))
            ratio = f"; {result['collect_steps_per_s'] / one['collect_steps_per_s']:.2f}x of 1 substep" if one else ""
            check.row(figure + ratio, value=result["collect_steps_per_s"])


def stage_time_to_walk(check: Check) -> None:
    """time_to_walk.py on the flat task until it walks or the cap (seconds counted from its launch)."""
    out = check.out / "time_to_walk"
    args = ["--task", FLAT, "--device", check.device, "--num_envs", str(check.num_envs), "--out", str(out)]
    args += ["--max-seconds", str(max(check.remaining() - 10, 1))]
    if check.quick:
        args += ["--max_iterations", "2"]
    run = check.script("time_to_walk.py", [*args, *check.overrides()], "time_to_walk")
    if run.returncode != 0 or not (out / "time_to_walk.json").exists():
        check.failed("time to walk", run)
        return
    summary = json.loads((out / "time_to_walk.json").read_text())
    check.stage.details.update(
        {k: v for k, v in summary.items() if k != "curve"}, curve="time_to_walk/time_to_walk.png"
    )
    last = summary["curve"][-1] if summary["curve"] else None
    if summary["walked"]:
        figure = f"walks {summary['time_to_walk_s']:.0f} s after launch ({plural(summary['iterations'], 'iteration')})"
        verdict, value = below(summary["time_to_walk_s"], TARGETS["walk_s"] + 1e-9), summary["time_to_walk_s"]
    else:
        seconds = summary["startup_s"] + summary["training_s"]
        figure = f"not walking after {seconds:.0f} s ({plural(summary['iterations'], 'iteration')})"
        verdict, value = "fail", None
    if last:
        figure += f"; last tracking {last['track_fraction']:.2f} of max, base contact {last['base_contact']:.0%}"
    check.row(f"{figure} (curve: time_to_walk/time_to_walk.png)", f"<= {TARGETS['walk_s']:.0f} s", verdict, value)


def stage_rough(check: Check) -> None:
    """train.py on the rough task until the cap (SIGTERM: it saves a checkpoint and stops): s/iteration, terrain
    level trend, termination causes."""
    iterations = "2" if check.quick else "100000"
    run, folder = check.train(ROUGH, "rough", ["--max_iterations", iterations])
    figures = training_figures(folder)
    check.stage.details.update(figures, run=str(folder) if folder else None)
    if not figures["iterations"]:
        check.failed("rough training", run)
        return
    how = "stopped at the cap" if run.capped else "finished"
    check.row(
        f"{plural(figures['iterations'], 'iteration')} ({how}): {figures['s_per_iteration']:.2f} s/iteration, "
        f"{figures['env_steps_per_s']:,.0f} env-steps/s with learning (wall clock)",
        verdict="pass" if run.returncode in (0, 143) else "fail",
        value=figures["s_per_iteration"],
    )
    first, last = figures["terrain_level_first"], figures["terrain_level_last"]
    if first is not None:
        check.row(f"mean terrain level {first:.2f} at the first iteration logged, {last:.2f} at the last", value=last)
    causes = ", ".join(f"{k} {v:.0%}" for k, v in sorted(figures["terminations"].items(), key=lambda kv: -kv[1]))
    check.row(f"episode ends at the last iteration: {causes or 'none logged'}")


def stage_warp(check: Check) -> None:
    """train.py --frontend warp on flat and rough (one Warp env per process); on CUDA Isaac Lab captures each
    manager stage in a graph, on CPU the stages run uncaptured."""
    cuda = check.device.startswith("cuda")
    for task in (FLAT,) if check.quick else (FLAT, ROUGH):  # rough's Warp env: tests/warp
        extra = ["--frontend", "warp", "--timeout-bootstrap", "approx", "--max_iterations", str(check.iterations)]
        run, folder = check.train(task, f"warp_{task}", extra)
        figures = training_figures(folder)
        if run.returncode != 0 or figures["iterations"] < check.iterations:
            check.failed(f"{task}, Warp frontend", run)
            continue
        check.stage.details[task] = figures
        how = "graph-captured" if cuda else "uncaptured (CPU)"
        check.row(
            f"{task}: {plural(figures['iterations'], 'iteration')} {how}, "
            f"{figures['env_steps_per_s']:,.0f} env-steps/s",
            "runs",
            "pass",
            figures["env_steps_per_s"],
        )
    if not cuda:
        check.row("CUDA graph capture of the Warp stages", verdict="skipped: needs CUDA")


def fixture_play_args(check: Check, folder: str) -> list[str]:
    """play.py's arguments for the flat fixture policy (copied to ``<folder>/fixture/``): the same robots and steps
    on every engine (5 s; ``--quick``: 1 s)."""
    checkpoint = check.out / folder / "fixture" / "model_192.pt"
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE_POLICY, checkpoint)
    args = ["--task", FLAT, "--checkpoint", str(checkpoint), "--device", check.device]
    args += ["--figures", str(fixture_figures_path(check, folder))]
    return [*args, "--num_envs", str(FIXTURE_ROBOTS), "--steps", "50" if check.quick else "250"]


def fixture_row(check: Check, engine: str, figures: dict) -> None:
    check.stage.details[f"fixture_on_{engine}"] = figures
    check.row(
        f"fixture policy on {engine} ({plural(figures['robots'], 'robot')}, {figures['seconds']:g} s): lin vel error "
        f"{figures['lin_vel_error']:.3f} m/s, yaw rate error {figures['yaw_rate_error']:.3f} rad/s, "
        f"{figures['distance_per_robot']:.2f} m walked per robot, {plural(figures['falls'], 'fall')}",
        value=figures["lin_vel_error"],
    )


def stage_video(check: Check) -> None:
    """play.py films 1 s of the flat fixture policy headless (EGL: on an NVIDIA driver on a GPU machine), in its
    training physics on Newton, and reports how it walks."""
    from ..run.video import read_clip

    clip = check.out / "video" / "walk.mp4"
    args = [*fixture_play_args(check, "video"), "--video", str(clip), "--video-length", "1", "--video-size", "320x180"]
    run = check.script("play.py", [*args, *FIXTURE_PHYSICS, *check.overrides(None)], "play_video")
    if run.returncode != 0 or not clip.exists():
        check.failed("video", run)
        return
    frames, fps = read_clip(clip)
    ok = len(frames) >= round(fps) > 0
    check.row(f"video/walk.mp4: {len(frames)} frames at {fps:g} frames/s", "1 s decodes", "pass" if ok else "fail")
    figures = play_figures(check, "video")
    if figures is None:
        check.row(f"play.py wrote no figures (log {run.log})", verdict="fail")
    else:
        fixture_row(check, "Newton", figures)


def stage_skrl(check: Check) -> None:
    """train.py --agent skrl for a few iterations on the flat task."""
    iterations = check.iterations
    run, folder = check.train(FLAT, "skrl", ["--max_iterations", str(iterations)], agent="skrl")
    checkpoints = sorted((folder / "checkpoints").glob("*.pt")) if folder else []
    if run.returncode != 0 or not checkpoints:
        check.failed("skrl", run)
        return
    check.row(
        f"{plural(iterations, 'iteration')} in {run.seconds:.0f} s (launch included), "
        f"checkpoint {checkpoints[-1].name}",
        "runs",
        "pass",
        run.seconds,
    )


def stage_physx(check: Check) -> None:
    """Isaac Lab's kit-less PhysX (``physics=ovphysx``): a few iterations of flat and rough beside Newton's speed, and
    the flat fixture policy played on it. Without CUDA (or ovphysx) train.py stops with one error line, and the
    stage with it (the other runs would stop on the same line)."""
    for task in (FLAT, ROUGH):
        run, folder = check.train(task, f"physx_{task}", ["--max_iterations", str(check.iterations), "physics=ovphysx"])
        if _skipped_by_usage_error(check, run, f"{task} on PhysX"):
            return
        figures = training_figures(folder)
        if run.returncode != 0 or not figures["iterations"]:
            check.failed(f"{task} on PhysX", run)
            continue
        newton = check_speed_of(check, task)
        beside = f" (Newton: {newton:,.0f})" if newton else ""
        check.row(
            f"{task} on PhysX: {plural(figures['iterations'], 'iteration')}, {figures['env_steps_per_s']:,.0f} "
            f"env-steps/s with learning{beside}",
            "runs",
            "pass",
            figures["env_steps_per_s"],
        )
    args = [*fixture_play_args(check, "physx"), *FIXTURE_SHAPES, *check.overrides(None), "physics=ovphysx"]
    run = check.script("play.py", args, "play_physx")
    if _skipped_by_usage_error(check, run, "fixture policy played on PhysX"):
        return
    figures = play_figures(check, "physx")
    if figures is None:
        check.failed("fixture policy played on PhysX", run)
        return
    fixture_row(check, "PhysX", figures)  # beside the video stage's row: the same robots and steps on Newton


def _skipped_by_usage_error(check: Check, run: ChildRun, what: str) -> bool:
    """A ``skipped`` row (``needs CUDA``, or the error's text) when ``run`` stopped on a usage error line."""
    error = run.error_line()
    if run.returncode != 2 or not error:
        return False
    why = "needs CUDA" if "CUDA" in error else "needs the physx extra" if "[physx]" in error else "usage error"
    check.row(f"{what}: {error}", verdict=f"skipped: {why}")
    return True


def check_speed_of(check: Check, task: str) -> float | None:
    """Newton's env-steps/s with learning for ``task`` (one substep) from the speed stage of this run, if it ran."""
    result = check.results.get("speed")
    row = result.details.get(f"{task}, 1 substep") if result else None
    return row["train_steps_per_s"] if row else None


RUNNERS = {
    "startup": stage_startup,
    "contact_room": stage_contact_room,
    "speed": stage_speed,
    "time_to_walk": stage_time_to_walk,
    "rough": stage_rough,
    "warp": stage_warp,
    "video": stage_video,
    "skrl": stage_skrl,
    "physx": stage_physx,
}


# ------------------------------------------------------------------------------------------------ the whole run


def run_stage(check: Check, stage: Stage, cap_s: float) -> StageResult:
    """Run one stage under its cap; an exception becomes a failed row (the next stage runs all the same)."""
    check.stage = result = StageResult(stage.key, stage.title, cap_s)
    check.results[stage.key] = result
    start = time.monotonic()
    check.deadline = start + cap_s
    print(f"[check_gpu] {stage.key}: {stage.title} (cap {cap_s:.0f} s) ...", flush=True)
    try:
        RUNNERS[stage.key](check)
    except Exception as exc:  # a broken stage is a finding of this check, not the end of it
        (check.out / stage.key).mkdir(parents=True, exist_ok=True)
        (check.out / stage.key / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        check.row(
            f"crashed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]} ({stage.key}/error.txt)", "-", "fail"
        )
    result.wall_s = time.monotonic() - start
    for row in result.rows:
        print(f"[check_gpu]   {row.verdict:>6} | {row.figure}", flush=True)
    return result


def table_lines(results: list[StageResult]) -> list[str]:
    """The markdown table: stage | figure | threshold | verdict, one line per row."""
    lines = ["| stage | figure | threshold | verdict |", "|---|---|---|---|"]
    for result in results:
        capped = " (capped)" if result.capped else ""
        for row in result.rows:
            lines.append(f"| {row.stage}{capped} | {row.figure} | {row.threshold} | {row.verdict} |")
    return lines


def console_table(results: list[StageResult]) -> str:
    """The table as aligned plain text for the console (figures wrapped at 90 columns)."""
    import textwrap

    rows = [(r.stage, r.figure, r.threshold, r.verdict) for result in results for r in result.rows]
    widths = [max(len(x[i]) for x in [("stage", "", "threshold", "verdict"), *rows]) for i in (0, 2, 3)]
    lines = [f"{'stage':<{widths[0]}} | {'figure':<90} | {'threshold':<{widths[1]}} | verdict"]
    lines.append("-" * len(lines[0]))
    for stage, figure, threshold, verdict in rows:
        wrapped = textwrap.wrap(figure, 90) or [""]
        lines.append(f"{stage:<{widths[0]}} | {wrapped[0]:<90} | {threshold:<{widths[1]}} | {verdict}")
        lines += [f"{'':<{widths[0]}} | {more:<90} | {'':<{widths[1]}} |" for more in wrapped[1:]]
    return "\n".join(lines)


def revision() -> str:
    """The repository's commit (short), with ``+changes`` when the working tree differs from it."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "-uno"], cwd=REPO, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return (rev.stdout.strip() or "unknown") + (" +changes" if dirty.stdout.strip() else "")


def summary_lines(results: list[StageResult], meta: dict) -> list[str]:
    counts = {v: sum(r.verdict.split(":")[0] == v for s in results for r in s.rows) for v in ("pass", "fail")}
    skipped = sum(r.verdict.startswith("skipped") for s in results for r in s.rows)
    quick = (
        " **--quick**: every stage's code path with a few robots and 1-2 iterations; the figures are not comparable "
        "to the targets."
        if meta["quick"]
        else ""
    )
    return [
        f"{meta['device_name']} ({meta['device']}), {meta['num_envs']} robots, revision {meta['revision']}, "
        f"{meta['total_s']:.0f} s in all: {counts['pass']} pass, {counts['fail']} fail, {skipped} skipped.{quick}",
        "",
        *table_lines(results),
        "",
        "Stage times [s]: "
        + ", ".join(f"{r.key} {r.wall_s:.0f} of {r.cap_s:.0f}{' (capped)' if r.capped else ''}" for r in results)
        + ". Each stage's logs and outputs are in its folder beside this report; check_gpu.json has every figure.",
    ]


def append_to_docs(path: Path, results: list[StageResult], meta: dict) -> None:
    """Add this run's table at the end of the :data:`DOCS_SECTION` of ``path`` (the section is created at the end of
    the file if new)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if DOCS_SECTION not in text.splitlines():
        text = text.rstrip("\n") + f"\n\n{DOCS_SECTION}\n\nTables appended by `scripts/check_gpu.py --append-docs`"
        text += " (format: docs/check_gpu.md).\n"
    block = [
        "",
        f"### {time.strftime('%Y-%m-%d')}, {meta['device_name']}, revision {meta['revision']}",
        "",
        f"`{meta['command']}`",
        "",
        *summary_lines(results, meta)[:-2],
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = text.splitlines()
    markdown.write_inserted(path, lines, markdown.end_of_section(lines, DOCS_SECTION), block)


def write_outputs(out: Path, results: list[StageResult], meta: dict, argv: list[str] | None) -> None:
    (out / "check_gpu.json").write_text(
        json.dumps({**meta, "stages": [asdict(r) for r in results]}, indent=2, default=str), encoding="utf-8"
    )
    header = report_header("GPU check", "check_gpu.py", argv, meta["device"])
    (out / "check_gpu.md").write_text("\n".join([*header, *summary_lines(results, meta), ""]), encoding="utf-8")


def parse_caps(specs: list[str], stages: list[Stage], quick: bool) -> dict[str, float]:
    """Each stage's cap [s]: the GPU default, ``--quick``'s (10 min: CPU), then ``--cap KEY=SECONDS``."""
    caps = {s.key: 600.0 if quick else s.cap_s for s in stages}
    keys = {s.key for s in STAGES}
    for spec in specs:
        key, _, seconds = spec.partition("=")
        try:
            value = float(seconds)
        except ValueError:
            value = -1.0
        if key not in keys or value <= 0:
            raise UsageError(f"--cap {spec}: write STAGE=SECONDS with a stage of {', '.join(keys)} and seconds > 0")
        caps[key] = value
    return caps


def select_stages(names: str | None) -> list[Stage]:
    if not names:
        return list(STAGES)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in RUNNERS]
    if unknown or not wanted:
        raise UsageError(f"--stages: unknown {', '.join(unknown) or '(none named)'}; choose from {', '.join(RUNNERS)}")
    return [s for s in STAGES if s.key in wanted]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Stages, in order, with their caps on a GPU [s]: "
        + ", ".join(f"{s.key} ({s.title}) {s.cap_s:.0f}" for s in STAGES)
        + ". The report's format: docs/check_gpu.md.",
    )
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda or cuda:N")
    parser.add_argument(
        "--num_envs", type=int, default=None, help="robots per run (default: 4096 on CUDA, 64 on CPU; --quick: 2)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="every stage with a few robots, 1-2 iterations and a small terrain grid"
    )
    parser.add_argument("--stages", default=None, metavar="KEY,KEY", help="run only these stages (default: all)")
    parser.add_argument(
        "--cap", action="append", default=[], metavar="STAGE=SECONDS", help="another cap for a stage (repeatable)"
    )
    parser.add_argument(
        "--fresh-cache",
        action="store_true",
        help="compile every kernel anew into <run>/kernel_cache (a true cold start; minutes on a GPU)",
    )
    parser.add_argument(
        "--append-docs",
        nargs="?",
        const=str(DOCS),
        default=None,
        metavar="PATH",
        help=f"add the table to PATH (default {DOCS}) under the device's name",
    )
    parser.add_argument("--out", default=None, help="run folder (default: logs/studies/check_gpu/<timestamp>/)")
    return parser


def check_flags(args: argparse.Namespace, overrides: list[str]) -> tuple[str, int, list[Stage], dict[str, float]]:
    """``(device, robots per run, stages, each stage's cap [s])``, checked before any stage starts."""
    if overrides:
        raise UsageError(f"unrecognised argument(s) {' '.join(overrides)}; the check takes no config overrides")
    device = resolve_device(args.device)
    if args.num_envs is not None and args.num_envs < 1:
        raise UsageError(f"--num_envs must be at least 1 (got {args.num_envs})")
    from ..device import default_num_envs

    num_envs = args.num_envs or (2 if args.quick else default_num_envs(device))
    stages = select_stages(args.stages)
    caps = parse_caps(args.cap, stages, args.quick)
    if not FIXTURE_POLICY.exists() and {"video", "physx"} & {s.key for s in stages}:
        raise UsageError(
            f"the fixture policy {FIXTURE_POLICY} is missing (video and physx play it); run from a checkout"
        )
    return device, num_envs, stages, caps


def child_environment(out: Path, fresh_cache: bool) -> dict[str, str]:
    """The stages' processes' environment: unbuffered output, one CPU thread unless set; with ``fresh_cache`` a new
    kernel cache in ``out`` (for this process too)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    if fresh_cache:
        env["WARP_CACHE_PATH"] = os.environ["WARP_CACHE_PATH"] = str(out / "kernel_cache")
    return env


def run_stages(
    check: Check, stages: list[Stage], caps: dict[str, float], meta: dict, argv: list[str] | None
) -> tuple[list[StageResult], int]:
    """Each stage in turn, the report rewritten after each (a run killed from outside keeps the stages it finished);
    returns the results and the exit status (130/143 after Ctrl-C/SIGTERM, the finished stages kept)."""
    start, results, status = time.monotonic(), [], 0
    try:
        with interrupts.interrupts_handled():
            for stage in stages:
                results.append(run_stage(check, stage, caps[stage.key]))
                meta["total_s"] = time.monotonic() - start
                write_outputs(check.out, results, meta, argv)
    except KeyboardInterrupt as interrupt:
        status = 143 if isinstance(interrupt, interrupts.Terminated) else 130
        print(f"\n[check_gpu] interrupted: saving the report of the {len(results)} stages that finished", flush=True)
    meta["total_s"] = time.monotonic() - start
    write_outputs(check.out, results, meta, argv)
    return results, status


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    device, num_envs, stages, caps = check_flags(args, overrides)
    out = output_dir("check_gpu", args.out).resolve()
    check = Check(device, num_envs, args.quick, out, child_environment(out, args.fresh_cache))
    command = shlex.join(["python", "scripts/check_gpu.py", *(sys.argv[1:] if argv is None else argv)])
    meta = {"device": device, "device_name": device_name(device), "num_envs": num_envs, "quick": args.quick}
    meta |= {"revision": revision(), "command": command, "caps_s": caps}
    print(f"[check_gpu] {meta['device_name']}, {num_envs} robots, {len(stages)} stages -> {out}", flush=True)
    results, status = run_stages(check, stages, caps, meta, argv)
    print(console_table(results), flush=True)
    appended = args.append_docs and not status
    if appended:
        append_to_docs(Path(args.append_docs), results, meta)
    print(
        f"[check_gpu] wrote {out}/check_gpu.{{md,json}}" + (f" and a table in {args.append_docs}" if appended else ""),
        flush=True,
    )
    return status
