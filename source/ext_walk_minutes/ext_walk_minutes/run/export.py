"""Robot-side contract of an exported policy, and the check that exported files match the torch policy."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch


def _plain(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def policy_contract(env) -> dict[str, Any]:
    """What a runner on the robot needs to feed the policy and apply its actions.

    The observation is the concatenation of ``observation.terms`` in order; each term is
    ``clip(quantity, clip) * scale`` (training adds uniform noise within ``noise`` before clipping,
    a deployed runner adds none). The joint target is ``default_joint_pos + action_scale * action``,
    in the order of ``joint_names``, sent at ``control_rate_hz``.
    """
    base = env.unwrapped
    om = base.observation_manager
    terms = []
    start = 0
    for name, shape, cfg in zip(
        om.active_terms["policy"], om.group_obs_term_dim["policy"], om._group_obs_term_cfgs["policy"]
    ):
        size = int(np.prod(shape))
        noise = cfg.noise
        terms.append(
            {
                "name": name,
                "slice": [start, start + size],
                "scale": _plain(cfg.scale) if cfg.scale is not None else 1.0,
                "clip": _plain(cfg.clip),
                "noise": [noise.n_min, noise.n_max] if noise is not None and hasattr(noise, "n_min") else None,
            }
        )
        start += size
    action_term = base.action_manager.get_term("joint_pos")
    robot = base.scene["robot"]
    joint_ids = action_term._joint_ids
    ids = range(robot.num_joints) if isinstance(joint_ids, slice) else joint_ids
    joint_names = [robot.joint_names[i] for i in ids]
    scale = action_term._scale
    return {
        "observation": {"size": start, "terms": terms},
        "action": {
            "size": base.action_manager.total_action_dim,
            "joint_names": joint_names,
            "action_scale": float(scale) if not isinstance(scale, torch.Tensor) else scale[0].tolist(),
            "default_joint_pos": robot.data.default_joint_pos[0][joint_ids].tolist()
            if not isinstance(joint_ids, slice)
            else robot.data.default_joint_pos[0].tolist(),
            "target": "default_joint_pos + action_scale * action (joint position targets)",
        },
        "control_rate_hz": 1.0 / base.step_dt,
        "physics_dt_s": base.physics_dt,
        "decimation": base.cfg.decimation,
        **drive_contract(robot),
        "task": getattr(getattr(base, "spec", None), "id", None),
        "robot": {
            "description": getattr(robot.cfg.spawn, "robot", None),
            "collision_set": getattr(robot.cfg.spawn, "collision_set", None),
            "joint_limits": getattr(robot.cfg.spawn, "joint_limits", None),
        },
        "commands": command_contract(base.cfg.commands.base_velocity),
        "height_scan": height_scan_contract(base),
        "ground_friction_range": ground_friction_range(base.cfg),
    }


def ground_friction_range(env_cfg) -> list[float] | None:
    """The range each robot's ground-contact friction coefficient is drawn from in training, or ``None`` without
    that randomisation."""
    term = getattr(env_cfg.events, "physics_material", None)
    return None if term is None else [float(v) for v in term.params["friction_range"]]


def height_scan_contract(base) -> dict[str, Any] | None:
    """The height scanner's rays, or ``None`` when the task has none (flat tasks).

    Observation ``height_scan[i] = z_body - z_hit[i] - offset`` [m]: ray ``i`` starts at the scanner body's position
    plus ``ray_starts[i]`` (body frame, turned by the body's yaw only when ``alignment`` is ``yaw``) and points along
    ``ray_direction`` (world frame), hitting the terrain only.
    """
    sensor = base.scene.sensors.get("height_scanner")
    if sensor is None:
        return None
    om = base.observation_manager
    offset = next(
        (
            cfg.params.get("offset", 0.5)
            for name, cfg in zip(om.active_terms["policy"], om._group_obs_term_cfgs["policy"])
            if name == "height_scan"
        ),
        0.5,
    )
    return {
        "body": sensor.cfg.prim_path.rsplit("/", 1)[-1],
        "ray_starts": sensor.ray_starts.torch[0].tolist(),
        "ray_direction": sensor.ray_directions.torch[0, 0].tolist(),
        "alignment": sensor.cfg.ray_alignment,
        "offset": float(offset),
    }


def _joint_values(value, names: list[str]) -> dict[str, float]:
    """An actuator cfg field (a scalar, or regex -> value) for the joints ``names`` it drives; {} when unset."""
    from isaaclab.utils.string import resolve_matching_names_values

    if value is None:
        return {}
    if isinstance(value, dict):
        _, matched, values = resolve_matching_names_values(value, names, preserve_order=True)
        return {n: float(v) for n, v in zip(matched, values)}
    return {n: float(value) for n in names}


def drive_contract(robot) -> dict[str, Any]:
    """The PD law each joint runs at the physics rate, lists in the robot's joint order (``None`` where unset).

    Isaac Lab's explicit actuators (ideal PD, DC motor) leave the simulator's joint gains at zero and compute the
    torque themselves, so the gains and limits are read from the actuator cfgs. ``drive.model`` names each joint's
    actuator cfg; a DC motor clips the PD torque to ``saturation_effort * (+-1 - qd / velocity_limit)`` within
    ``+-effort_limit`` [N m].
    """
    from isaaclab.utils.string import resolve_matching_names

    names = list(robot.joint_names)
    keys = ("stiffness", "damping", "effort_limit", "saturation_effort", "velocity_limit", "model")
    fields: dict[str, dict[str, Any]] = {k: {} for k in keys}
    for cfg in robot.cfg.actuators.values():
        _, driven = resolve_matching_names(cfg.joint_names_expr, names)
        fields["stiffness"] |= _joint_values(cfg.stiffness, driven)
        fields["damping"] |= _joint_values(cfg.damping, driven)
        effort = getattr(cfg, "actuator_effort_limit", None) or getattr(cfg, "effort_limit", None)
        fields["effort_limit"] |= _joint_values(effort, driven)
        fields["saturation_effort"] |= _joint_values(getattr(cfg, "saturation_effort", None), driven)
        fields["velocity_limit"] |= _joint_values(getattr(cfg, "actuator_velocity_limit", None), driven)
        fields["model"] |= {n: type(cfg).__name__.removesuffix("Cfg") for n in driven}
    per_joint = {k: [fields[k].get(n) for n in names] for k in keys}
    return {
        "stiffness": per_joint["stiffness"],
        "damping": per_joint["damping"],
        "drive": {
            "model": per_joint["model"],
            "effort_limit": per_joint["effort_limit"],
            "saturation_effort": per_joint["saturation_effort"],
            "velocity_limit": per_joint["velocity_limit"],
            "armature": robot.data.joint_armature[0].tolist(),
        },
    }


def command_contract(cfg) -> dict[str, Any]:
    """The velocity commands the policy was trained on: ranges [m/s, rad/s], resampling time [s], heading mode."""
    return {
        "ranges": {k: _plain(getattr(cfg.ranges, k)) for k in ("lin_vel_x", "lin_vel_y", "ang_vel_z", "heading")},
        "resampling_time_s": _plain(cfg.resampling_time_range),
        "heading_command": bool(cfg.heading_command),
        "heading_control_stiffness": float(cfg.heading_control_stiffness),
        "zero_below": float(getattr(cfg, "zero_below", 0.0)),
    }


def export_policy(policy: torch.nn.Module, obs_dim: int, out_dir: Path) -> tuple[Path, Path]:
    """Write ``policy.pt`` (TorchScript) and ``policy.onnx`` for a module mapping (batch, obs_dim) to actions.

    The module is copied to the CPU; both files take any batch size.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    module = copy.deepcopy(policy).to("cpu").eval()
    example = torch.zeros(1, obs_dim)
    with torch.no_grad():
        torch.jit.trace(module, example).save(str(out_dir / "policy.pt"))
    torch.onnx.export(
        module,
        (example,),
        str(out_dir / "policy.onnx"),
        input_names=["obs"],
        output_names=["actions"],
        dynamic_axes={"obs": {0: "batch"}, "actions": {0: "batch"}},
        opset_version=18,
        dynamo=False,
    )
    return out_dir / "policy.pt", out_dir / "policy.onnx"


def write_contract(env, path: Path) -> Path:
    path.write_text(json.dumps(policy_contract(env), indent=2) + "\n", encoding="utf-8")
    return path


def max_export_errors(
    torch_policy, jit_path: Path, onnx_path: Path, obs_dim: int, samples: int = 256, seed: int = 0
) -> dict[str, float]:
    """Largest absolute difference of the TorchScript and ONNX outputs to ``torch_policy`` on random inputs."""
    import onnxruntime as ort

    gen = torch.Generator().manual_seed(seed)
    obs = torch.randn(samples, obs_dim, generator=gen) * 3.0
    with torch.no_grad():
        reference = torch_policy(obs).cpu()
        jit_out = torch.jit.load(str(jit_path), map_location="cpu")(obs)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {session.get_inputs()[0].name: obs.numpy()})[0]
    return {
        "torchscript": (jit_out - reference).abs().max().item(),
        "onnx": float(np.abs(onnx_out - reference.numpy()).max()),
    }
