"""Robots walking under the policy in independent MuJoCo worlds, measured as ``play.py`` measures them, and one
robot standing at its default pose."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .commands import Commands
from .model import mujoco_model, with_friction
from .recorder import MujocoRecorder
from .robot import JointMap, PDLaw, base_velocities, drive, fallen, observation, place_at_default_pose, yaw_of


@dataclass
class Fleet:
    """``robots`` independent MuJoCo worlds of the contract's robot, each with its own robot friction, and what the
    policy is given each step: the velocity commands and every robot's last action."""

    contract: dict[str, Any]
    model: Any
    """The ``mujoco.MjModel`` the worlds' models are copies of (robot friction 1)."""
    joints: JointMap
    law: PDLaw
    models: list
    worlds: list
    """One ``mujoco.MjData`` per robot, of ``models[i]``."""
    commands: Commands
    actions: np.ndarray
    """(robots, actions): the last policy output; a robot put back after a fall starts again from 0."""

    @classmethod
    def build(
        cls, contract: dict[str, Any], robots: int, terrain: str, seed: int, friction: tuple[float, float], contact: str
    ) -> Fleet:
        """The worlds on ``terrain``, robots at their default pose; one generator seeded ``seed`` draws each
        robot's friction from U(``friction``), then the commands."""
        import mujoco

        model = mujoco_model(contract, terrain, 1.0, contact)
        joints = JointMap.of(model, contract)
        rng = np.random.default_rng(seed)
        models = [with_friction(model, mu) for mu in rng.uniform(*friction, size=robots)]
        worlds = [mujoco.MjData(m) for m in models]
        for m, data in zip(models, worlds):
            place_at_default_pose(m, data, joints, contract)
        commands = Commands(contract, rng, robots)
        actions = np.zeros((robots, contract["action"]["size"]))
        return cls(contract, model, joints, PDLaw.of(contract), models, worlds, commands, actions)

    def observations(self) -> np.ndarray:
        """The policy input, shape (robots, observation size)."""
        return np.stack(
            [
                observation(self.models[i], d, self.joints, self.contract, self.commands.value[i], self.actions[i])
                for i, d in enumerate(self.worlds)
            ]
        )

    def yaws(self) -> np.ndarray:
        """Each robot's heading [rad], shape (robots,)."""
        return np.array([yaw_of(d, self.joints.base) for d in self.worlds])

    def put_back(self, i: int) -> None:
        """Robot ``i`` after a fall: at its default pose again, a new command, no last action."""
        place_at_default_pose(self.models[i], self.worlds[i], self.joints, self.contract)
        self.commands.resample(np.array([i]))
        self.actions[i] = 0.0


@dataclass
class Tally:
    """A rollout's running figures."""

    distance: np.ndarray
    """(robots,): distance walked [m], the reset step of a fallen robot not counted."""
    lin_vel_error: float = 0.0
    """Sum over policy steps of the mean over robots [m/s]."""
    yaw_rate_error: float = 0.0
    """Sum over policy steps of the mean over robots [rad/s]."""
    falls: int = 0
    finite: bool = True

    def track(self, command: np.ndarray, lin_b: np.ndarray, ang_b: np.ndarray) -> None:
        """Add one robot's velocity tracking errors: ``command`` (3,) against its base velocities (3,) (3,)."""
        robots = len(self.distance)
        self.lin_vel_error += float(np.linalg.norm(command[:2] - lin_b[:2])) / robots
        self.yaw_rate_error += abs(float(command[2] - ang_b[2])) / robots

    def figures(self, steps: int, step_dt: float, worlds: list) -> dict[str, float]:
        """The rollout's figures after ``steps`` policy steps of ``step_dt`` [s] (see :func:`rollout`)."""
        return {
            "lin_vel_error": self.lin_vel_error / steps,
            "yaw_rate_error": self.yaw_rate_error / steps,
            "distance_per_robot": float(self.distance.mean()),
            "falls": self.falls,
            "seconds": steps * step_dt,
            "base_height": [float(d.qpos[2]) for d in worlds],
            "finite": self.finite,
        }


def rollout(
    contract: dict[str, Any],
    policy,
    robots: int,
    seconds: float,
    terrain: str = "flat",
    seed: int = 0,
    friction: tuple[float, float] = (1.0, 1.0),
    contact: str = "noslip",
    frame_hook=None,
    recorder_out: list | None = None,
) -> dict[str, float]:
    """Run ``robots`` independent MuJoCo worlds for ``seconds``; figures as ``play.py`` prints them.

    Returns mean linear-velocity error [m/s] and yaw-rate error [rad/s] (per policy step, mean over robots),
    distance walked per robot [m] (the reset step of a fallen robot not counted), falls (base contact or a
    non-finite state; the robot is put back at its start pose), final base heights [m] and whether every
    value stayed finite. Each robot gets one friction coefficient drawn from ``friction`` (low, high), as
    training draws one per robot. ``frame_hook(model, data, step)`` is called on robot 0 after each policy step.
    With ``recorder_out`` (a list), the rollout's :class:`Recording` is appended to it.
    """
    fleet = Fleet.build(contract, robots, terrain, seed, friction, contact)
    step_dt = 1.0 / contract["control_rate_hz"]
    steps = max(1, round(seconds / step_dt))
    tally = Tally(np.zeros(robots))
    recorder = None if recorder_out is None else MujocoRecorder(fleet.model, fleet.joints, contract)
    for step in range(steps):
        policy_step(fleet, policy, step_dt if step else 0.0, tally, recorder)
        if frame_hook is not None:
            frame_hook(fleet.models[0], fleet.worlds[0], step)
        if recorder is not None:
            recorder.step()
    if recorder is not None:
        recorder_out.append(recorder.recording(step_dt))
    return tally.figures(steps, step_dt, fleet.worlds)


def policy_step(fleet: Fleet, policy, dt: float, tally: Tally, recorder: MujocoRecorder | None) -> None:
    """Advance the commands by ``dt`` [s], ask the policy, and step every robot toward its joint targets."""
    fleet.commands.step(dt, fleet.yaws())
    obs = fleet.observations()
    fleet.actions = policy(obs)
    tally.finite &= bool(np.all(np.isfinite(obs)) and np.all(np.isfinite(fleet.actions)))
    action = fleet.contract["action"]
    targets = np.asarray(action["default_joint_pos"]) + np.asarray(action["action_scale"]) * fleet.actions
    command = fleet.commands.value.copy()
    for i in range(len(fleet.worlds)):
        robot_step(fleet, i, targets[i], command[i], tally, recorder)


def robot_step(
    fleet: Fleet, i: int, target: np.ndarray, command: np.ndarray, tally: Tally, recorder: MujocoRecorder | None
) -> None:
    """One policy step of robot ``i`` toward ``target`` (joints,) [rad], walking to ``command`` (3,): measured,
    recorded, and put back at its start pose if it fell."""
    model, data, joints = fleet.models[i], fleet.worlds[i], fleet.joints
    before = data.qpos[0:2].copy()
    drive(model, data, joints, fleet.law, target, fleet.contract["decimation"])
    lin_b, ang_b = base_velocities(model, data, joints.base)
    down = fallen(model, data, joints.base)
    if recorder is not None:
        recorder.robot(i, model, data, command, data.ctrl[joints.actuator], down)
    tally.track(fleet.commands.value[i], lin_b, ang_b)
    if down:
        tally.falls += 1
        tally.finite &= bool(np.all(np.isfinite(data.qpos)))
        fleet.put_back(i)
    else:
        tally.distance[i] += float(np.linalg.norm(data.qpos[0:2] - before))


def stand(contract: dict[str, Any], seconds: float = 2.0, contact: str = "noslip") -> np.ndarray:
    """Base height [m] at each policy step of one robot holding the default pose under the contract's PD law."""
    import mujoco

    model = mujoco_model(contract, contact=contact)
    joints = JointMap.of(model, contract)
    law = PDLaw.of(contract)
    data = mujoco.MjData(model)
    place_at_default_pose(model, data, joints, contract)
    target = np.asarray(contract["action"]["default_joint_pos"])
    heights = []
    for _ in range(max(1, round(seconds * contract["control_rate_hz"]))):
        drive(model, data, joints, law, target, contract["decimation"])
        heights.append(float(data.qpos[2]))
    return np.array(heights)
