"""``play.py --viz newton`` drives the followed robot with the keys of the viser panel: a real env (2 robots, zero
actions) with Newton's OpenGL viewer drawing off-screen (no display here), its key presses dispatched as the window
dispatches them (the window's own handler first, then ours)."""

from __future__ import annotations

import pytest

from helpers import walk_run

pytestmark = pytest.mark.slow  # builds an env


def test_window_keys_move_the_command_by_an_eighth_of_its_range_and_space_stops():
    import pyglet
    from isaaclab_visualizers.newton import NewtonGLVisualizerCfg

    from ext_walk_minutes.run import live_view, video
    from ext_walk_minutes.run.drive import KeyDrive
    from ext_walk_minutes.run.policy import running_stand_in

    spec, configs = walk_run("Walk-Flat-AnymalC", 2, play_mode=True)
    cfg = NewtonGLVisualizerCfg(headless=True, window_width=64, window_height=64, enable_shadows=False)
    video.add_visualizer(configs.env_cfg, cfg)
    with running_stand_in(spec, configs, "zero") as run:
        key = pyglet.window.key  # once the viewer has set pyglet headless (before, it asks for a display)
        env = run.env.unwrapped
        obs = run.env.reset()[0]["policy"]
        viewer = live_view.newton_viewer(run.env, headless=True)
        assert viewer is not None and live_view.newton_viewer(run.env) is None  # no window here
        drive = KeyDrive(run.env, viewer, 0)
        act = drive.wrap(run.act)
        term = env.command_manager.get_term("base_velocity")
        command = env.command_manager.get_command("base_velocity")

        def press(*symbols: int) -> None:
            for symbol in symbols:
                viewer.renderer._on_key_press(symbol, 0)  # what the window's key event calls
            nonlocal obs
            obs = run.env.step(act(obs))[0]["policy"]

        press()
        assert term.time_left[0] < float("inf"), "before a key the driven robot keeps the task's commands"
        assert "the task's until you press a key" in drive._lines[1]
        # flat task: v_x, v_y in [-1, 1] m/s, yaw rate in [-1.5, 1.5] rad/s: a press moves 0.25 m/s, 0.375 rad/s (0.4)
        press(key.W, key.W, key.A, key.Q)
        assert command[0].tolist() == pytest.approx([0.5, 0.25, 0.4])
        press(key.S, key.D, key.D, key.E, key.E)
        assert command[0].tolist() == pytest.approx([0.25, -0.25, -0.4])
        assert term.time_left[0] == float("inf") and term.time_left[1] < float("inf")  # robot 1: the task's
        press(*[key.W] * 9)
        assert command[0, 0].item() == pytest.approx(1.0), "held at the end of the range"
        press(key.SPACE)
        assert command[0].tolist() == [0.0, 0.0, 0.0]
        assert not viewer.is_paused(), "space stops the robot, not the drawing"
        for _ in range(5):
            press()
        assert drive._lines[1].startswith("command: v_x 0.00 m/s, v_y 0.00 m/s, yaw 0.00 rad/s")
        assert viewer.camera_speed == 0.0, "W/A/S/D/Q/E no longer fly the camera"
        press(key.C, key.X)  # X: not ours, nothing
        assert not drive._following() and command[0].tolist() == [0.0, 0.0, 0.0]
