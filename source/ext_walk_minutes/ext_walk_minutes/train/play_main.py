"""``scripts/play.py``: run a trained policy headless, report how well it walks, optionally export it."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import torch

from ..common.errors import UsageError, exit_on_usage_error
from .policy_session import PolicyRun, find_policy, policy_session
from .session import (RunSpec, add_common_args, check_task, parse, resolve_configs, resolve_device, resolve_num_envs,
                      set_cpu_threads)

EXPORT_TOLERANCE = 1e-5
PLAY_NUM_ENVS = 16


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        allow_abbrev=False,
        description="Run a trained walking policy headless; print velocity tracking errors and distance walked."
    )
    add_common_args(parser, default_num_envs_help=f"robots to run (default: {PLAY_NUM_ENVS})")
    parser.add_argument("--checkpoint", default="latest",
                        help="'latest' (default), a run folder (timestamp or path) or a checkpoint file")
    parser.add_argument("--agent", default=None, help="the PPO backend (default: the one that wrote the checkpoint)")
    parser.add_argument("--steps", type=int, default=500, help="policy steps to run (default: 500 = 10 s)")
    parser.add_argument("--export", action="store_true",
                        help="write policy.onnx, policy.pt (TorchScript) and policy.json next to the checkpoint")
    return parser


def rollout(env, act, steps: int) -> dict[str, float]:
    """Run ``steps`` policy steps; mean tracking errors, distance walked per robot and falls."""
    base = env.unwrapped
    robot = base.scene["robot"]
    obs = env.reset()[0]["policy"]
    n = base.num_envs
    lin_err = yaw_err = 0.0
    distance = torch.zeros(n, device=base.device)
    falls = 0
    for _ in range(steps):
        command = base.command_manager.get_command("base_velocity").clone()
        pos_before = robot.data.root_pos_w[:, :2].clone()
        with torch.inference_mode():
            obs_dict, _, terminated, truncated, _ = env.step(act(obs).to(base.device))
        obs = obs_dict["policy"]
        reset = terminated | truncated
        step = (robot.data.root_pos_w[:, :2] - pos_before).norm(dim=1)
        distance += torch.where(reset, torch.zeros_like(step), step)
        lin_err += (command[:, :2] - robot.data.root_lin_vel_b[:, :2]).norm(dim=1).mean().item()
        yaw_err += (command[:, 2] - robot.data.root_ang_vel_b[:, 2]).abs().mean().item()
        falls += int(terminated.sum().item())
    return {
        "lin_vel_error": lin_err / steps,
        "yaw_rate_error": yaw_err / steps,
        "distance_per_robot": distance.mean().item(),
        "falls": falls,
        "seconds": steps * base.step_dt,
    }


def export(run: PolicyRun, checkpoint: Path) -> int:
    """Write policy.onnx, policy.pt and policy.json next to ``checkpoint``; 1 if an export differs from the policy."""
    from .export import export_policy, max_export_errors, write_contract

    obs_dim = run.env.unwrapped.observation_manager.group_obs_dim["policy"][0]
    jit_path, onnx_path = export_policy(run.policy, obs_dim, checkpoint.parent)
    contract = write_contract(run.env, checkpoint.parent / "policy.json")
    errors = max_export_errors(run.act, jit_path, onnx_path, obs_dim)
    print(f"[play] exported {jit_path}, {onnx_path}, {contract}", flush=True)
    print(f"[play] export max abs error vs torch policy: torchscript {errors['torchscript']:.2e}, "
          f"onnx {errors['onnx']:.2e}", flush=True)
    if not exports_match(errors):
        print(f"error: the exported policy differs from the torch policy by more than {EXPORT_TOLERANCE} or gives "
              "non-finite actions (a diverged checkpoint?); do not deploy it", file=sys.stderr)
        return 1
    return 0


def exports_match(errors: dict[str, float]) -> bool:
    """True when every export's largest error is finite and within :data:`EXPORT_TOLERANCE` (NaN fails)."""
    return all(math.isfinite(e) and e <= EXPORT_TOLERANCE for e in errors.values())


@exit_on_usage_error
def main(argv: list[str] | None = None) -> int:
    set_cpu_threads()
    args, overrides = parse(build_parser(), argv)
    check_task(args.task)
    device = resolve_device(args.device)
    num_envs = resolve_num_envs(args.num_envs if args.num_envs is not None else PLAY_NUM_ENVS, device)
    if args.steps < 1:
        raise UsageError(f"--steps must be at least 1 (got {args.steps})")
    checkpoint, agent = find_policy(args.checkpoint, args.agent, args.task)
    print(f"[play] task {args.task} | agent {agent} | checkpoint {checkpoint} | {num_envs} envs | device {device}",
          flush=True)
    spec = RunSpec(args.task, agent, device, num_envs, args.seed, tuple(overrides), args.preset, args.asset,
                   play_mode=True)
    with policy_session(spec, resolve_configs(spec), checkpoint) as run:
        if args.export and export(run, checkpoint):
            return 1
        result = rollout(run.env, run.act, args.steps)
    print(f"[play] {num_envs} robots x {result['seconds']:.1f} s | lin vel error {result['lin_vel_error']:.3f} m/s | "
          f"yaw rate error {result['yaw_rate_error']:.3f} rad/s | distance walked {result['distance_per_robot']:.2f} m "
          f"per robot | falls {result['falls']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
