"""Contact margin, measured: ANYmal C on the rough grid under random actions with each Newton shape margin.

For each margin (``env.sim.physics.default_shape_cfg.margin``, summed over the two shapes of a contact) a fresh
process builds Walk-Rough-AnymalC, drives the robots with random actions (an untrained policy) and reports:
foot penetration (the bottom of each foot's contact sphere against the terrain mesh below it, a ray cast; positive =
below the surface), contacts per robot (MuJoCo Warp's contacts told to their robot) and env-steps/s of the stepping
alone. Margins alternate run by run so that both see the same machine load; speeds are compared as ratios.

    .venv/bin/python tools/contact_margin.py --margins 0,0.01 --robots 32 --steps 200 --repeats 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOOT_SPHERE = ((0.0, 0.0, 0.0225), 0.03)  # ANYmal C's foot contact sphere in the FOOT frame: centre [m], radius [m]
GRID = ["env.scene.terrain.terrain_generator.num_rows=4", "env.scene.terrain.terrain_generator.num_cols=10"]


def measure(margin: float, robots: int, steps: int, seed: int) -> dict:
    """One run in this process: penetration, contacts per robot and env-steps/s under random actions."""
    import time

    import numpy as np
    import torch
    import trimesh

    sys.path.insert(0, str(REPO / "tests"))
    from helpers import walk_run

    from ext_walk_minutes.envs.solver_room import mjwarp_solver, room_use
    from ext_walk_minutes.run.spec import running_env

    spec, configs = walk_run(
        "Walk-Rough-AnymalC",
        robots,
        [
            *GRID,
            f"env.sim.physics.default_shape_cfg.margin={margin}",
            f"env.scene.terrain.terrain_generator.seed={seed}",
        ],
    )
    with running_env(spec, configs) as gym_env:
        env = gym_env.unwrapped
        gym_env.reset()
        grid = env.cfg.scene.terrain.terrain_generator  # seeded: the same mesh as the importer's
        surface = trimesh.ray.ray_triangle.RayMeshIntersector(grid.class_type(grid, device="cpu").terrain_mesh)
        robot, sensor = env.scene["robot"], env.scene["contact_forces"]
        feet = [robot.body_names.index(n) for n in robot.body_names if n.endswith("FOOT")]
        sensor_feet = [sensor.body_names.index(robot.body_names[i]) for i in feet]
        generator = torch.Generator().manual_seed(seed)
        depths, stance, contacts, stepping = [], [], [], 0.0
        for step in range(steps):
            action = 2.0 * torch.rand(env.num_envs, env.action_manager.total_action_dim, generator=generator) - 1.0
            start = time.perf_counter()
            gym_env.step(action)
            stepping += time.perf_counter() - start
            if step >= 25 and step % 5 == 0:  # settled from the drop; then every 5th policy step
                depth = _foot_depth(robot, feet, surface)
                force = sensor.data.net_forces_w.torch[:, sensor_feet].norm(dim=-1).numpy()
                depths.append(depth)
                stance.append(depth[force > 1.0])
                contacts.append(list(room_use(mjwarp_solver()).contacts.values()))
        depth_all, depth_stance = np.concatenate(depths).ravel(), np.concatenate(stance)
        per_robot = np.concatenate([np.asarray(c, dtype=float) for c in contacts])
        return {
            "margin_m": margin,
            "robots": robots,
            "policy_steps": steps,
            "stance_depth_mean_mm": 1000 * float(depth_stance.mean()),
            "stance_depth_p95_mm": 1000 * float(np.percentile(depth_stance, 95)),
            "foot_depth_max_mm": 1000 * float(depth_all.max()),
            "contacts_per_robot_mean": float(per_robot.mean()),
            "contacts_per_robot_max": int(per_robot.max()),
            "env_steps_per_s": robots * steps / stepping,
        }


def _foot_depth(robot, feet: list[int], surface):
    """Depth [m] of the bottom of each foot sphere below the terrain surface straight under it, (robots, feet)."""
    import numpy as np
    from isaaclab.utils.math import quat_apply

    centre, radius = FOOT_SPHERE
    pos, quat = robot.data.body_pos_w.torch[:, feet], robot.data.body_quat_w.torch[:, feet]
    offset = torch_tensor(centre, pos).expand_as(pos)
    bottom = (pos + quat_apply(quat, offset)).reshape(-1, 3).double().numpy()
    bottom[:, 2] -= radius
    origins = bottom.copy()
    origins[:, 2] += 10.0
    hits, ray_ids, _ = surface.intersects_location(
        origins, np.tile([0.0, 0.0, -1.0], (len(bottom), 1)), multiple_hits=False
    )
    ground = np.full(len(bottom), np.nan)
    ground[ray_ids] = hits[:, 2]
    return (ground - bottom[:, 2]).reshape(pos.shape[:2])


def torch_tensor(values, like):
    import torch

    return torch.tensor(values, dtype=like.dtype, device=like.device)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--margins", default="0,0.01", help="comma-separated margins [m] (default: 0,0.01)")
    parser.add_argument("--robots", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200, help="policy steps per run")
    parser.add_argument("--repeats", type=int, default=2, help="runs per margin, alternating")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print("RESULT " + json.dumps(measure(args.child, args.robots, args.steps, args.seed)), flush=True)
        return 0
    results = []
    for repeat in range(args.repeats):
        for margin in (float(m) for m in args.margins.split(",")):
            cmd = [sys.executable, __file__, "--child", str(margin), "--robots", str(args.robots)]
            cmd += ["--steps", str(args.steps), "--seed", str(args.seed + repeat)]
            out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
            if line is None:
                print(out.stdout[-2000:], out.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(line[7:]))
            print(json.dumps(results[-1]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
