"""Drive one robot from the browser (``play.py --viz viser``; ``--no-drive`` leaves it out): a panel in viser's
sidebar sets the velocity command of the robot picked in it once a slider or stop is used (until then it keeps the
task's commands, like the others).

The panel's callbacks run in viser's thread: they only note what was asked, and :meth:`Drive.before_step` applies it
in the simulation's thread between two policy steps (the command, a push, a reset, the camera).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from typing import Any

import torch

from ..mdp.events import push_by_replacing_velocity
from .video import aim_camera

PUSH_RANGE = {"x": (-1.0, 1.0), "y": (-1.0, 1.0)}
"""legged_gym's push: the base (v_x, v_y) [m/s] set to uniform samples in these ranges (its ``max_push_vel_xy``)."""

EDGE_MARGIN = 0.5
"""How far [m] inside the generated ground's edge a driven robot's base is reset (about half a body length: before its
legs step off)."""

NOTE_STEPS = 250
"""Policy steps a note (a push, a reset at the ground's edge) stays in the readout (5 s at 50 Hz)."""

READOUT_EVERY = 5
"""Policy steps between two updates of the readout and the camera (0.1 s at 50 Hz)."""

AXES = (("forward speed [m/s]", "lin_vel_x"), ("lateral speed [m/s]", "lin_vel_y"), ("yaw rate [rad/s]", "ang_vel_z"))
"""The sliders: label and the command term's range (``cfg.ranges``) each spans."""

KEYS = {"W": (0, 1), "S": (0, -1), "A": (1, 1), "D": (1, -1), "Q": (2, 1), "E": (2, -1)}
"""The key buttons: the slider each moves (index into :data:`AXES`) and which way (+y is left, +yaw turns left)."""

KEY_STEPS = 8
"""Presses of a key that sweep its slider's whole range."""

KEY_SCRIPT = """if (!window.driveKeys) {
  window.driveKeys = true;
  window.addEventListener('keydown', function (event) {
    var target = event.target, tag = target && target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable)) return;
    var label = event.code === 'Space' ? 'stop' : event.code.replace('Key', '');
    if (event.code !== 'Space' && (event.code.indexOf('Key') !== 0 || 'WSADQE'.indexOf(label) < 0)) return;
    event.preventDefault();
    event.stopPropagation();
    if (event.repeat) return;
    var buttons = Array.prototype.slice.call(document.querySelectorAll('button'));
    var button = buttons.find(function (b) { return b.textContent.trim() === label; });
    if (button) button.click();
  }, true);
}"""
"""Run in the page (viser renders HTML but not its ``<script>``; an image's ``onerror`` runs): W/S, A/D, Q/E and space
click the panel's key buttons and stop. It listens on the window before the page does, so these keys no longer move
viser's camera (W/A/S/D/Q/E do by default); keys typed in a text field are left alone."""


def ground_extent(env: Any) -> tuple[float, float] | None:
    """Half the size [m] of ``env``'s generated ground along x and y (border included; Isaac Lab centres it on the
    origin); None for a ground without edges (a plane)."""
    cfg = env.scene.terrain.cfg
    generator = cfg.terrain_generator if cfg.terrain_type == "generator" else None
    if generator is None:
        return None
    return (
        generator.num_rows * generator.size[0] / 2 + generator.border_width,
        generator.num_cols * generator.size[1] / 2 + generator.border_width,
    )


class Drive:
    """The panel and the command of the driven robot of ``env`` (Isaac Lab's ``base_velocity`` command term,
    :class:`~isaaclab.envs.mdp.commands.UniformVelocityCommand`), added to the viser ``server``."""

    def __init__(self, env: Any, server: Any, robot: int) -> None:
        self._base = env.unwrapped
        self._term = self._base.command_manager.get_term("base_velocity")
        self._lock = threading.Lock()
        self._command = [0.0, 0.0, 0.0]  # v_x [m/s], v_y [m/s], yaw rate [rad/s]
        self._engaged = False  # the panel commands the robot from its first use on
        self._robot, self._released = robot, None
        self._push = self._reset = False
        self._steps = 0
        self._note, self._note_step = "", 0  # the last push or reset at the edge, for the readout, and when
        self._extent = ground_extent(self._base)
        self._held: tuple[int, torch.Tensor] | None = None  # (robot, command) the simulation holds
        self._hold_through_resampling()
        self._add_panel(server.gui, robot)

    def _hold_through_resampling(self) -> None:
        """Re-apply the held command after each resampling of the command term: a reset of the driven robot resamples
        its command inside ``env.step``, and the observation of that step would otherwise carry the random one."""
        resample = self._term._resample

        def resample_holding(env_ids) -> None:
            resample(env_ids)
            self._hold()

        self._term._resample = resample_holding

    def _hold(self) -> None:
        """Put the held command on the driven robot, never resampled, in yaw-rate mode, not standing."""
        if self._held is None:
            return
        robot, command = self._held
        term = self._term
        term.vel_command_b[robot] = command
        term.time_left[robot] = float("inf")
        term.is_heading_env[robot] = False
        term.is_standing_env[robot] = False

    def _add_panel(self, gui: Any, robot: int) -> None:
        with gui.add_folder("Drive", order=-1.0):
            picker = gui.add_dropdown(
                "robot", options=[str(i) for i in range(self._base.num_envs)], initial_value=str(robot)
            )
            self._sliders = []
            for i, (label, name) in enumerate(AXES):
                low, high = getattr(self._term.cfg.ranges, name)
                slider = gui.add_slider(label, min=low, max=high, step=0.05, initial_value=min(max(0.0, low), high))
                slider.on_update(lambda _, i=i, slider=slider: self._set(i, float(slider.value)))
                self._sliders.append(slider)
            keys = gui.add_button_group("keys", options=tuple(KEYS))
            self._follow = gui.add_checkbox("camera follows", initial_value=True)
            stop, push, reset = gui.add_button("stop"), gui.add_button("push"), gui.add_button("reset robot")
            self._readout = gui.add_markdown("")
            gui.add_html(
                "<small>Keys: W/S forward/back, A/D left/right, Q/E turn, space stop</small>"
                f'<img src="data:," alt="" style="display:none" onerror="{html.escape(KEY_SCRIPT)}">'
            )
        picker.on_update(lambda _: self._pick(int(picker.value)))
        keys.on_click(lambda event: self._key(event.target.value))
        stop.on_click(lambda _: self._stop())
        push.on_click(lambda _: self._flag("_push"))
        reset.on_click(lambda _: self._flag("_reset"))

    def _set(self, axis: int, value: float) -> None:
        with self._lock:
            self._command[axis] = value
            self._engaged = True

    def _key(self, key: str) -> None:
        """Move the slider of ``key`` (:data:`KEYS`) by one step of :data:`KEY_STEPS` (its on_update sets the
        command)."""
        axis, sign = KEYS[key]
        slider = self._sliders[axis]
        value = slider.value + sign * (slider.max - slider.min) / KEY_STEPS
        slider.value = round(round(min(max(value, slider.min), slider.max) / slider.step) * slider.step, 6)

    def _stop(self) -> None:
        with self._lock:
            self._command = [0.0, 0.0, 0.0]
            self._engaged = True
        for slider in self._sliders:
            slider.value = 0.0

    def _pick(self, robot: int) -> None:
        with self._lock:
            self._released, self._robot = self._robot, robot

    def _flag(self, name: str) -> None:
        with self._lock:
            setattr(self, name, True)

    def wrap(self, act: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
        """``act`` preceded by :meth:`before_step`: the rollout calls it once per step, just before ``env.step``."""

        def driven(obs: torch.Tensor) -> torch.Tensor:
            self.before_step()
            return act(obs)

        return driven

    def before_step(self) -> None:
        """Apply what the panel asked: the driven robot's command once the panel is used (kept from resampling,
        heading control and standing), a push (its base v_xy replaced), a reset (its episode ends at this step: a
        time-out; also when the robot reaches the ground's edge), the camera on it; every :data:`READOUT_EVERY`
        steps, the commanded and measured velocity in the panel."""
        with self._lock:
            command, robot, released, engaged = list(self._command), self._robot, self._released, self._engaged
            push, reset = self._push, self._reset
            self._push = self._reset = False
            self._released = None
        term, base = self._term, self._base
        if released is not None and released != robot and engaged:
            term.time_left[released] = 0.0  # back to the task's commands: resampled at this step
        self._held = (robot, torch.tensor(command, device=base.device)) if engaged else None
        self._hold()
        if push:
            self._kick(robot)
        if not reset and self._off_ground(robot):
            reset = True
            self._note, self._note_step = f"  \nrobot {robot} reached the ground's edge: reset", self._steps
        if reset:
            base.episode_length_buf[robot] = base.max_episode_length
        if self._steps % READOUT_EVERY == 0:
            self._show(robot, engaged)
        self._steps += 1

    def _kick(self, robot: int) -> None:
        """legged_gym's push on ``robot``; the base v_xy [m/s] (world frame) before and after it, as the simulation
        reads them back, kept for the readout."""
        velocity = self._base.scene["robot"].data.root_com_vel_w
        before = velocity.torch[robot, :2].tolist()
        push_by_replacing_velocity(self._base, torch.tensor([robot], device=self._base.device), PUSH_RANGE)
        after = velocity.torch[robot, :2].tolist()
        self._note_step = self._steps
        self._note = f"  \npushed: v_xy ({before[0]:.2f}, {before[1]:.2f}) -> ({after[0]:.2f}, {after[1]:.2f}) m/s"

    def _off_ground(self, robot: int) -> bool:
        """Whether ``robot``'s base is within :data:`EDGE_MARGIN` of the generated ground's edge or past it (off the
        ground it falls for the rest of its episode: nothing else ends it, and its speed reads tens of m/s)."""
        if self._extent is None:
            return False
        x, y = self._base.scene["robot"].data.root_pos_w[robot, :2].tolist()
        return abs(x) > self._extent[0] - EDGE_MARGIN or abs(y) > self._extent[1] - EDGE_MARGIN

    def _show(self, robot: int, engaged: bool) -> None:
        data = self._base.scene["robot"].data
        v_x, v_y = data.root_lin_vel_b[robot, :2].tolist()
        yaw_rate = data.root_ang_vel_b[robot, 2].item()
        command = self._term.vel_command_b[robot].tolist()
        source = "" if engaged else " (the task's until you move a slider)"
        self._readout.content = (
            f"robot {robot}  \ncommand: v_x {command[0]:.2f} m/s, v_y {command[1]:.2f} m/s, yaw {command[2]:.2f} "
            f"rad/s{source}  \nmeasured: v_x {v_x:.2f} m/s, v_y {v_y:.2f} m/s, yaw {yaw_rate:.2f} rad/s"
            f"{self._note if self._steps - self._note_step < NOTE_STEPS else ''}"
        )
        if self._follow.value:
            aim_camera(self._base, robot, distance=2.0)
