"""The drive model of a legged robot, chosen with one Isaac Lab preset token instead of a class swap.

legged_gym drives ANYmal with a learned actuator network whose weights cannot be shipped; without it, legged_gym falls
back to an ideal PD clipped at the URDF effort. Isaac Lab substitutes a DC motor whose torque falls to zero at the
no-load speed. :func:`drive_choice` offers both with the same gains as an Isaac Lab :class:`PresetCfg`, so a run picks
one with ``presets=ideal_pd`` (or ``env.scene.robot.actuators.legs=ideal_pd``). Both are Isaac Lab's own actuator
types, which Newton executes natively.
"""

from __future__ import annotations

import dataclasses

from isaaclab.actuators import DCMotorCfg, IdealPDActuatorCfg
from isaaclab_tasks.utils import PresetCfg, preset

DRIVE_MODELS = ("dc_motor", "ideal_pd")
"""``dc_motor``: PD torque clipped to the DC motor's torque-speed curve (Isaac Lab's ANYdrive model);
``ideal_pd``: PD torque clipped at the effort limit only, no speed cut (legged_gym without its actuator network)."""


def ideal_pd_of(dc_motor: DCMotorCfg) -> IdealPDActuatorCfg:
    """The ideal PD with ``dc_motor``'s joints, gains, armature and effort limit, without its torque-speed curve."""
    keep = {f.name for f in dataclasses.fields(IdealPDActuatorCfg)} - {"class_type", "actuator_velocity_limit"}
    return IdealPDActuatorCfg(**{name: getattr(dc_motor, name) for name in keep})


def drive_choice(dc_motor: DCMotorCfg, default: str) -> PresetCfg:
    """``dc_motor`` and its :func:`ideal_pd_of` as the preset alternatives ``dc_motor`` and ``ideal_pd``.

    Args:
        dc_motor: the DC-motor model (gains, limits, joints).
        default: the model used when no preset token names one (one of :data:`DRIVE_MODELS`).
    """
    models = {"dc_motor": dc_motor, "ideal_pd": ideal_pd_of(dc_motor)}
    if default not in models:
        raise ValueError(f"unknown drive model '{default}'; choose one of: {', '.join(DRIVE_MODELS)}")
    return preset(default=models[default], **models)
