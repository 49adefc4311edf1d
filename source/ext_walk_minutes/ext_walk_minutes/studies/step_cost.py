"""``scripts/step_cost.py``: what one env step costs, in time and in the counts that predict its GPU cost.

On a GPU every torch op and every Warp launch is a kernel launch (microseconds of CPU each, whatever the batch size),
and every host synchronisation (``.item()``, ``.cpu()``, ``.tolist()``, ``.numpy()``, ``bool(tensor)``,
``nonzero()``, boolean-mask indexing) stalls the CPU until the GPU has caught up. Those counts can be taken on a
CPU, where the physics dominates the time. This measures, for a task's env as training steps it (with the
episode statistics wrapper and rsl-rl's vec-env wrapper), random actions: seconds per step, torch ops, Warp launches
and synchronisations per step (all, and those called from our package).

``--frontends torch,warp`` measures the env on each runtime of the MDP managers (Isaac Lab's torch managers, or its
experimental Warp ones with our terms' twins: :mod:`ext_walk_minutes.warp`), each in a fresh process, alternating, and
prints the ratios. ``--against REV`` measures the same in the same run for git revision ``REV`` of this repository
(checked out in a temporary worktree and imported instead of the installed package), alternating the two, and prints
the ratios.
This file is run as a script for that, so it imports our package only absolutely and only names that exist in
older revisions too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import torch
from torch.utils._python_dispatch import TorchDispatchMode

SYNC_METHODS = ("item", "cpu", "tolist", "numpy", "__bool__", "nonzero")


class _OpCounter(TorchDispatchMode):
    """Counts every aten op dispatched while active."""

    def __init__(self) -> None:
        super().__init__()
        self.ops = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops += 1
        return func(*args, **(kwargs or {}))


def _has_bool_mask(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return any(isinstance(i, torch.Tensor) and i.dtype == torch.bool for i in items)


class StepCounters:
    """Counts torch ops, Warp launches and synchronisations (by kind; all and those called from files under
    ``ours``) inside :meth:`active` blocks; counts accumulate over blocks."""

    def __init__(self, ours: str) -> None:
        self.ours = ours
        self.torch_ops = 0
        self.warp_launches = 0
        self.syncs: Counter[str] = Counter()
        self.our_syncs: Counter[str] = Counter()
        self.our_sync_sites: Counter[str] = Counter()

    def _count_sync(self, kind: str, caller) -> None:
        self.syncs[kind] += 1
        if caller.f_code.co_filename.startswith(self.ours):
            self.our_syncs[kind] += 1
            self.our_sync_sites[f"{caller.f_code.co_filename}:{caller.f_lineno} {kind}"] += 1

    @contextlib.contextmanager
    def active(self) -> Iterator[StepCounters]:
        import warp
        import warp._src.context as warp_context

        original_launch = warp_context.launch
        originals = {name: getattr(torch.Tensor, name) for name in (*SYNC_METHODS, "__getitem__", "__setitem__")}

        def launch(*args, **kwargs):
            self.warp_launches += 1
            return original_launch(*args, **kwargs)

        def sync_method(name):
            def counted(tensor, *args, **kwargs):
                self._count_sync(name, sys._getframe(1))
                return originals[name](tensor, *args, **kwargs)

            return counted

        def getitem(tensor, index):
            if _has_bool_mask(index):
                self._count_sync("bool_mask", sys._getframe(1))
            return originals["__getitem__"](tensor, index)

        def setitem(tensor, index, value):
            if _has_bool_mask(index):
                self._count_sync("bool_mask", sys._getframe(1))
            return originals["__setitem__"](tensor, index, value)

        patched = {name: sync_method(name) for name in SYNC_METHODS}
        patched.update(__getitem__=getitem, __setitem__=setitem)
        op_counter = _OpCounter()
        warp_context.launch = warp.launch = launch  # wp.launch and wp.launch_tiled both end up here
        for name, fn in patched.items():
            setattr(torch.Tensor, name, fn)
        try:
            with op_counter:
                yield self
        finally:
            warp_context.launch = warp.launch = original_launch
            for name, fn in originals.items():
                setattr(torch.Tensor, name, fn)
            self.torch_ops += op_counter.ops


def package_dir() -> str:
    """Folder of the ``ext_walk_minutes`` package imported here (ours, or an older revision's)."""
    import ext_walk_minutes

    return str(Path(ext_walk_minutes.__file__).resolve().parent)


def contact_counts() -> tuple[int, int]:
    """(contact slots allocated, contacts in use now) of Newton's collision pipeline; (0, 0) on another backend."""
    from isaaclab_newton.physics import NewtonManager

    contacts = NewtonManager.get_contacts()
    if contacts is None:
        return 0, 0
    return int(contacts.rigid_contact_max), int(contacts.rigid_contact_count.numpy()[0])


@contextlib.contextmanager
def task_env(task: str, num_envs: int, overrides: list[str], frontend: str = "torch"):
    """``task``'s env on the CPU as train.py builds it (seed 0, final observations for the exact time-out
    bootstrap), made with Isaac Lab's own calls: this file also measures older revisions of our package.
    ``frontend="warp"``: on Isaac Lab's Warp managers (``train.py --frontend warp``)."""
    import gymnasium as gym
    from isaaclab.app import launch_simulation
    from isaaclab_tasks.utils import resolve_task_config

    import ext_walk_minutes.tasks  # noqa: F401  (registers the gym ids)

    env_cfg, _ = resolve_task_config(task, "rsl_rl_cfg_entry_point", overrides=overrides)
    env_cfg.sim.device, env_cfg.scene.num_envs, env_cfg.seed = "cpu", num_envs, 0
    env_cfg.compute_final_obs = True
    with launch_simulation(env_cfg, {"device": "cpu", "headless": True}):
        if frontend == "warp":
            from ext_walk_minutes.warp.envs import WalkEnvWarp

            env = WalkEnvWarp(cfg=env_cfg)
        else:
            env = gym.make(task, cfg=env_cfg)
        try:
            yield env
        finally:
            env.close()


def measure(task: str, num_envs: int, steps: int, warmup: int, overrides: list[str], frontend: str = "torch") -> dict:
    """Step ``task``'s env (``num_envs`` robots, CPU, random actions in [-1, 1]) ``warmup`` then ``steps`` times.

    Returns seconds per step (without counters), per-step counts (a second pass with counters active) and the
    contact slots per robot: allocated, and the most in use after any step of the counted pass.
    """
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    from isaaclab_rl.rsl_rl import RslRlVecEnvWrapper

    from ext_walk_minutes.rl.progress import EpisodeStats

    torch.manual_seed(0)
    with task_env(task, num_envs, overrides, frontend) as task_gym_env:
        env = RslRlVecEnvWrapper(EpisodeStats(task_gym_env))
        actions = [2 * torch.rand(num_envs, env.num_actions) - 1 for _ in range(steps)]
        for action in actions[:warmup]:
            env.step(action)
        start = time.perf_counter()
        for action in actions:
            env.step(action)
        seconds = (time.perf_counter() - start) / steps
        counters = StepCounters(package_dir())
        in_use = 0
        for action in actions:
            with counters.active():
                env.step(action)
            slots, used = contact_counts()
            in_use = max(in_use, used)
    return {
        "task": task,
        "frontend": frontend,
        "num_envs": num_envs,
        "steps": steps,
        "step_s": seconds,
        "contact_slots_per_robot": slots / num_envs,
        "contacts_in_use_per_robot_max": in_use / num_envs,
        "env_steps_per_s": num_envs / seconds,
        "torch_ops": counters.torch_ops / steps,
        "warp_launches": counters.warp_launches / steps,
        "syncs": sum(counters.syncs.values()) / steps,
        "our_syncs": sum(counters.our_syncs.values()) / steps,
        "sync_kinds": dict(counters.syncs),
        "our_sync_sites": dict(counters.our_sync_sites),
    }


def is_revision(revision: str) -> bool:
    """Whether ``revision`` names a commit of the repository around the working folder."""
    done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], capture_output=True)
    return done.returncode == 0


def measure_revision(revision: str, args: list[str]) -> dict:
    """:func:`measure` in a fresh process importing our package from git revision ``revision`` (a worktree)."""
    repo = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="step_cost_") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", "-f", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            env = dict(os.environ, PYTHONPATH=str(tree / "source" / "ext_walk_minutes"))
            return _run_child(env, args)
        finally:
            subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True)


def _run_child(env: dict, args: list[str]) -> dict:
    """Run this file as a script in a fresh process (``env``: its environment) and return its JSON result."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, __file__, "--child", out.name, *args], env=env, check=True, stdout=subprocess.DEVNULL
        )
        return json.loads(Path(out.name).read_text())


def _child(argv: list[str]) -> None:
    out, task, num_envs, steps, warmup, frontend, *overrides = argv
    result = measure(task, int(num_envs), int(steps), int(warmup), overrides, frontend)
    result["package"] = package_dir()
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    """The study's flags; the task's ``key=value`` overrides pass through (``parse_known_args``)."""
    parser = argparse.ArgumentParser(allow_abbrev=False, description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.add_argument("--task", default="Walk-Flat-AnymalC", help="task (default: %(default)s)")
    parser.add_argument("--num_envs", type=int, default=64, help="robots (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=50, help="measured env steps (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=10, help="env steps before measuring (default: %(default)s)")
    parser.add_argument("--against", default=None, metavar="REV", help="also measure git revision REV, alternating")
    parser.add_argument(
        "--frontends",
        default="torch",
        metavar="F,F",
        help="runtimes of the MDP managers to measure, alternating: torch, warp or torch,warp (default: %(default)s)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternations with --against or two frontends (default: %(default)s)"
    )
    parser.add_argument("--json", default=None, help="write the results to this file")
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace, frontends: list[str]) -> None:
    """Exit with one ``error:`` line (status 2) on a bad combination or value, before any env is built."""
    if not set(frontends) <= {"torch", "warp"} or len(set(frontends)) != len(frontends):
        parser.error(f"--frontends takes torch, warp or torch,warp (got {args.frontends})")
    if args.against and frontends != ["torch"]:
        parser.error("--against compares revisions on the torch frontend; leave out --frontends")
    if min(args.num_envs, args.steps, args.rounds) < 1 or args.warmup < 0:
        parser.error(
            f"--num_envs, --steps and --rounds must be at least 1 and --warmup at least 0 (got {args.num_envs}, "
            f"{args.steps}, {args.rounds}, {args.warmup})"
        )
    if args.against and not is_revision(args.against):
        parser.error(f"--against {args.against}: not a git revision of this repository (e.g. HEAD~1 or a commit hash)")


def _measure_all(args: argparse.Namespace, frontends: list[str], overrides: list[str]) -> list[dict]:
    """One :func:`measure` result per frontend (and per revision with ``--against``) per round, alternating, each
    in a fresh process and labelled with its ``revision``."""
    results: list[dict] = []
    for _ in range(args.rounds if args.against or len(frontends) > 1 else 1):
        for frontend in frontends:
            child_args = [args.task, str(args.num_envs), str(args.steps), str(args.warmup), frontend, *overrides]
            results.append({"revision": "working tree", **_run_child(dict(os.environ), child_args)})
            if args.against:
                results.append({"revision": args.against, **measure_revision(args.against, child_args)})
    return results


def _print_result(r: dict) -> None:
    """One line of rates and per-step counts for the result ``r``, then a line per sync site in our code."""
    print(
        f"[step_cost] {r['revision']} ({r['frontend']} frontend): {r['task']}, {r['num_envs']} robots: "
        f"{r['env_steps_per_s']:,.0f} "
        f"env-steps/s; per step {r['torch_ops']:.0f} torch ops, {r['warp_launches']:.0f} Warp launches, "
        f"{r['syncs']:.1f} syncs ({r['our_syncs']:.1f} from our code); contact slots per robot "
        f"{r['contact_slots_per_robot']:.0f} (at most {r['contacts_in_use_per_robot_max']:.1f} in use)",
        flush=True,
    )
    for site, count in sorted(r["our_sync_sites"].items()):
        print(f"[step_cost]   our sync: {site} x{count / r['steps']:.2f}/step", flush=True)


def _print_ratios(results: list[dict], against: str | None) -> None:
    """The ratios of the means: the working tree over ``against``, or (no ``against``) warp over torch."""
    if against:
        label = f"working tree / {against}"
        ours = [r for r in results if r["revision"] == "working tree"]
        theirs = [r for r in results if r["revision"] == against]
    else:
        label = "warp frontend / torch frontend"
        ours = [r for r in results if r["frontend"] == "warp"]
        theirs = [r for r in results if r["frontend"] == "torch"]

    def mean(rows, key):
        return sum(r[key] for r in rows) / len(rows)

    print(
        f"[step_cost] {label}: "
        + ", ".join(
            f"{key} x{mean(ours, key) / mean(theirs, key):.2f}"
            for key in ("env_steps_per_s", "torch_ops", "warp_launches", "syncs", "contact_slots_per_robot")
        ),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, overrides = parser.parse_known_args(argv)
    frontends = args.frontends.split(",")
    _check_args(parser, args, frontends)
    results = _measure_all(args, frontends, overrides)
    for r in results:
        _print_result(r)
    if args.against or len(frontends) > 1:
        _print_ratios(results, args.against)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2:])
    else:
        sys.exit(main())
