"""Drive one robot while watching (``--no-drive`` leaves it out): in the browser (``play.py --viz viser``) a panel in
viser's sidebar, in Newton's window (``--viz newton``) the keyboard, set the velocity command of the driven robot
once used (until then it keeps the task's commands, like the others).

:class:`DriveCommand` is what both share: what a key, a slider, stop, push or reset does, and
:meth:`DriveCommand.before_step`, which applies it in the simulation's thread between two policy steps (the command,
held through resampling, a push, a reset, the camera, the readout). :class:`Drive` (the viser panel) and
:class:`KeyDrive` (Newton's window) are the two front-ends: their callbacks only note what was asked (viser's run in
its own thread).
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
"""The drive keys: the command (index into :data:`AXES`) each moves and which way (+y is left, +yaw turns left)."""

KEY_STEPS = 8
"""Presses of a key that sweep its command's whole range."""

COMMAND_STEP = 0.05
"""The resolution of a command set by a key or slider [m/s or rad/s] (the sliders' step)."""

WINDOW_KEYS = {"C": "camera follows on/off", "P": "push", "R": "reset robot"}
"""Newton's window's keys for the panel's checkbox and buttons (besides :data:`KEYS` and space)."""

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


class DriveCommand:
    """The velocity command of the driven robot of ``env`` (Isaac Lab's ``base_velocity`` command term,
    :class:`~isaaclab.envs.mdp.commands.UniformVelocityCommand`) as a front-end asks for it; the others keep the
    task's commands. A front-end shows :meth:`readout` in :meth:`_display` and says in :meth:`_following` whether the
    camera follows."""

    UNTIL = "until you move a slider"
    """When the driven robot's command stops being the task's, for the readout."""

    def __init__(self, env: Any, robot: int) -> None:
        self._base = env.unwrapped
        self._term = self._base.command_manager.get_term("base_velocity")
        self._ranges = [getattr(self._term.cfg.ranges, name) for _, name in AXES]
        self._lock = threading.Lock()
        # v_x [m/s], v_y [m/s], yaw rate [rad/s]: zero, or the range's nearest end when zero is outside it
        self._command = [min(max(0.0, low), high) for low, high in self._ranges]
        self._engaged = False  # the front-end commands the robot from its first use on
        self._robot, self._released = robot, None
        self._push = self._reset = False
        self._steps = 0
        self._note, self._note_step = "", 0  # the last push or reset at the edge, for the readout, and when
        self._extent = ground_extent(self._base)
        self._held: tuple[int, torch.Tensor] | None = None  # (robot, command) the simulation holds
        self._hold_through_resampling()

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

    def _set(self, axis: int, value: float) -> None:
        with self._lock:
            self._command[axis] = value
            self._engaged = True

    def _press(self, key: str) -> float:
        """Move the command of ``key`` (:data:`KEYS`) by one :data:`KEY_STEPS`-th of its range (to a multiple of
        :data:`COMMAND_STEP`: a press back undoes a press), within the range; the new value [m/s or rad/s]."""
        axis, sign = KEYS[key]
        low, high = self._ranges[axis]
        step = round((high - low) / KEY_STEPS / COMMAND_STEP) * COMMAND_STEP
        with self._lock:
            value = min(max(self._command[axis] + sign * step, low), high)
            value = round(round(value / COMMAND_STEP) * COMMAND_STEP, 6)
            self._command[axis] = value
            self._engaged = True
        return value

    def _stop(self) -> None:
        with self._lock:
            self._command = [0.0, 0.0, 0.0]
            self._engaged = True

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
        """Apply what the front-end asked: the driven robot's command once it is used (kept from resampling,
        heading control and standing), a push (its base v_xy replaced), a reset (its episode ends at this step: a
        time-out; also when the robot reaches the ground's edge), the camera on it; every :data:`READOUT_EVERY`
        steps, the commanded and measured velocity in the readout."""
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
            self._note, self._note_step = f"robot {robot} reached the ground's edge: reset", self._steps
        if reset:
            base.episode_length_buf[robot] = base.max_episode_length
        if self._steps % READOUT_EVERY == 0:
            self._display(self.readout(robot, engaged))
            if self._following():
                aim_camera(self._base, robot, distance=2.0)
        self._steps += 1

    def _kick(self, robot: int) -> None:
        """legged_gym's push on ``robot``; the base v_xy [m/s] (world frame) before and after it, as the simulation
        reads them back, kept for the readout."""
        velocity = self._base.scene["robot"].data.root_com_vel_w
        before = velocity.torch[robot, :2].tolist()
        push_by_replacing_velocity(self._base, torch.tensor([robot], device=self._base.device), PUSH_RANGE)
        after = velocity.torch[robot, :2].tolist()
        self._note_step = self._steps
        self._note = f"pushed: v_xy ({before[0]:.2f}, {before[1]:.2f}) -> ({after[0]:.2f}, {after[1]:.2f}) m/s"

    def _off_ground(self, robot: int) -> bool:
        """Whether ``robot``'s base is within :data:`EDGE_MARGIN` of the generated ground's edge or past it (off the
        ground it falls for the rest of its episode: nothing else ends it, and its speed reads tens of m/s)."""
        if self._extent is None:
            return False
        x, y = self._base.scene["robot"].data.root_pos_w[robot, :2].tolist()
        return abs(x) > self._extent[0] - EDGE_MARGIN or abs(y) > self._extent[1] - EDGE_MARGIN

    def readout(self, robot: int, engaged: bool) -> list[str]:
        """The readout's lines: ``robot``'s command and measured base velocity (body frame), the last note."""
        data = self._base.scene["robot"].data
        v_x, v_y = data.root_lin_vel_b[robot, :2].tolist()
        yaw_rate = data.root_ang_vel_b[robot, 2].item()
        command = self._term.vel_command_b[robot].tolist()
        source = "" if engaged else f" (the task's {self.UNTIL})"
        lines = [
            f"robot {robot}",
            f"command: v_x {command[0]:.2f} m/s, v_y {command[1]:.2f} m/s, yaw {command[2]:.2f} rad/s{source}",
            f"measured: v_x {v_x:.2f} m/s, v_y {v_y:.2f} m/s, yaw {yaw_rate:.2f} rad/s",
        ]
        return lines + ([self._note] if self._note and self._steps - self._note_step < NOTE_STEPS else [])

    def _display(self, lines: list[str]) -> None:
        """Show the readout (a front-end's)."""

    def _following(self) -> bool:
        """Whether the camera follows the driven robot (a front-end's choice)."""
        return True


class Drive(DriveCommand):
    """The panel driving ``env``'s robot ``robot``, added to the viser ``server``'s sidebar: sliders, key buttons and
    the page's keys, stop, push, reset, robot picker, camera checkbox, readout."""

    def __init__(self, env: Any, server: Any, robot: int) -> None:
        super().__init__(env, robot)
        self._add_panel(server.gui, robot)

    def _add_panel(self, gui: Any, robot: int) -> None:
        with gui.add_folder("Drive", order=-1.0):
            picker = gui.add_dropdown(
                "robot", options=[str(i) for i in range(self._base.num_envs)], initial_value=str(robot)
            )
            self._sliders = []
            for i, ((label, _), (low, high)) in enumerate(zip(AXES, self._ranges)):
                slider = gui.add_slider(label, min=low, max=high, step=COMMAND_STEP, initial_value=self._command[i])
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

    def _key(self, key: str) -> None:
        """A key button: the command moved (:meth:`DriveCommand._press`), its slider shows it."""
        axis, _ = KEYS[key]
        self._sliders[axis].value = self._press(key)

    def _stop(self) -> None:
        super()._stop()
        for slider in self._sliders:
            slider.value = 0.0

    def _display(self, lines: list[str]) -> None:
        self._readout.content = "  \n".join(lines)  # markdown's line break

    def _following(self) -> bool:
        return self._follow.value


class KeyDrive(DriveCommand):
    """Newton's window (``viewer``, its ``ViewerGL``) driving ``env``'s robot ``robot`` with the keys of the viser
    panel (:data:`KEYS`, space stops) and :data:`WINDOW_KEYS`; the readout in the window's sidebar.

    The window's own keys for these: W/A/S/D/Q/E fly its camera (turned off here: its speed is set to 0; the camera
    follows the robot, the mouse still turns it) and space pauses its drawing (undone here: space stops the robot;
    the sidebar's pause button still pauses). Keys typed into a field of its sidebar are left alone."""

    UNTIL = "until you press a key"

    def __init__(self, env: Any, viewer: Any, robot: int) -> None:
        super().__init__(env, robot)
        self._viewer, self._follow, self._lines = viewer, True, ["Drive: waiting for the first step"]
        viewer.camera_speed = 0.0
        viewer.renderer.register_key_press(self.on_key_press)  # after the window's own handler: it runs second
        viewer.register_ui_callback(self._panel, position="side")

    def on_key_press(self, symbol: int, modifiers: int) -> None:
        """The window's key press ``symbol`` (a ``pyglet.window.key`` code): what the panel's key or button does."""
        import pyglet

        gui = getattr(self._viewer, "gui", None)
        if gui is not None and gui.is_keyboard_capturing():
            return  # typed into the sidebar
        name = pyglet.window.key.symbol_string(symbol)
        if name in KEYS:
            self._press(name)
        elif name == "SPACE":
            self._stop()
            self._viewer._paused = False  # the window's handler, run first, paused the drawing
        elif name == "C":
            self._follow = not self._follow
        elif name in ("P", "R"):
            self._flag("_push" if name == "P" else "_reset")

    def _panel(self, imgui: Any) -> None:
        """The sidebar's part: the keys and the readout (drawn by the window, in the simulation's thread)."""
        imgui.text("Drive: W/S forward/back, A/D left/right, Q/E turn, space stop")
        imgui.text(", ".join(f"{key} {what}" for key, what in WINDOW_KEYS.items()))
        for line in self._lines:
            imgui.text(line)

    def _display(self, lines: list[str]) -> None:
        self._lines = lines

    def _following(self) -> bool:
        return self._follow
